import Fluent
import Foundation
import SQLKit

/// IATI activity XML, version 2.03: every activity of the action plan with its participants,
/// dates, the goals it serves (as SDG tags) and its indicators with baselines, targets and
/// actuals (country breakdowns as dimensions). Elements follow the schema's order.
struct IATIExport {
    let reportingOrgRef: String
    let reportingOrgName: String

    func xml(on db: any Database) async throws -> String {
        let activities = try await Activity.query(on: db).sort(\.$code).all()
        let participants = Dictionary(grouping: try await ActivityParticipant.query(on: db).with(\.$country).with(\.$organisation).all()) {
            $0.$activity.id
        }
        let indicators = Dictionary(grouping: try await Indicator.query(on: db).filter(\.$activity.$id != nil).all()) { $0.$activity.id! }
        let targets = Dictionary(grouping: try await IndicatorTarget.query(on: db).all()) { $0.$indicator.id }
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: db).all().map { ($0.id!, $0.code) })
        let validated = Set(try await ProgressReport.query(on: db).filter(\.$status == .validated).all().compactMap(\.id))
        let actuals = Dictionary(
            grouping: try await IndicatorActual.query(on: db).all().filter { $0.$report.id.map(validated.contains) ?? true }
        ) { $0.$indicator.id }
        let codes = Dictionary(uniqueKeysWithValues: activities.map { ($0.id!, $0.code) })
        let now = ISO8601DateFormatter().string(from: Date())

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"\(now)\">\n"
        out.reserveCapacity(activities.count * 4_000)
        for activity in activities {
            let updated = ISO8601DateFormatter().string(from: activity.updatedAt ?? activity.createdAt ?? Date())
            out += " <iati-activity last-updated-datetime=\"\(updated)\" xml:lang=\"en\">\n"
            out += "  <iati-identifier>\(e(identifier(activity.code)))</iati-identifier>\n"
            out +=
                "  <reporting-org ref=\"\(e(reportingOrgRef))\" type=\"10\"><narrative>\(e(reportingOrgName))</narrative></reporting-org>\n"
            out += "  <title>\(narratives(activity.titleEn, activity.titleZh))</title>\n"
            let description = activity.descriptionEn.isEmpty && activity.descriptionZh.isEmpty ? activity.titleEn : activity.descriptionEn
            out += "  <description type=\"1\">\(narratives(description, activity.descriptionZh))</description>\n"
            let mine = participants[activity.id!] ?? []
            if mine.isEmpty {
                out +=
                    "  <participating-org ref=\"\(e(reportingOrgRef))\" role=\"2\"><narrative>\(e(reportingOrgName))</narrative></participating-org>\n"
            }
            for participant in mine {
                let name = participant.organisation?.nameEn ?? participant.country?.nameEn ?? ""
                out += "  <participating-org role=\"\(participant.role.iatiCode)\"><narrative>\(e(name))</narrative></participating-org>\n"
            }
            out += "  <activity-status code=\"\(activity.status.iatiCode)\"/>\n"
            for (type, date) in [(1, activity.plannedStart), (2, activity.actualStart), (3, activity.plannedEnd), (4, activity.actualEnd)] {
                if let date { out += "  <activity-date type=\"\(type)\" iso-date=\"\(e(date))\"/>\n" }
            }
            for code in Set(mine.compactMap { $0.$country.id.flatMap { countries[$0] } }).sorted() {
                out += "  <recipient-country code=\"\(e(code))\"/>\n"
            }
            for goal in activity.goals {
                let title = SustainableDevelopmentGoals.goal(goal)?.titleEn ?? ""
                out += "  <tag vocabulary=\"2\" code=\"\(goal)\"><narrative>\(e(title))</narrative></tag>\n"
            }
            if let parent = activity.$parent.id.flatMap({ codes[$0] }) {
                out += "  <related-activity ref=\"\(e(identifier(parent)))\" type=\"1\"/>\n"
            }
            for indicator in (indicators[activity.id!] ?? []).sorted(by: { $0.code < $1.code }) {
                out += result(indicator, targets: targets[indicator.id!] ?? [], actuals: actuals[indicator.id!] ?? [], countries: countries)
            }
            out += " </iati-activity>\n"
        }
        return out + "</iati-activities>\n"
    }

    private func result(_ indicator: Indicator, targets: [IndicatorTarget], actuals: [IndicatorActual], countries: [UUID: String]) -> String
    {
        var out = "  <result type=\"1\">\n   <title>\(narratives(indicator.titleEn, indicator.titleZh))</title>\n"
        let ascending = indicator.measure == .qualitative ? "" : " ascending=\"\(indicator.direction == .increase ? 1 : 0)\""
        out += "   <indicator measure=\"\(indicator.measure.iatiCode)\"\(ascending)>\n"
        out += "    <title>\(narratives(indicator.titleEn, indicator.titleZh))</title>\n"
        if let year = indicator.baselineYear, year > 0 {
            let value = indicator.baselineValue.map { " value=\"\(SVGCharts.number($0))\"" } ?? ""
            out += "    <baseline year=\"\(year)\"\(value)>"
            if !indicator.baselineText.isEmpty { out += "<comment><narrative>\(e(indicator.baselineText))</narrative></comment>" }
            out += "</baseline>\n"
        }
        let years = Set(targets.map(\.year)).union(actuals.map(\.year)).sorted()
        for year in years {
            out += "    <period><period-start iso-date=\"\(year)-01-01\"/><period-end iso-date=\"\(year)-12-31\"/>"
            for target in targets where target.year == year {
                out += "<target" + (target.value.map { " value=\"\(SVGCharts.number($0))\"" } ?? "") + ">"
                if !target.text.isEmpty { out += "<comment><narrative>\(e(target.text))</narrative></comment>" }
                out += "</target>"
            }
            for actual in actuals where actual.year == year {
                out += "<actual" + (actual.value.map { " value=\"\(SVGCharts.number($0))\"" } ?? "") + ">"
                if let code = actual.$country.id.flatMap({ countries[$0] }) { out += "<dimension name=\"country\" value=\"\(e(code))\"/>" }
                if !actual.text.isEmpty { out += "<comment><narrative>\(e(actual.text))</narrative></comment>" }
                out += "</actual>"
            }
            out += "</period>\n"
        }
        return out + "   </indicator>\n  </result>\n"
    }

    func identifier(_ code: String) -> String { reportingOrgRef + "-" + code }

    private func narratives(_ en: String, _ zh: String) -> String {
        var out = "<narrative>\(e(en.isEmpty ? zh : en))</narrative>"
        if !zh.isEmpty { out += "<narrative xml:lang=\"zh\">\(e(zh))</narrative>" }
        return out
    }

    private func e(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 == "\t" || $0 == "\n" || $0 == "\r" || $0.value >= 0x20 }))
            .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
