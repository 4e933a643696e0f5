import Fluent
import Foundation

/// Indicators with their results, and progress reports, as the API gives them; no HTTP in here.
extension ActionPlanAPI {
    /// The indicators with their targets and validated actuals, and per year the target against the actual.
    static func indicatorResults(_ indicators: [Indicator], on db: any Database) async throws -> [IndicatorResult] {
        let items = try await ActionPlanExport.indicatorItems(indicators, on: db)
        let activityIDs = Array(Set(indicators.compactMap(\.$activity.id)))
        var activityCodes: [UUID: String] = [:]
        for start in stride(from: 0, to: activityIDs.count, by: 500) {
            let chunk = Array(activityIDs[start..<min(start + 500, activityIDs.count)])
            for activity in try await Activity.query(on: db).filter(\.$id ~~ chunk).all() {
                activityCodes[activity.savedID] = activity.code
            }
        }
        let areaCodes = Dictionary(uniqueKeysWithValues: try await PriorityArea.query(on: db).all().map { ($0.savedID, $0.code) })
        return indicators.compactMap { indicator in
            guard let item = items[indicator.savedID] else { return nil }
            let years = Set(item.targets.map(\.year)).union(item.actuals.map(\.year)).sorted()
            return IndicatorResult(
                code: item.code, title: item.title, activityCode: indicator.$activity.id.flatMap { activityCodes[$0] },
                priorityAreaCode: indicator.$priorityArea.id.flatMap { areaCodes[$0] }, measure: item.measure, unit: item.unit,
                direction: item.direction, baselineValue: item.baselineValue, baselineText: item.baselineText,
                baselineYear: item.baselineYear, targets: item.targets, actuals: item.actuals,
                periods: years.map { year in
                    let ofYear = item.actuals.filter { $0.year == year }
                    let total = ofYear.first { $0.countryCode == nil }?.value
                    let sum = ofYear.filter { $0.countryCode != nil }.compactMap(\.value)
                    return PeriodItem(
                        year: year, target: item.targets.first { $0.year == year }?.value,
                        actual: total ?? (sum.isEmpty ? nil : sum.reduce(0, +)))
                }, illustrative: indicator.illustrative)
        }
    }

    /// The reports a caller may read (see `ReportingRules.canRead`), by activity code, year and country.
    static func readableReports(role: Role, ownCountries: Set<UUID>, on db: any Database) async throws -> [ProgressReport] {
        let query = ProgressReport.query(on: db).with(\.$activity)
        if !role.isStaff {
            if ownCountries.isEmpty {
                query.filter(\.$status == .validated)
            } else {
                query.group(.or) { $0.filter(\.$status == .validated).filter(\.$country.$id ~~ Array(ownCountries)) }
            }
        }
        return try await query.all().filter { ReportingRules.canRead($0, role: role, ownCountries: ownCountries) }
    }

    /// Reports with their actuals; each report's activity must be loaded.
    static func reportItems(_ reports: [ProgressReport], on db: any Database) async throws -> [ReportItem] {
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: db).all().map { ($0.savedID, $0.code) })
        var actuals: [UUID: [IndicatorActual]] = [:]
        let ids = reports.compactMap(\.id)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for actual in try await IndicatorActual.query(on: db).filter(\.$report.$id ~~ chunk).with(\.$indicator).all() {
                if let report = actual.$report.id { actuals[report, default: []].append(actual) }
            }
        }
        let country = { (id: UUID?) in id.flatMap { countries[$0] } }
        return reports.sorted {
            ($0.activity.code, $0.year, country($0.$country.id) ?? "") < ($1.activity.code, $1.year, country($1.$country.id) ?? "")
        }
        .map { report in
            ReportItem(
                id: report.savedID, activityCode: report.activity.code, year: report.year, countryCode: country(report.$country.id),
                status: report.status.rawValue, narrative: BilingualText(en: report.narrativeEn, zh: report.narrativeZh),
                actuals: (actuals[report.savedID] ?? []).sorted { $0.indicator.code < $1.indicator.code }.map {
                    ReportActualItem(
                        indicatorCode: $0.indicator.code, countryCode: country($0.$country.id), value: $0.value, text: $0.text,
                        illustrative: $0.illustrative)
                }, illustrative: report.illustrative)
        }
    }
}
