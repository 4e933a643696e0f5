import Fluent
import Vapor

/// The action plan's JSON API under /api/v1/action-plan; every answer is filtered for the caller as
/// the HTML pages are (anonymous readers see validated reports only).
struct ActionPlanAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.requiring(.anonymous).grouped("api", "v1", "action-plan")
        api.get(use: plan)
        api.get("areas", ":code", use: area)
        api.get("activities", ":code", use: activity)
        api.get("indicators", use: indicators)
        api.get("reports", use: reports)
        api.get("reports", ":id", use: report)
        api.get("dashboards", use: dashboards)
        api.get("export", use: export)
    }

    func plan(req: Request) async throws -> Response {
        try APIResponse.json(try await ActionPlanAPI.plan(req))
    }

    /// The same document as /action-plan/export/action-plan.json.
    func export(req: Request) async throws -> Response {
        try APIResponse.json(try await ActionPlanExport.document(on: req.db, reader: req.role))
    }

    func area(req: Request) async throws -> Response {
        guard let data = try await ActionPlanData.load(on: req.db),
            let area = data.areas.first(where: { $0.code == (req.parameters.get("code") ?? "").uppercased() })
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let indicators = try await Indicator.query(on: req.db).filter(\.$priorityArea.$id == area.savedID).sort(\.$code).all()
        return try APIResponse.json(
            ActionPlanAPI.AreaDetail(
                code: area.code, title: BilingualText(en: area.titleEn, zh: area.titleZh),
                description: BilingualText(en: area.descriptionEn, zh: area.descriptionZh), progress: data.progress(ofArea: area),
                progressIllustrative: data.progressIsIllustrative(ofArea: area), illustrative: area.illustrative,
                activities: ActionPlanAPI.activities(of: area, data),
                indicators: try await ActionPlanAPI.indicatorResults(indicators, on: req.db)))
    }

    static let codePattern = "^[A-Za-z0-9.-]{1,32}$"

    /// All indicators, or those of one activity (`?activity=`) or of one priority area and its activities (`?area=`).
    func indicators(req: Request) async throws -> Response {
        let query = Indicator.query(on: req.db).sort(\.$code)
        if let code = try req.filterParameter("activity", pattern: ActionPlanAPIController.codePattern) {
            guard let activity = try await Activity.query(on: req.db).filter(\.$code == code.uppercased()).first() else {
                return try APIResponse.json([ActionPlanAPI.IndicatorResult]())
            }
            query.filter(\.$activity.$id == activity.savedID)
        }
        if let code = try req.filterParameter("area", pattern: ActionPlanAPIController.codePattern) {
            guard let area = try await PriorityArea.query(on: req.db).filter(\.$code == code.uppercased()).first() else {
                return try APIResponse.json([ActionPlanAPI.IndicatorResult]())
            }
            let activities = try await Activity.query(on: req.db).filter(\.$priorityArea.$id == area.savedID).all().compactMap(\.id)
            query.group(.or) { $0.filter(\.$priorityArea.$id == area.savedID).filter(\.$activity.$id ~~ activities) }
        }
        return try APIResponse.json(try await ActionPlanAPI.indicatorResults(try await query.all(), on: req.db))
    }

    func reports(req: Request) async throws -> Response {
        let own = try await ReportingRules.countries(of: req.currentUser, on: req.db)
        let reports = try await ActionPlanAPI.readableReports(role: req.role, ownCountries: own, on: req.db)
        return try APIResponse.json(try await ActionPlanAPI.reportItems(reports, on: req.db))
    }

    /// One report; one the caller may not read is answered as missing.
    func report(req: Request) async throws -> Response {
        let own = try await ReportingRules.countries(of: req.currentUser, on: req.db)
        guard let id = req.parameters.get("id", as: UUID.self),
            let report = try await ProgressReport.query(on: req.db).filter(\.$id == id).with(\.$activity).first(),
            ReportingRules.canRead(report, role: req.role, ownCountries: own)
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        return try APIResponse.json(try await ActionPlanAPI.reportItems([report], on: req.db)[0])
    }

    func dashboards(req: Request) async throws -> Response {
        guard let data = try await ActionPlanData.load(on: req.db) else { return try APIResponse.json(ActionPlanAPI.Dashboards.empty) }
        return try APIResponse.json(
            ActionPlanAPI.dashboards(
                try await ActionPlanDashboard.load(data, meetingVisibility: Visibility.visible(to: req.role), on: req.db)))
    }

    func activity(req: Request) async throws -> Response {
        guard
            let activity = try await Activity.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "").uppercased())
                .with(\.$priorityArea).with(\.$leadOrganisation).first()
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let id = activity.savedID
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: req.db).all().map { ($0.savedID, $0.code) })
        let participants = try await ActivityParticipant.query(on: req.db).filter(\.$activity.$id == id).all()
        let indicators = try await Indicator.query(on: req.db).filter(\.$activity.$id == id).sort(\.$code).all()
        let ids = indicators.compactMap(\.id)
        let targets = try await IndicatorTarget.query(on: req.db).filter(\.$indicator.$id ~~ ids).all()
        let own = try await ReportingRules.countries(of: req.currentUser, on: req.db)
        let reports = try await ProgressReport.query(on: req.db).filter(\.$activity.$id == id).with(\.$activity).sort(\.$year).all()
            .filter { ReportingRules.canRead($0, role: req.role, ownCountries: own) }
        let validated = Set(reports.filter { $0.status == .validated }.compactMap(\.id))
        let actuals = try await IndicatorActual.query(on: req.db).filter(\.$indicator.$id ~~ ids).all().filter {
            $0.$report.id.map(validated.contains) ?? true
        }
        let detail = ActionPlanAPI.ActivityDetail(
            code: activity.code, title: BilingualText(en: activity.titleEn, zh: activity.titleZh),
            description: BilingualText(en: activity.descriptionEn, zh: activity.descriptionZh), priorityArea: activity.priorityArea.code,
            status: activity.status.rawValue, leadOrganisationId: activity.$leadOrganisation.id,
            leadOrganisation: activity.leadOrganisation.map { BilingualText(en: $0.nameEn, zh: $0.nameZh) },
            plannedStart: activity.plannedStart, plannedEnd: activity.plannedEnd, actualStart: activity.actualStart,
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
            reports: try await ActionPlanAPI.reportItems(reports, on: req.db),
            evidence: try await visibleEvidence(req, of: id).map { .init(kind: $0.target.rawValue, id: $0.targetID) },
            illustrative: activity.illustrative)
        return try APIResponse.json(detail)
    }

    /// The evidence the activity page shows the caller: meetings (and what they agreed) and documents the
    /// caller may see, and articles of published issues (staff also unpublished ones).
    private func visibleEvidence(_ req: Request, of activityID: UUID) async throws -> [ActivityEvidence] {
        let evidence = try await ActivityEvidence.query(on: req.db).filter(\.$activity.$id == activityID).all()
        let outcomes = try await MeetingOutcome.query(on: req.db).filter(\.$id ~~ evidence.filter { $0.target == .outcome }.map(\.targetID))
            .all()
        let meetingIDs = evidence.filter { $0.target == .meeting }.map(\.targetID) + outcomes.map(\.$meeting.id)
        let visibleMeetings = Set(
            try await Meeting.query(on: req.db).filter(\.$id ~~ meetingIDs).filter(\.$visibility ~~ Visibility.visible(to: req.role)).all()
                .compactMap(\.id))
        let visibleDocuments = Set(
            try await Document.query(on: req.db).filter(\.$id ~~ evidence.filter { $0.target == .document }.map(\.targetID))
                .filter(\.$access ~~ Visibility.visible(to: req.role)).all().compactMap(\.id))
        var shown: [ActivityEvidence] = []
        for item in evidence {
            switch item.target {
            case .meeting: if visibleMeetings.contains(item.targetID) { shown.append(item) }
            case .outcome:
                if let outcome = outcomes.first(where: { $0.id == item.targetID }), visibleMeetings.contains(outcome.$meeting.id) {
                    shown.append(item)
                }
            case .document: if visibleDocuments.contains(item.targetID) { shown.append(item) }
            case .article:
                guard let article = try await Article.find(item.targetID, on: req.db),
                    try await NewslettersController.isPublished(article, on: req.db) || req.role.isStaff
                else { continue }
                shown.append(item)
            }
        }
        return shown
    }
}
