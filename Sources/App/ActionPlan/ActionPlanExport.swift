import Fluent
import Vapor

/// The whole plan as one JSON document: every activity with its indicators, their target per
/// year and their validated actuals, and the indicators set on priority areas. It carries what
/// activities.csv, indicators.csv and results.csv carry, each record with its illustrative flag.
enum ActionPlanExport {
    struct Document: Codable {
        let strategy: ActionPlanAPI.StrategyItem?
        let priorityAreas: [AreaItem]
        let activities: [ActivityItem]
    }

    struct AreaItem: Codable {
        let code: String
        let title: BilingualText
        let illustrative: Bool
        /// Indicators set on the area as a whole rather than on one of its activities.
        let indicators: [IndicatorItem]
    }

    struct ActivityItem: Codable {
        let code: String
        let title: BilingualText
        let description: BilingualText
        let priorityArea: String
        let status: String
        let leadOrganisationId: UUID?
        let leadOrganisation: BilingualText?
        let parentCode: String?
        let plannedStart: String?
        let plannedEnd: String?
        let actualStart: String?
        let actualEnd: String?
        let sustainableDevelopmentGoals: [Int]
        let participants: [ActionPlanAPI.ParticipantItem]
        let indicators: [IndicatorItem]
        let illustrative: Bool
    }

    struct IndicatorItem: Codable {
        let code: String
        let title: BilingualText
        let measure: String
        let unit: String
        let direction: String
        let baselineValue: Double?
        let baselineText: String
        let baselineYear: Int?
        let targets: [TargetItem]
        let actuals: [ActualItem]
        let illustrative: Bool
    }

    /// A target has no flag of its own: it is as illustrative as its indicator.
    struct TargetItem: Codable {
        let year: Int
        let value: Double?
        let text: String
        let illustrative: Bool
    }

    /// A validated actual (entered by staff, or from a validated report), for the whole activity or one country.
    struct ActualItem: Codable {
        let year: Int
        let countryCode: String?
        let value: Double?
        let text: String
        let illustrative: Bool
    }

    /// `reader`: the strategy's document is named only to those who may see it.
    static func document(on db: any Database, reader: Role) async throws -> Document {
        guard let strategy = try await Strategy.query(on: db).sort(\.$firstYear, .descending).first() else {
            return Document(strategy: nil, priorityAreas: [], activities: [])
        }
        let strategyDocument = try await strategy.$document.get(on: db).flatMap {
            Visibility.visible(to: reader).contains($0.access) ? $0 : nil
        }
        let areas = try await PriorityArea.query(on: db).filter(\.$strategy.$id == strategy.savedID).sort(\.$position).all()
        let areaCodes = Dictionary(uniqueKeysWithValues: areas.map { ($0.savedID, $0.code) })
        let activities = try await Activity.query(on: db).filter(\.$priorityArea.$id ~~ areas.compactMap(\.id)).with(\.$leadOrganisation)
            .sort(\.$code).all()
        let activityCodes = Dictionary(uniqueKeysWithValues: activities.map { ($0.savedID, $0.code) })
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: db).all().map { ($0.savedID, $0.code) })
        let participants = Dictionary(grouping: try await ActivityParticipant.query(on: db).all()) { $0.$activity.id }
        let indicators = try await Indicator.query(on: db).sort(\.$code).all()
        let items = try await indicatorItems(indicators, on: db)
        func entries(_ indicators: [Indicator]?) -> [IndicatorItem] { (indicators ?? []).compactMap { items[$0.savedID] } }
        let byActivity = Dictionary(grouping: indicators.compactMap { i in i.$activity.id.map { ($0, i) } }, by: \.0).mapValues {
            $0.map(\.1)
        }
        let byArea = Dictionary(
            grouping: indicators.compactMap { i in i.$activity.id == nil ? i.$priorityArea.id.map { ($0, i) } : nil }, by: \.0
        ).mapValues { $0.map(\.1) }

        return Document(
            strategy: ActionPlanAPI.StrategyItem(
                slug: strategy.slug, title: BilingualText(en: strategy.titleEn, zh: strategy.titleZh), firstYear: strategy.firstYear,
                lastYear: strategy.lastYear, adoptedOn: strategy.adoptedOn, version: strategy.version,
                documentSlug: strategyDocument?.slug),
            priorityAreas: areas.map { area in
                AreaItem(
                    code: area.code, title: BilingualText(en: area.titleEn, zh: area.titleZh), illustrative: area.illustrative,
                    indicators: entries(byArea[area.savedID]))
            },
            activities: activities.map { activity in
                ActivityItem(
                    code: activity.code, title: BilingualText(en: activity.titleEn, zh: activity.titleZh),
                    description: BilingualText(en: activity.descriptionEn, zh: activity.descriptionZh),
                    priorityArea: areaCodes[activity.$priorityArea.id] ?? "", status: activity.status.rawValue,
                    leadOrganisationId: activity.$leadOrganisation.id,
                    leadOrganisation: activity.leadOrganisation.map { BilingualText(en: $0.nameEn, zh: $0.nameZh) },
                    parentCode: activity.$parent.id.flatMap { activityCodes[$0] }, plannedStart: activity.plannedStart,
                    plannedEnd: activity.plannedEnd, actualStart: activity.actualStart, actualEnd: activity.actualEnd,
                    sustainableDevelopmentGoals: activity.goals,
                    participants: (participants[activity.savedID] ?? []).map {
                        ActionPlanAPI.ParticipantItem(
                            countryCode: $0.$country.id.flatMap { countries[$0] }, organisationId: $0.$organisation.id,
                            role: $0.role.rawValue)
                    }
                    .sorted { ($0.countryCode ?? "~", $0.role) < ($1.countryCode ?? "~", $1.role) },
                    indicators: entries(byActivity[activity.savedID]), illustrative: activity.illustrative)
            })
    }

    /// Each indicator's record: its targets and its validated actuals (entered by staff, or from a validated report), by indicator id.
    static func indicatorItems(_ indicators: [Indicator], on db: any Database) async throws -> [UUID: IndicatorItem] {
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: db).all().map { ($0.savedID, $0.code) })
        var targets: [UUID: [IndicatorTarget]] = [:]
        var actuals: [UUID: [IndicatorActual]] = [:]
        let ids = indicators.compactMap(\.id)
        // In chunks, so that thousands of indicators stay within the databases' limits on bound parameters.
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            for target in try await IndicatorTarget.query(on: db).filter(\.$indicator.$id ~~ chunk).sort(\.$year).all() {
                targets[target.$indicator.id, default: []].append(target)
            }
            for actual in try await IndicatorActual.query(on: db).filter(\.$indicator.$id ~~ chunk).with(\.$report).sort(\.$year).all()
            where actual.report.map({ $0.status == .validated }) ?? true {
                actuals[actual.$indicator.id, default: []].append(actual)
            }
        }
        func countryOrder(_ actual: IndicatorActual) -> String { actual.$country.id.flatMap { countries[$0] } ?? "" }
        return Dictionary(
            uniqueKeysWithValues: indicators.map { indicator in
                (
                    indicator.savedID,
                    IndicatorItem(
                        code: indicator.code, title: BilingualText(en: indicator.titleEn, zh: indicator.titleZh),
                        measure: indicator.measure.rawValue, unit: indicator.unit,
                        direction: indicator.direction.rawValue, baselineValue: indicator.baselineValue,
                        baselineText: indicator.baselineText, baselineYear: indicator.baselineYear,
                        targets: (targets[indicator.savedID] ?? []).map {
                            TargetItem(year: $0.year, value: $0.value, text: $0.text, illustrative: indicator.illustrative)
                        },
                        actuals: (actuals[indicator.savedID] ?? []).sorted { ($0.year, countryOrder($0)) < ($1.year, countryOrder($1)) }.map
                        {
                            ActualItem(
                                year: $0.year, countryCode: $0.$country.id.flatMap { countries[$0] }, value: $0.value, text: $0.text,
                                illustrative: $0.illustrative)
                        }, illustrative: indicator.illustrative)
                )
            })
    }
}
