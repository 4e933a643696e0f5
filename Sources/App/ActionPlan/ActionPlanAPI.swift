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
        let illustrative: Bool
        let activities: [ActivityItem]
    }

    struct ActivityItem: Codable {
        let code: String
        let title: BilingualText
        let status: String
        let progress: Double?
        let illustrative: Bool
    }

    struct ActivityDetail: Codable {
        let code: String
        let title: BilingualText
        let description: BilingualText
        let priorityArea: String
        let status: String
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

    struct ReportItem: Codable {
        let year: Int
        let countryCode: String?
        let narrative: BilingualText
    }

    struct EvidenceItem: Codable {
        let kind: String
        let id: UUID
    }

    static func plan(_ req: Request) async throws -> Plan {
        guard let data = try await ActionPlanData.load(on: req.db) else { return Plan(strategy: nil, priorityAreas: []) }
        let document = try await data.strategy.$document.get(on: req.db)
        return Plan(
            strategy: StrategyItem(
                slug: data.strategy.slug, title: BilingualText(en: data.strategy.titleEn, zh: data.strategy.titleZh),
                firstYear: data.strategy.firstYear,
                lastYear: data.strategy.lastYear, adoptedOn: data.strategy.adoptedOn, version: data.strategy.version,
                documentSlug: document?.slug),
            priorityAreas: data.areas.map { area in
                AreaItem(
                    code: area.code, title: BilingualText(en: area.titleEn, zh: area.titleZh), progress: data.progress(ofArea: area),
                    illustrative: area.illustrative,
                    activities: (data.activitiesByArea[area.id!] ?? []).map {
                        ActivityItem(
                            code: $0.code, title: BilingualText(en: $0.titleEn, zh: $0.titleZh), status: $0.status.rawValue,
                            progress: data.progress(ofActivity: $0.id), illustrative: $0.illustrative)
                    })
            })
    }
}

struct ActionPlanAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.requiring(.anonymous).grouped("api", "v1", "action-plan")
        api.get(use: plan)
        api.get("activities", ":code", use: activity)
        api.get("export", use: export)
    }

    func plan(req: Request) async throws -> Response {
        try APIResponse.json(try await ActionPlanAPI.plan(req))
    }

    /// The same document as /action-plan/export/action-plan.json.
    func export(req: Request) async throws -> Response {
        try APIResponse.json(try await ActionPlanExport.document(on: req.db))
    }

    func activity(req: Request) async throws -> Response {
        guard
            let activity = try await Activity.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "").uppercased())
                .with(\.$priorityArea).first()
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let id = activity.id!
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: req.db).all().map { ($0.id!, $0.code) })
        let participants = try await ActivityParticipant.query(on: req.db).filter(\.$activity.$id == id).all()
        let indicators = try await Indicator.query(on: req.db).filter(\.$activity.$id == id).sort(\.$code).all()
        let ids = indicators.compactMap(\.id)
        let targets = try await IndicatorTarget.query(on: req.db).filter(\.$indicator.$id ~~ ids).all()
        let reports = try await ProgressReport.query(on: req.db).filter(\.$activity.$id == id).filter(\.$status == .validated).sort(\.$year)
            .all()
        let validated = Set(reports.compactMap(\.id))
        let actuals = try await IndicatorActual.query(on: req.db).filter(\.$indicator.$id ~~ ids).all().filter {
            $0.$report.id.map(validated.contains) ?? true
        }
        var evidence: [ActivityEvidence] = []
        for item in try await ActivityEvidence.query(on: req.db).filter(\.$activity.$id == id).all() {
            if item.target == .article {
                guard let article = try await Article.find(item.targetID, on: req.db),
                    try await NewslettersController.isPublished(article, on: req.db)
                else { continue }
            }
            evidence.append(item)
        }
        let detail = ActionPlanAPI.ActivityDetail(
            code: activity.code, title: BilingualText(en: activity.titleEn, zh: activity.titleZh),
            description: BilingualText(en: activity.descriptionEn, zh: activity.descriptionZh), priorityArea: activity.priorityArea.code,
            status: activity.status.rawValue, plannedStart: activity.plannedStart, plannedEnd: activity.plannedEnd,
            actualStart: activity.actualStart,
            actualEnd: activity.actualEnd, sustainableDevelopmentGoals: activity.goals,
            participants: participants.map {
                .init(countryCode: $0.$country.id.flatMap { countries[$0] }, organisationId: $0.$organisation.id, role: $0.role.rawValue)
            },
            indicators: indicators.map { indicator in
                let mine = actuals.filter { $0.$indicator.id == indicator.id }
                let years = Set(targets.filter { $0.$indicator.id == indicator.id }.map(\.year)).union(mine.map(\.year)).sorted()
                return .init(
                    code: indicator.code, title: BilingualText(en: indicator.titleEn, zh: indicator.titleZh),
                    measure: indicator.measure.rawValue,
                    direction: indicator.direction.rawValue, baselineValue: indicator.baselineValue, baselineYear: indicator.baselineYear,
                    periods: years.map { year in
                        let ofYear = mine.filter { $0.year == year }
                        let total = ofYear.first { $0.$country.id == nil }?.value
                        let sum = ofYear.filter { $0.$country.id != nil }.compactMap(\.value)
                        return .init(
                            year: year, target: targets.first { $0.$indicator.id == indicator.id && $0.year == year }?.value,
                            actual: total ?? (sum.isEmpty ? nil : sum.reduce(0, +)))
                    }, illustrative: indicator.illustrative)
            },
            reports: reports.map {
                .init(
                    year: $0.year, countryCode: $0.$country.id.flatMap { countries[$0] },
                    narrative: BilingualText(en: $0.narrativeEn, zh: $0.narrativeZh))
            },
            evidence: evidence.map { .init(kind: $0.target.rawValue, id: $0.targetID) }, illustrative: activity.illustrative)
        return try APIResponse.json(detail)
    }
}
