import Fluent
import SMTPKit
import Vapor

/// Campaigns for staff: create one, send a test, send now or at a time, pause, resume, cancel,
/// and watch its progress (sent, failed, remaining, rate, ETA).
struct CampaignController: RouteCollection {
    struct HubContext: Encodable {
        let chrome: Chrome
        let csrf: String
        let id: String
        let title: String
        let kind: String
        let status: String
        let statusCode: String
        let subject: String
        let audience: String
        let scheduledAt: String?
        let progressHref: String
        let progress: ProgressView
        let mailConfigured: Bool
        let notice: String?
        let error: String?
        let pauseReason: String?
        let failedCount: Int
    }

    struct ProgressView: Content {
        let total: Int
        let sent: Int
        let failed: Int
        let remaining: Int
        let rate: String
        let eta: String
        let percent: Int
        let status: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "campaigns")
        staff.get(use: list)
        staff.get("new", use: new)
        staff.post(use: create)
        staff.get(":id", use: hub)
        staff.get(":id", "progress.json", use: progressJSON)
        staff.post(":id", "test", use: test)
        staff.post(":id", "start", use: start)
        staff.post(":id", "schedule", use: schedule)
        staff.post(":id", "pause", use: pause)
        staff.post(":id", "resume", use: resume)
        staff.post(":id", "retry-failed", use: retryFailed)
        staff.post(":id", "cancel", use: cancel)
    }

    static func fields(_ req: Request) async throws -> [FieldSpec] {
        let issues = try await NewsletterIssue.query(on: req.db).sort(\.$year, .descending).sort(\.$number, .descending).all()
        let lists = try await MailingList.query(on: req.db).sort(\.$nameEn).all()
        return [
            .choice("kind", "field.campaign_kind", CampaignKind.self, labelPrefix: "campaign_kind.", t: req.t),
            FieldSpec(
                name: "issue_id", labelKey: "field.issue",
                kind: .select(
                    RegistryOptions.optional(
                        issues.map {
                            SelectOption(
                                value: $0.savedID.uuidString, label: IssueRecord.issueLine(year: $0.year, number: $0.number, req.language))
                        }, req))),
            FieldSpec(
                name: "list_id", labelKey: "field.list",
                kind: .select(
                    RegistryOptions.optional(lists.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) }, req))),
            FieldSpec(
                name: "selection", labelKey: "field.selection", kind: .textarea, maxLength: 200_000, hintKey: "hint.selection"),
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.meetings(req), req))),
            FieldSpec(name: "subject_en", labelKey: "field.subject_en", kind: .text, maxLength: 200),
            FieldSpec(name: "subject_zh", labelKey: "field.subject_zh", kind: .text, maxLength: 200),
            FieldSpec(name: "preheader_en", labelKey: "field.preheader_en", kind: .text, maxLength: 200),
            FieldSpec(name: "preheader_zh", labelKey: "field.preheader_zh", kind: .text, maxLength: 200),
            FieldSpec(name: "sender_name", labelKey: "field.sender_name", kind: .text, maxLength: 120),
            FieldSpec(name: "sender_address", labelKey: "field.sender_address", kind: .email, maxLength: 254),
        ]
    }

    func list(req: Request) async throws -> View {
        let query = AdminListSearch.query(req)
        let base = "/admin/campaigns"
        func cells(_ campaign: Campaign) -> [String] {
            [
                campaign.subject(req.language), req.t("campaign_kind." + campaign.kind.rawValue),
                req.t("campaign_status." + campaign.status.rawValue), "\(campaign.total)",
            ]
        }
        let latestFirst: (QueryBuilder<Campaign>) -> QueryBuilder<Campaign> = { $0.sort(\.$createdAt, .descending) }
        let paging: ListPaging
        let campaigns: [Campaign]
        if query.isEmpty {
            (paging, campaigns) = try await ListPaging.page(of: Campaign.query(on: req.db), req, base: base, order: latestFirst)
        } else {
            // Campaigns are not in the search index: their subjects in both languages are what is searched.
            (paging, campaigns) = AdminListSearch.matchingCells(
                try await latestFirst(Campaign.query(on: req.db)).sort(\.$id).all(), query: query, base: base, req
            ) { cells($0) + [$0.subjectEn, $0.subjectZh] }
        }
        let context = AdminListContext(
            chrome: try await Chrome.make(for: req, title: req.t("admin.campaigns")), heading: req.t("admin.campaigns"), slug: "campaigns",
            query: query,
            newHref: "/admin/campaigns/new",
            columns: [req.t("field.subject_en"), req.t("field.campaign_kind"), req.t("field.status"), req.t("mail.total")],
            rows: campaigns.map {
                .init(
                    cells: cells($0), editHref: "/admin/campaigns/\($0.id?.uuidString ?? "")",
                    ended: $0.status == .finished || $0.status == .cancelled)
            }, paging: paging)
        return try await req.view.render("admin/list", context)
    }

    func new(req: Request) async throws -> View {
        var values = (try? req.query.decode([String: String].self)) ?? [:]
        values["kind"] = values["kind"] ?? "newsletter"
        return try await renderForm(req, values: values, errors: FieldErrors())
    }

    private func renderForm(_ req: Request, values: [String: String], errors: FieldErrors) async throws -> View {
        let context = AdminFormContext(
            chrome: try await Chrome.make(for: req, title: req.t("mail.new_campaign")), heading: req.t("mail.new_campaign"),
            action: "/admin/campaigns",
            csrf: req.csrfToken(),
            form: FormFields(fields: FieldView.make(try await Self.fields(req), values: values, errors: errors, t: req.t)),
            hasErrors: !errors.isEmpty, listHref: "/admin/campaigns", endAction: nil, isEnded: false, recent: [])
        return try await req.view.render("admin/form", context)
    }

    func create(req: Request) async throws -> Response {
        let specs = try await Self.fields(req)
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: specs)
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        let kind = CampaignKind(rawValue: input.text("kind")) ?? .newsletter
        let selection = Self.addresses(input.text("selection"))
        if kind == .newsletter {
            if input.uuid("issue_id") == nil { errors["issue_id"] = req.t("validation.required") }
            if input.uuid("list_id") == nil, selection.isEmpty { errors["list_id"] = req.t("validation.list_or_selection") }
            if input.uuid("list_id") != nil, !selection.isEmpty { errors["selection"] = req.t("validation.list_or_selection") }
            if !selection.isEmpty, errors["selection"] == nil {
                let confirmed = Set(
                    try await Subscriber.query(on: req.db).filter(\.$email ~~ selection).filter(\.$status == .confirmed).all().map(\.email))
                let unknown = selection.filter { !confirmed.contains($0) }
                if !unknown.isEmpty {
                    errors["selection"] = req.t(
                        "validation.selection_unknown",
                        ["addresses": unknown.prefix(5).joined(separator: ", ") + (unknown.count > 5 ? " …" : "")])
                }
            }
        } else if input.uuid("meeting_id") == nil {
            errors["meeting_id"] = req.t("validation.required")
        }
        for field in ["subject_en", "subject_zh", "preheader_en", "preheader_zh", "sender_name"]
        where input.text(field).contains(where: \.isNewline) {
            errors[field] = req.t("validation.header_injection")
        }
        if kind == .newsletter, input.text("subject_en").isEmpty, input.text("subject_zh").isEmpty {
            errors["subject_en"] = req.t("validation.required")
        }
        guard errors.isEmpty else {
            return try await renderForm(req, values: input, errors: errors).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let campaign = Campaign()
        campaign.kind = kind
        campaign.$issue.id = kind == .newsletter ? input.uuid("issue_id") : nil
        campaign.$list.id = kind == .newsletter ? input.uuid("list_id") : nil
        campaign.selection = kind == .newsletter ? selection.joined(separator: "\n") : ""
        campaign.$meeting.id = kind == .newsletter ? nil : input.uuid("meeting_id")
        campaign.subjectEn = input.text("subject_en")
        campaign.subjectZh = input.text("subject_zh")
        campaign.preheaderEn = input.text("preheader_en")
        campaign.preheaderZh = input.text("preheader_zh")
        campaign.senderName = input.text("sender_name")
        campaign.senderAddress = input.text("sender_address")
        campaign.status = .draft
        campaign.total = 0
        campaign.createdBy = req.currentUser?.email ?? ""
        try await req.db.transaction { db in
            try await campaign.save(on: db)
            try await AuditEntry(
                actor: req.currentUser, action: "create", entityType: "campaign", entityID: campaign.savedID.uuidString,
                summary: campaign.subject(.en),
                before: [:], after: input
            ).save(on: db)
        }
        return req.redirect(to: "/admin/campaigns/\(campaign.savedID.uuidString)")
    }

    /// The addresses of a selection, normalised, one per line (commas and semicolons also separate).
    static func addresses(_ text: String) -> [String] {
        var seen = Set<String>()
        return text.split(whereSeparator: { $0.isNewline || $0 == "," || $0 == ";" }).map { Subscriber.normalise(String($0)) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    private func find(_ req: Request) async throws -> Campaign {
        guard let id = req.parameters.get("id", as: UUID.self), let campaign = try await Campaign.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return campaign
    }

    func hub(req: Request) async throws -> View {
        let notices = [
            "test_sent": "mail.notice_test_sent", "started": "mail.notice_started", "scheduled": "mail.notice_scheduled",
            "paused": "mail.notice_paused", "retried": "mail.notice_retried",
            "sending": "mail.notice_sending", "cancelled": "mail.notice_cancelled",
        ]
        let notice = (try? req.query.get(String.self, at: "notice")).flatMap { notices[$0] }.map(req.t)
        return try await renderHub(req, try await find(req), notice: notice, error: nil)
    }

    private func progressView(_ req: Request, _ campaign: Campaign) async throws -> ProgressView {
        let progress: MailEngine.Progress
        if let engine = req.application.mailEngine {
            progress = try await engine.progress(campaignID: campaign.savedID, on: req.db)
        } else {
            progress = MailEngine.Progress(total: campaign.total, pending: campaign.total)
        }
        let done = progress.sent + progress.failed
        return ProgressView(
            total: progress.total, sent: progress.sent, failed: progress.failed, remaining: progress.remaining,
            rate: String(format: "%.1f/s", progress.rate), eta: progress.eta.map { String(format: "%.0f s", $0) } ?? "—",
            percent: progress.total == 0 ? 0 : done * 100 / progress.total, status: req.t("campaign_status." + campaign.status.rawValue))
    }

    func progressJSON(req: Request) async throws -> ProgressView {
        try await progressView(req, try await find(req))
    }

    private func renderHub(_ req: Request, _ campaign: Campaign, notice: String?, error: String?) async throws -> View {
        var audience = ""
        if let listID = campaign.$list.id, let list = try await MailingList.find(listID, on: req.db) { audience = list.name(req.language) }
        if !campaign.selectedAddresses.isEmpty {
            audience = req.t("mail.selection_audience", ["count": "\(campaign.selectedAddresses.count)"])
        }
        if let meetingID = campaign.$meeting.id, let meeting = try await Meeting.find(meetingID, on: req.db) {
            audience = meeting.title(req.language)
        }
        let context = HubContext(
            chrome: try await Chrome.make(for: req, title: req.t("admin.campaigns")), csrf: req.csrfToken(),
            id: campaign.savedID.uuidString,
            title: campaign.subject(req.language).isEmpty
                ? req.t("campaign_kind." + campaign.kind.rawValue) : campaign.subject(req.language),
            kind: req.t("campaign_kind." + campaign.kind.rawValue), status: req.t("campaign_status." + campaign.status.rawValue),
            statusCode: campaign.status.rawValue, subject: campaign.subject(req.language), audience: audience,
            scheduledAt: campaign.scheduledAt.map { LocalizedDate.format($0, req.language) },
            progressHref: "/admin/campaigns/\(campaign.savedID.uuidString)/progress.json", progress: try await progressView(req, campaign),
            mailConfigured: req.application.mailEngine != nil, notice: notice, error: error,
            pauseReason: campaign.status == .paused ? campaign.pauseReason : nil,
            failedCount: try await Delivery.query(on: req.db).filter(\.$campaign.$id == campaign.savedID).filter(\.$status == .failed)
                .count())
        return try await req.view.render("mail/campaign", context)
    }

    private func refuse(_ req: Request, _ campaign: Campaign, _ message: String) async throws -> Response {
        try await renderHub(req, campaign, notice: nil, error: message).encodeResponse(status: .conflict, for: req)
    }

    private func engine(_ req: Request) throws -> MailEngine {
        guard let engine = req.application.mailEngine else { throw Abort(.serviceUnavailable, reason: req.t("mail.not_configured")) }
        return engine
    }

    func test(req: Request) async throws -> Response {
        let campaign = try await find(req)
        let engine = try engine(req)
        let addresses = ((try? req.content.get(String.self, at: "addresses")) ?? "").split(whereSeparator: {
            $0 == "," || $0 == " " || $0.isNewline
        })
        .map { Subscriber.normalise(String($0)) }
        guard !addresses.isEmpty, addresses.count <= 10, addresses.allSatisfy(MailAddress.isValidEnvelopeAddress) else {
            return try await refuse(req, campaign, req.t("mail.test_addresses"))
        }
        do {
            try await engine.sendTest(campaignID: campaign.savedID, to: addresses, app: req.application)
        } catch {
            return try await refuse(req, campaign, req.t("mail.send_failed") + " " + "\(error)")
        }
        return req.redirect(to: "/admin/campaigns/\(campaign.savedID.uuidString)?notice=test_sent")
    }

    func start(req: Request) async throws -> Response {
        let campaign = try await find(req)
        _ = try engine(req)
        guard [.draft, .scheduled].contains(campaign.status) else { return try await refuse(req, campaign, req.t("mail.not_possible")) }
        do {
            _ = try await CampaignPreparation.composer(for: campaign.savedID, app: req.application)
            try await CampaignPreparation.start(campaign, on: req.db)
        } catch let problem as CampaignPreparation.Problem {
            return try await refuse(req, campaign, message(problem, req))
        }
        try await audit(req, campaign, "start")
        return req.redirect(to: "/admin/campaigns/\(campaign.savedID.uuidString)?notice=started")
    }

    func schedule(req: Request) async throws -> Response {
        let campaign = try await find(req)
        guard campaign.status == .draft || campaign.status == .scheduled else {
            return try await refuse(req, campaign, req.t("mail.not_possible"))
        }
        let input = (try? req.content.decode([String: String].self)) ?? [:]
        guard let zone = TimeZone(identifier: input["time_zone"] ?? "") else {
            return try await refuse(req, campaign, req.t("validation.time_zone"))
        }
        guard let time = MeetingTime.instant(date: input["date"] ?? "", time: input["time"] ?? "", in: zone) else {
            return try await refuse(req, campaign, req.t("validation.date"))
        }
        guard time > Date() else { return try await refuse(req, campaign, req.t("issue_hub.schedule_past")) }
        do {
            _ = try await CampaignPreparation.composer(for: campaign.savedID, app: req.application)
            try await CampaignPreparation.checkReady(campaign, sendingAt: time, on: req.db)
        } catch let problem as CampaignPreparation.Problem {
            return try await refuse(req, campaign, message(problem, req))
        }
        campaign.status = .scheduled
        campaign.scheduledAt = time
        try await campaign.save(on: req.db)
        try await audit(req, campaign, "schedule")
        return req.redirect(to: "/admin/campaigns/\(campaign.savedID.uuidString)?notice=scheduled")
    }

    func pause(req: Request) async throws -> Response { try await move(req, from: [.sending, .scheduled], to: .paused) }
    func resume(req: Request) async throws -> Response { try await move(req, from: [.paused], to: .sending) }
    func cancel(req: Request) async throws -> Response {
        try await move(req, from: [.draft, .scheduled, .sending, .paused], to: .cancelled)
    }

    /// Failed deliveries are tried again, except to subscribers who bounced or left since.
    func retryFailed(req: Request) async throws -> Response {
        let campaign = try await find(req)
        guard [.sending, .paused, .finished].contains(campaign.status) else {
            return try await refuse(req, campaign, req.t("mail.not_possible"))
        }
        let failed = try await Delivery.query(on: req.db).filter(\.$campaign.$id == campaign.savedID).filter(\.$status == .failed).all()
        let subscriberIDs = failed.compactMap { $0.$subscriber.id }
        let stillSubscribed = Set(
            try await Subscriber.query(on: req.db).filter(\.$id ~~ subscriberIDs).filter(\.$status == .confirmed).all().compactMap(\.id))
        let retried = failed.filter { delivery in delivery.$subscriber.id.map(stillSubscribed.contains) ?? true }
        try await req.db.transaction { db in
            for delivery in retried {
                delivery.status = .pending
                delivery.attempts = 0
                delivery.nextAttemptAt = nil
                delivery.claimedBy = ""
                try await delivery.save(on: db)
            }
            if !retried.isEmpty, campaign.status == .finished {
                campaign.status = .sending
                campaign.finishedAt = nil
            }
            campaign.pauseReason = nil
            try await campaign.save(on: db)
        }
        try await audit(req, campaign, "retry-failed")
        return req.redirect(to: "/admin/campaigns/\(campaign.savedID.uuidString)?notice=retried")
    }

    private func move(_ req: Request, from: [CampaignStatus], to: CampaignStatus) async throws -> Response {
        let campaign = try await find(req)
        guard from.contains(campaign.status) else { return try await refuse(req, campaign, req.t("mail.not_possible")) }
        campaign.status = to
        if to == .sending { campaign.pauseReason = nil }
        if to == .sending, campaign.total == 0 { try await CampaignPreparation.materialize(campaign, on: req.db) }
        try await campaign.save(on: req.db)
        try await audit(req, campaign, to.rawValue)
        return req.redirect(to: "/admin/campaigns/\(campaign.savedID.uuidString)?notice=" + to.rawValue)
    }

    private func audit(_ req: Request, _ campaign: Campaign, _ step: String) async throws {
        try await AuditEntry(
            actor: req.currentUser, action: "update", entityType: "campaign", entityID: campaign.savedID.uuidString,
            summary: campaign.subject(.en),
            before: [:], after: ["status": campaign.status.rawValue, "step": step]
        ).save(on: req.db)
    }

    private func message(_ problem: CampaignPreparation.Problem, _ req: Request) -> String {
        problem.explained(req)
    }
}

extension CampaignPreparation.Problem {
    /// The reason in the reader's language.
    func explained(_ req: Request) -> String {
        switch self {
        case .notFound: return req.t("error.not_found")
        case .nothingToSend: return req.t("mail.nothing_to_send")
        case .noRecipients: return req.t("mail.no_recipients")
        case .tooLarge(let size): return req.t("mail.too_large", ["size": ByteSize.format(size)])
        case .issueNotPublished: return req.t("mail.issue_not_published")
        case .meetingWithoutDate: return req.t("mail.meeting_without_date")
        }
    }
}
