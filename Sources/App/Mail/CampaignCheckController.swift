import Fluent
import Vapor

/// The pages before a campaign is sent or cancelled: which edition or meeting, how many recipients
/// in each language, when, and the message as each language's readers will get it.
struct CampaignCheckController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "campaigns", ":id")
        staff.get("start", use: startCheck)
        staff.get("cancel", use: cancelCheck)
        staff.get("preview", ":language", use: preview)
    }

    private func find(_ req: Request) async throws -> Campaign {
        guard let id = req.parameters.get("id", as: UUID.self), let campaign = try await Campaign.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return campaign
    }

    func startCheck(req: Request) async throws -> View {
        let campaign = try await find(req)
        let id = try campaign.requireID()
        var refusal: String? = nil
        var templates: [SubscriberLanguage] = []
        if req.application.mailEngine == nil {
            refusal = req.t("mail.not_configured")
        } else if ![.draft, .scheduled].contains(campaign.status) {
            refusal = req.t("mail.not_possible")
        }
        do {
            try await CampaignPreparation.checkReady(campaign, sendingAt: Date(), on: req.db)
            templates = Array(try await CampaignPreparation.composer(for: id, app: req.application).templates.keys)
        } catch let problem as CampaignPreparation.Problem {
            refusal = refusal ?? problem.explained(req)
        }
        let audience = try await CampaignAudience.count(campaign, on: req.db)
        let total = audience.values.reduce(0, +)
        if refusal == nil, total == 0 { refusal = CampaignPreparation.Problem.noRecipients.explained(req) }
        var consequences = [req.t("check.send.now", ["count": "\(total)"])]
        for language in SubscriberLanguage.allCases where (audience[language] ?? 0) > 0 {
            consequences.append(
                req.t(
                    "check.send.language", ["language": req.t("mail_language." + language.rawValue), "count": "\(audience[language] ?? 0)"])
            )
        }
        if campaign.status == .scheduled, let at = campaign.scheduledAt {
            consequences.append(req.t("check.send.replaces_schedule", ["time": LocalizedDate.format(at, req.language)]))
        }
        consequences.append(req.t("check.send.irreversible"))
        let base = "/admin/campaigns/" + id.uuidString
        return try await req.view.render(
            "admin/check",
            CheckPageContext(
                chrome: try await Chrome.make(for: req, title: req.t("check.send.heading")), heading: req.t("check.send.heading"),
                facts: try await facts(req, campaign), consequences: consequences,
                previews: SubscriberLanguage.allCases.filter { templates.contains($0) && (audience[$0] ?? 0) > 0 }.map { language in
                    .init(
                        label: req.t("check.preview_for", ["language": req.t("mail_language." + language.rawValue)]),
                        src: base + "/preview/" + language.rawValue, lang: language == .zh ? "zh-Hans" : "en")
                },
                refusal: refusal, action: base + "/start", csrf: req.csrfToken(),
                confirmLabel: req.t("check.send.confirm", ["count": "\(total)"]),
                backHref: base))
    }

    func cancelCheck(req: Request) async throws -> View {
        let campaign = try await find(req)
        let id = try campaign.requireID()
        let pending = try await Delivery.query(on: req.db).filter(\.$campaign.$id == id).filter(\.$status == .pending).count()
        let sent = try await Delivery.query(on: req.db).filter(\.$campaign.$id == id).filter(\.$status == .sent).count()
        var consequences: [String] = []
        switch campaign.status {
        case .draft: consequences.append(req.t("check.cancel.draft"))
        case .scheduled: consequences.append(req.t("check.cancel.scheduled"))
        default: consequences.append(req.t("check.cancel.sending", ["pending": "\(pending)", "sent": "\(sent)"]))
        }
        consequences.append(req.t("check.cancel.final"))
        let base = "/admin/campaigns/" + id.uuidString
        return try await req.view.render(
            "admin/check",
            CheckPageContext(
                chrome: try await Chrome.make(for: req, title: req.t("check.cancel.heading")), heading: req.t("check.cancel.heading"),
                facts: try await facts(req, campaign), consequences: consequences,
                refusal: [.finished, .cancelled].contains(campaign.status) ? req.t("mail.not_possible") : nil,
                action: base + "/cancel", csrf: req.csrfToken(), confirmLabel: req.t("check.cancel.confirm"), destructive: true,
                backHref: base))
    }

    /// The message a reader of one language gets, for a recipient named after the person looking.
    /// It is mail HTML with inline styles, so it is shown in a sandboxed frame under its own policy.
    func preview(req: Request) async throws -> Response {
        let campaign = try await find(req)
        guard let language = req.parameters.get("language").flatMap(SubscriberLanguage.init(rawValue:)) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        let composer: MailComposer
        do {
            composer = try await CampaignPreparation.composer(for: try campaign.requireID(), app: req.application)
        } catch let problem as CampaignPreparation.Problem {
            throw Abort(.conflict, reason: problem.explained(req))
        }
        guard composer.templates[language] != nil else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let message = try composer.message(
            for: .init(
                deliveryID: -1, email: "preview@example.invalid", name: req.currentUser?.name ?? "", language: language, subscriberID: nil,
                participationID: nil))
        return SandboxedPreview.response(html: message.html ?? "")
    }

    private func facts(_ req: Request, _ campaign: Campaign) async throws -> [CheckPageContext.Fact] {
        var facts: [CheckPageContext.Fact] = [
            .init(label: req.t("field.kind"), value: req.t("campaign_kind." + campaign.kind.rawValue))
        ]
        if let issueID = campaign.$issue.id,
            let issue = try await NewsletterIssue.query(on: req.db).filter(\.$id == issueID).with(\.$newsletter).first()
        {
            facts.append(
                .init(
                    label: req.t("check.edition"),
                    value: issue.newsletter.name(req.language) + " · "
                        + IssueRecord.issueLine(year: issue.year, number: issue.number, req.language)
                        + " (" + req.t("issue_status." + issue.status.rawValue) + ")"))
        }
        if let meetingID = campaign.$meeting.id, let meeting = try await Meeting.find(meetingID, on: req.db) {
            facts.append(.init(label: req.t("field.meeting"), value: meeting.title(req.language)))
        }
        if let listID = campaign.$list.id, let list = try await MailingList.find(listID, on: req.db) {
            facts.append(.init(label: req.t("check.list"), value: list.name(req.language)))
        }
        for (language, subject) in [(Language.en, campaign.subjectEn), (.zh, campaign.subjectZh)] where !subject.isEmpty {
            facts.append(.init(label: req.t("check.subject_in", ["language": req.t("language." + language.rawValue)]), value: subject))
        }
        return facts
    }
}
