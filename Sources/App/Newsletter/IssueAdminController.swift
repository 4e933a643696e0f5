import Fluent
import Vapor

/// An issue's working page: editions, the order of articles, previews and the workflow.
struct IssueAdminController: RouteCollection {
    struct HubContext: Encodable {
        struct ArticleRow: Encodable {
            let title: String
            let editHref: String
            let upAction: String
            let downAction: String
            let first: Bool
            let last: Bool
        }
        struct EditionBlock: Encodable {
            let language: String
            let languageName: String
            let status: String
            let statusAction: String
            let awaiting: Bool
            let articles: [ArticleRow]
            let newArticleHref: String
            let previewHref: String
        }
        let chrome: Chrome
        let csrf: String
        let title: String
        let status: String
        let statusCode: String
        let date: String
        let editHref: String
        let publicHref: String?
        let base: String
        let editions: [EditionBlock]
        let scheduledAt: String?
        let notice: String?
        let error: String?
        /// Who submitted the issue for review, and whether the reader may approve it.
        var review: String? = nil
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "newsletter-issues", ":id")
        staff.get(use: hub)
        staff.get("preview", use: preview)
        staff.post("submit", use: submit)
        staff.get("publish", use: publishCheck)
        staff.post("publish", use: publish)
        staff.post("schedule", use: schedule)
        staff.get("draft", use: unpublishCheck)
        staff.post("draft", use: draft)
        staff.post("editions", ":language", "status", use: editionStatus)
        staff.post("articles", ":articleID", "move", ":direction", use: move)
    }

    private func record(_ req: Request) async throws -> IssueRecord {
        guard let id = req.parameters.get("id", as: UUID.self), let issue = try await NewsletterIssue.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return try await IssueRecord.load(issue, on: req.db)
    }

    func hub(req: Request) async throws -> View {
        try await render(
            req, try await record(req), notice: (try? req.query.get(String.self, at: "notice")).map { req.t("issue_hub." + $0) })
    }

    /// Exactly what readers will see, whatever the issue's status.
    func preview(req: Request) async throws -> View {
        let record = try await record(req)
        let language = LanguageMiddleware.explicitChoice(req) ?? req.language
        let context = try await IssuePresenter(request: req).page(record, language: language, preview: true)
        return try await req.view.render("newsletters/issue", context)
    }

    func submit(req: Request) async throws -> Response {
        let record = try await record(req)
        let user = req.currentUser?.id
        return try await change(req, record) { () throws(IssueWorkflow.Refusal) in
            try IssueWorkflow.submitForReview(record.issue, by: user)
        }
    }

    /// The page before Publish: what will become public where, and what will not happen (no mail).
    func publishCheck(req: Request) async throws -> View {
        let record = try await record(req)
        let review = try await reviewRefusal(req, record)
        var refusal = (IssueWorkflow.checkPublishable(record) ?? review).map { message($0, req) }
        if record.issue.status == .published { refusal = message(.notAllowed(from: .published), req) }
        return try await req.view.render("admin/check", try await IssuePublishCheck.context(req, record, refusal: refusal))
    }

    /// The page before a published issue goes back to draft, and so off the public site.
    func unpublishCheck(req: Request) async throws -> View {
        let record = try await record(req)
        return try await req.view.render("admin/check", try await IssuePublishCheck.unpublishContext(req, record))
    }

    func publish(req: Request) async throws -> Response {
        let record = try await record(req)
        let review = try await reviewRefusal(req, record)
        return try await change(req, record) { () throws(IssueWorkflow.Refusal) in
            if let refusal = IssueWorkflow.checkPublishable(record) ?? review { throw refusal }
            try IssueWorkflow.publishNow(record)
        }
    }

    func draft(req: Request) async throws -> Response {
        let record = try await record(req)
        return try await change(req, record) { () throws(IssueWorkflow.Refusal) in IssueWorkflow.backToDraft(record.issue) }
    }

    func schedule(req: Request) async throws -> Response {
        let record = try await record(req)
        let fields = [
            FieldSpec(name: "date", labelKey: "field.date", kind: .date, required: true),
            FieldSpec(name: "time", labelKey: "field.time", kind: .time, required: true),
            FieldSpec(name: "time_zone", labelKey: "field.time_zone", kind: .text, required: true, maxLength: 64),
        ]
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: fields)
        let errors = FormValidator.validate(input, fields: fields, t: req.t)
        guard errors.isEmpty, let zone = TimeZone(identifier: input.text("time_zone")),
            let time = MeetingTime.instant(date: input.text("date"), time: input.text("time"), in: zone)
        else {
            let message =
                errors.isEmpty
                ? req.t("validation.time_zone")
                : errors.messages.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: " ")
            return try await render(req, record, error: message).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let review = try await reviewRefusal(req, record)
        return try await change(req, record) { () throws(IssueWorkflow.Refusal) in
            // The content and the time are checked first: their refusals say more than review's.
            if let review, record.issue.status != .published, time > Date(), IssueWorkflow.checkPublishable(record) == nil {
                throw review
            }
            try IssueWorkflow.schedule(record, at: time)
        }
    }

    func editionStatus(req: Request) async throws -> Response {
        let record = try await record(req)
        guard let language = req.parameters.get("language").flatMap(Language.init(rawValue:)), let edition = record.edition(language),
            let status = (try? req.content.get(String.self, at: "status")).flatMap(EditionStatus.init(rawValue:))
        else { throw Abort(.unprocessableEntity, reason: req.t("validation.choice")) }
        let before = edition.status.rawValue
        edition.status = status
        try await req.db.transaction { db in
            try await edition.save(on: db)
            try await audit(
                req, record.issue, action: "update", before: ["edition_" + language.rawValue: before],
                after: ["edition_" + language.rawValue: status.rawValue], on: db)
        }
        return req.redirect(to: "/admin/newsletter-issues/\(record.issue.savedID.uuidString)")
    }

    /// Swaps an article with its neighbour, so the order is always 1, 2, 3… without gaps.
    func move(req: Request) async throws -> Response {
        let record = try await record(req)
        guard let articleID = req.parameters.get("articleID", as: UUID.self), let direction = req.parameters.get("direction"),
            let article = try await Article.find(articleID, on: req.db), let editionID = article.$edition.id,
            let edition = record.editions.first(where: { $0.id == editionID })
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        var ordered = record.articles(edition.language)
        guard let index = ordered.firstIndex(where: { $0.id == articleID }) else { throw Abort(.notFound) }
        let target = direction == "up" ? index - 1 : index + 1
        guard ordered.indices.contains(target) else {
            return req.redirect(to: "/admin/newsletter-issues/\(record.issue.savedID.uuidString)")
        }
        ordered.swapAt(index, target)
        let final = ordered
        try await req.db.transaction { db in
            for (position, article) in final.enumerated() where article.position != position + 1 {
                article.position = position + 1
                try await article.save(on: db)
            }
            try await audit(
                req, record.issue, action: "update", before: [:],
                after: ["order_" + edition.language.rawValue: final.map(\.slug).joined(separator: ", ")], on: db)
        }
        return req.redirect(to: "/admin/newsletter-issues/\(record.issue.savedID.uuidString)")
    }

    private func change(_ req: Request, _ record: IssueRecord, _ step: () throws(IssueWorkflow.Refusal) -> Void) async throws -> Response {
        let before = record.issue.status.rawValue
        do {
            try step()
        } catch {
            return try await render(req, record, error: message(error, req)).encodeResponse(status: .conflict, for: req)
        }
        try await req.db.transaction { db in
            try await record.issue.save(on: db)
            try await audit(
                req, record.issue, action: record.issue.status == .published ? "publish" : "update", before: ["status": before],
                after: [
                    "status": record.issue.status.rawValue,
                    "scheduled_at": record.issue.scheduledAt.map(\.internetTimestamp) ?? "",
                ], on: db)
        }
        return req.redirect(to: "/admin/newsletter-issues/\(record.issue.savedID.uuidString)?notice=" + record.issue.status.rawValue)
    }

    private func reviewRefusal(_ req: Request, _ record: IssueRecord) async throws -> IssueWorkflow.Refusal? {
        let selfApproval = try await CentreProfile.query(on: req.db).first()?.issuesSelfApproval ?? false
        return IssueWorkflow.checkReview(record.issue, by: req.currentUser?.id, selfApproval: selfApproval)
    }

    private func message(_ refusal: IssueWorkflow.Refusal, _ req: Request) -> String {
        switch refusal {
        case .noArticles: return req.t("issue_hub.no_articles")
        case .emptyReadyEdition(let language): return req.t("issue_hub.empty_edition", ["language": req.t("language." + language.rawValue)])
        case .scheduleInPast: return req.t("issue_hub.schedule_past")
        case .notAllowed(let status): return req.t("issue_hub.not_allowed", ["status": req.t("issue_status." + status.rawValue)])
        case .notReviewed: return req.t("issue_hub.not_reviewed")
        case .ownSubmission: return req.t("issue_hub.own_submission")
        }
    }

    private func audit(
        _ req: Request, _ issue: NewsletterIssue, action: String, before: [String: String], after: [String: String], on db: any Database
    ) async throws {
        try await AuditEntry(
            actor: req.currentUser, action: action, entityType: "newsletter_issue", entityID: issue.savedID.uuidString,
            summary: IssueRecord.issueLine(year: issue.year, number: issue.number, .en), before: before, after: after
        ).save(on: db)
    }

    private func render(_ req: Request, _ record: IssueRecord, notice: String? = nil, error: String? = nil) async throws -> View {
        let issue = record.issue
        let base = "/admin/newsletter-issues/" + issue.savedID.uuidString
        let l = req.language
        var review: String?
        if issue.status == .inReview {
            var submitter: User?
            if let id = issue.submittedByID { submitter = try await User.find(id, on: req.db) }
            review = req.t("issue_hub.submitted_by", ["name": submitter?.name ?? "—"])
            if let refusal = try await reviewRefusal(req, record) { review = (review ?? "") + " " + message(refusal, req) }
        }
        var context = HubContext(
            chrome: try await Chrome.make(for: req, title: IssueRecord.issueLine(year: issue.year, number: issue.number, l)),
            csrf: req.csrfToken(),
            title: record.newsletter.name(l) + " · " + IssueRecord.issueLine(year: issue.year, number: issue.number, l),
            status: req.t("issue_status." + issue.status.rawValue), statusCode: issue.status.rawValue,
            date: LocalizedDate.format(issue.publicationDate, l) ?? issue.publicationDate,
            editHref: base + "/edit", publicHref: issue.status == .published ? issue.path : nil, base: base,
            editions: record.editions.map { edition in
                let articles = record.articles(edition.language)
                return .init(
                    language: edition.language.rawValue, languageName: req.t("language." + edition.language.rawValue),
                    status: req.t("edition_status." + edition.status.rawValue),
                    statusAction: base + "/editions/\(edition.language.rawValue)/status",
                    awaiting: edition.status == .awaitingTranslation,
                    articles: articles.enumerated().map { index, article in
                        .init(
                            title: article.title, editHref: "/admin/articles/\(article.savedID.uuidString)/edit",
                            upAction: base + "/articles/\(article.savedID.uuidString)/move/up",
                            downAction: base + "/articles/\(article.savedID.uuidString)/move/down",
                            first: index == 0, last: index == articles.count - 1)
                    },
                    newArticleHref: "/admin/articles/new?edition_id=\(edition.savedID.uuidString)",
                    previewHref: base + "/preview?lang=" + edition.language.rawValue)
            },
            scheduledAt: issue.scheduledAt.map { LocalizedDate.format($0, l) }, notice: notice, error: error)
        context.review = review
        return try await req.view.render("newsletters/admin-issue", context)
    }
}
