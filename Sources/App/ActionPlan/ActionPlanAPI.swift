import Fluent
import Vapor

/// The action plan as JSON; the OpenAPI document describes exactly these shapes.
enum ActionPlanAPI {
    struct Plan: Codable {
        let strategy: StrategyItem?
        let priorityAreas: [AreaItem]
    }

    struct StrategyItem: Codable {
        let slug: String
        let title: BilingualText
        let firstYear: Int
        let lastYear: Int
        let adoptedOn: String?
        let version: String
        let documentSlug: String?
    }

    struct AreaItem: Codable {
        let code: String
        let title: BilingualText
        let progress: Double?
        /// The progress figure is computed from at least one illustrative record.
        let progressIllustrative: Bool
        let illustrative: Bool
        let activities: [ActivityItem]
    }

    /// One priority area with its own indicators (those of its activities are in `/indicators?area=`).
    struct AreaDetail: Codable {
        let code: String
        let title: BilingualText
        let description: BilingualText
        let progress: Double?
        let progressIllustrative: Bool
        let illustrative: Bool
        let activities: [ActivityItem]
        let indicators: [IndicatorResult]
    }

    struct ActivityItem: Codable {
        let code: String
        let title: BilingualText
        let status: String
        let progress: Double?
        let progressIllustrative: Bool
        let illustrative: Bool
    }

    struct ActivityDetail: Codable {
        let code: String
        let title: BilingualText
        let description: BilingualText
        let priorityArea: String
        let status: String
        let leadOrganisationId: UUID?
        let leadOrganisation: BilingualText?
        let plannedStart: String?
        let plannedEnd: String?
        let actualStart: String?
        let actualEnd: String?
        let sustainableDevelopmentGoals: [Int]
        let participants: [ParticipantItem]
        let indicators: [IndicatorItem]
        let reports: [ReportItem]
        let evidence: [EvidenceItem]
        let illustrative: Bool
    }

    struct ParticipantItem: Codable {
        let countryCode: String?
        let organisationId: UUID?
        let role: String
    }

    struct IndicatorItem: Codable {
        let code: String
        let title: BilingualText
        let measure: String
        let direction: String
        let baselineValue: Double?
        let baselineYear: Int?
        let periods: [PeriodItem]
        let illustrative: Bool
    }

    struct PeriodItem: Codable {
        let year: Int
        let target: Double?
        let actual: Double?
    }

    /// An indicator with its targets and validated actuals as recorded, and per year the target and the actual
    /// (the total, or the countries' actuals added up where there is no total).
    struct IndicatorResult: Codable {
        let code: String
        let title: BilingualText
        let activityCode: String?
        let priorityAreaCode: String?
        let measure: String
        let unit: String
        let direction: String
        let baselineValue: Double?
        let baselineText: String
        let baselineYear: Int?
        let targets: [ActionPlanExport.TargetItem]
        let actuals: [ActionPlanExport.ActualItem]
        let periods: [PeriodItem]
        let illustrative: Bool
    }

    struct ReportItem: Codable {
        let id: UUID
        let activityCode: String
        let year: Int
        let countryCode: String?
        let status: String
        let narrative: BilingualText
        let actuals: [ReportActualItem]
        let illustrative: Bool
    }

    struct ReportActualItem: Codable {
        let indicatorCode: String
        let countryCode: String?
        let value: Double?
        let text: String
        let illustrative: Bool
    }

    struct EvidenceItem: Codable {
        let kind: String
        let id: UUID
    }

    static func plan(_ req: Request) async throws -> Plan {
        guard let data = try await ActionPlanData.load(on: req.db) else { return Plan(strategy: nil, priorityAreas: []) }
        let document = try await data.strategy.$document.get(on: req.db).flatMap {
            Visibility.visible(to: req.role).contains($0.access) ? $0 : nil
        }
        return Plan(
            strategy: StrategyItem(
                slug: data.strategy.slug, title: BilingualText(en: data.strategy.titleEn, zh: data.strategy.titleZh),
                firstYear: data.strategy.firstYear,
                lastYear: data.strategy.lastYear, adoptedOn: data.strategy.adoptedOn, version: data.strategy.version,
                documentSlug: document?.slug),
            priorityAreas: data.areas.map { area in
                AreaItem(
                    code: area.code, title: BilingualText(en: area.titleEn, zh: area.titleZh), progress: data.progress(ofArea: area),
                    progressIllustrative: data.progressIsIllustrative(ofArea: area), illustrative: area.illustrative,
                    activities: activities(of: area, data))
            })
    }

    static func activities(of area: PriorityArea, _ data: ActionPlanData) -> [ActivityItem] {
        (data.activitiesByArea[area.savedID] ?? []).map {
            ActivityItem(
                code: $0.code, title: BilingualText(en: $0.titleEn, zh: $0.titleZh), status: $0.status.rawValue,
                progress: data.progress(ofActivity: $0.id), progressIllustrative: data.progressIsIllustrative(ofActivity: $0.id),
                illustrative: $0.illustrative)
        }
    }
}
