import Fluent
import Foundation
import SQLKit
import Vapor

/// The strategy with its areas, activities and each indicator's yearly targets and actuals,
/// read with a few aggregate queries so the overview and dashboards stay fast at thousands of
/// activities.
struct ActionPlanData: Sendable {
    struct ActivityRow: Sendable {
        let id: UUID
        let code: String
        let titleEn: String
        let titleZh: String
        let status: ActivityStatus
        let areaID: UUID
        let illustrative: Bool
        let plannedStart: String?
        let plannedEnd: String?
        func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
    }

    struct IndicatorRow: Sendable {
        let id: UUID
        let code: String
        let activityID: UUID?
        let areaID: UUID?
        let measure: IndicatorMeasure
        let baseline: Double?
        let illustrative: Bool
    }

    let strategy: Strategy
    let areas: [PriorityArea]
    let activities: [ActivityRow]
    let indicators: [IndicatorRow]
    /// Per indicator, per year: target and actual (countries' actuals added up where there is no total).
    let points: [UUID: [IndicatorProgress.Point]]
    let indicatorsByActivity: [UUID: [IndicatorRow]]
    let indicatorsByArea: [UUID: [IndicatorRow]]
    let activitiesByArea: [UUID: [ActivityRow]]
    let activitiesByID: [UUID: ActivityRow]
    /// Indicators with at least one counted (validated, numeric) actual marked illustrative.
    let indicatorsWithIllustrativeActuals: Set<UUID>

    init(
        strategy: Strategy, areas: [PriorityArea], activities: [ActivityRow], indicators: [IndicatorRow],
        points: [UUID: [IndicatorProgress.Point]], indicatorsWithIllustrativeActuals: Set<UUID> = []
    ) {
        self.strategy = strategy
        self.areas = areas
        self.activities = activities
        self.indicators = indicators
        self.points = points
        indicatorsByActivity = Dictionary(grouping: indicators.filter { $0.activityID != nil }) { $0.activityID! }
        indicatorsByArea = Dictionary(grouping: indicators.filter { $0.areaID != nil }) { $0.areaID! }
        activitiesByArea = Dictionary(grouping: activities, by: \.areaID)
        activitiesByID = Dictionary(activities.map { ($0.id, $0) }) { first, _ in first }
        self.indicatorsWithIllustrativeActuals = indicatorsWithIllustrativeActuals
    }

    /// The plan as the public pages show it, shared by them and kept with the page cache: a
    /// change to the plan (or to everything) loads it anew; answers to meetings and draft reports,
    /// which it does not count, keep it.
    static func shared(_ req: Request) async throws -> ActionPlanData? {
        let db = req.application.db
        return try await req.application.siteCache.derived("action-plan", section: "action-plan") { try await load(on: db) }
    }

    static func load(on db: any Database) async throws -> ActionPlanData? {
        guard let strategy = try await Strategy.query(on: db).sort(\.$firstYear, .descending).first() else { return nil }
        let areas = try await PriorityArea.query(on: db).filter(\.$strategy.$id == strategy.savedID).sort(\.$position).all()
        let sql = try db.sql
        let areaIDs = areas.compactMap(\.id)
        guard !areaIDs.isEmpty else { return ActionPlanData(strategy: strategy, areas: [], activities: [], indicators: [], points: [:]) }
        let activityRows = try await sql.select()
            .columns("id", "code", "title_en", "title_zh", "status", "priority_area_id", "illustrative", "planned_start", "planned_end")
            .from(Activity.schema).where("priority_area_id", .in, areaIDs).orderBy("code").all()
        let activities = try activityRows.map { row in
            ActivityRow(
                id: try row.decode(column: "id", as: UUID.self), code: try row.decode(column: "code", as: String.self),
                titleEn: try row.decode(column: "title_en", as: String.self), titleZh: try row.decode(column: "title_zh", as: String.self),
                status: ActivityStatus(rawValue: try row.decode(column: "status", as: String.self)) ?? .pipeline,
                areaID: try row.decode(column: "priority_area_id", as: UUID.self),
                illustrative: try row.decode(column: "illustrative", as: Bool.self),
                plannedStart: try row.decode(column: "planned_start", as: String?.self),
                plannedEnd: try row.decode(column: "planned_end", as: String?.self))
        }
        let indicatorRows = try await sql.select().columns(
            "id", "code", "activity_id", "priority_area_id", "measure", "baseline_value", "illustrative"
        )
        .from(
            Indicator.schema
        )
        .all()
        let indicators = try indicatorRows.map { row in
            IndicatorRow(
                id: try row.decode(column: "id", as: UUID.self), code: try row.decode(column: "code", as: String.self),
                activityID: try row.decode(column: "activity_id", as: UUID?.self),
                areaID: try row.decode(column: "priority_area_id", as: UUID?.self),
                measure: IndicatorMeasure(rawValue: try row.decode(column: "measure", as: String.self)) ?? .unit,
                baseline: try row.decode(column: "baseline_value", as: Double?.self),
                illustrative: try row.decode(column: "illustrative", as: Bool.self))
        }
        var targets: [UUID: [Int: Double]] = [:]
        for row in try await sql.select().columns("indicator_id", "year", "value").from(IndicatorTarget.schema).all() {
            guard let value = try row.decode(column: "value", as: Double?.self) else { continue }
            targets[try row.decode(column: "indicator_id", as: UUID.self), default: [:]][try row.decode(column: "year", as: Int.self)] =
                value
        }
        var actuals: [UUID: [Int: (total: Double?, sum: Double)]] = [:]
        let aggregated = try await sql.raw(
            """
            SELECT indicator_id, year, country_id IS NULL AS is_total, SUM(value) AS total,
              MAX(CASE WHEN illustrative THEN 1 ELSE 0 END) AS any_illustrative
            FROM \(ident: IndicatorActual.schema)
            WHERE value IS NOT NULL AND (report_id IS NULL OR report_id IN (SELECT id FROM \(ident: ProgressReport.schema) WHERE status = 'validated'))
            GROUP BY indicator_id, year, country_id IS NULL
            """
        ).all()
        var illustrativeActuals: Set<UUID> = []
        for row in aggregated {
            let id = try row.decode(column: "indicator_id", as: UUID.self)
            if try row.decode(column: "any_illustrative", as: Int.self) != 0 { illustrativeActuals.insert(id) }
            let year = try row.decode(column: "year", as: Int.self)
            let total = try row.decode(column: "total", as: Double.self)
            let isTotal = (try? row.decode(column: "is_total", as: Bool.self)) ?? ((try? row.decode(column: "is_total", as: Int.self)) == 1)
            var entry = actuals[id, default: [:]][year] ?? (nil, 0)
            if isTotal { entry.total = total } else { entry.sum += total }
            actuals[id, default: [:]][year] = entry
        }
        var points: [UUID: [IndicatorProgress.Point]] = [:]
        for indicator in indicators {
            let years = Set(targets[indicator.id]?.keys.map { $0 } ?? []).union(actuals[indicator.id]?.keys.map { $0 } ?? []).sorted()
            points[indicator.id] = years.map { year in
                let actual = actuals[indicator.id]?[year].map { $0.total ?? $0.sum }
                return IndicatorProgress.Point(year: year, target: targets[indicator.id]?[year], actual: actual)
            }
        }
        return ActionPlanData(
            strategy: strategy, areas: areas, activities: activities, indicators: indicators, points: points,
            indicatorsWithIllustrativeActuals: illustrativeActuals)
    }

    func progress(ofIndicator indicator: IndicatorRow) -> Double? {
        IndicatorProgress.progress(measure: indicator.measure, baseline: indicator.baseline, points: points[indicator.id] ?? [])
    }

    func progress(ofActivity id: UUID) -> Double? {
        IndicatorProgress.mean((indicatorsByActivity[id] ?? []).map(progress(ofIndicator:)))
    }

    /// An area's progress: its own indicators and its activities', equally weighted.
    func progress(ofArea area: PriorityArea) -> Double? {
        let own = (indicatorsByArea[area.savedID] ?? []).map(progress(ofIndicator:))
        let activities = (activitiesByArea[area.savedID] ?? []).map { progress(ofActivity: $0.id) }
        return IndicatorProgress.mean(own + activities)
    }

    // MARK: which figures rest on illustrative records

    /// An indicator's figures (targets, actuals, progress) rest on an illustrative record when the
    /// indicator is illustrative (its targets have no flag of their own) or one of its counted actuals is.
    func isIllustrative(indicator: IndicatorRow) -> Bool {
        indicator.illustrative || indicatorsWithIllustrativeActuals.contains(indicator.id)
    }

    func progressIsIllustrative(ofIndicator indicator: IndicatorRow) -> Bool {
        progress(ofIndicator: indicator) != nil && isIllustrative(indicator: indicator)
    }

    /// Whether an activity's progress figure is about an illustrative activity or is computed from an illustrative indicator or actual.
    func progressIsIllustrative(ofActivity id: UUID) -> Bool {
        guard progress(ofActivity: id) != nil else { return false }
        return activitiesByID[id]?.illustrative == true || (indicatorsByActivity[id] ?? []).contains(where: progressIsIllustrative)
    }

    func progressIsIllustrative(ofArea area: PriorityArea) -> Bool {
        guard progress(ofArea: area) != nil else { return false }
        return area.illustrative || (indicatorsByArea[area.savedID] ?? []).contains(where: progressIsIllustrative)
            || (activitiesByArea[area.savedID] ?? []).contains { progressIsIllustrative(ofActivity: $0.id) }
    }

    var hasIllustrative: Bool {
        areas.contains(where: \.illustrative) || activities.contains(where: \.illustrative) || indicators.contains(where: \.illustrative)
            || !indicatorsWithIllustrativeActuals.isEmpty
    }
}
