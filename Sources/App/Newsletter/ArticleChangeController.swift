import Fluent
import SQLKit
import Vapor

/// A published article's saved change: published (with an optional correction note for readers)
/// or discarded. Until then readers see the text as it was published.
struct ArticleChangeController: RouteCollection {
    struct Pending: Encodable {
        let publishAction: String
        let discardAction: String
        let titleChanged: Bool
        let publicTitle: String
        let summaryChanged: Bool
        let publicSummary: String
        let bylineChanged: Bool
        let publicByline: String
        let diff: [WordDiff.Piece]
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "articles", ":id", "change")
        staff.post("publish", use: publish)
        staff.post("discard", use: discard)
    }

    static func pending(_ article: Article, req: Request) -> Pending? {
        guard article.hasPendingChange, let id = article.id?.uuidString else { return nil }
        let title = article.pendingTitle ?? article.title
        return Pending(
            publishAction: "/admin/articles/\(id)/change/publish", discardAction: "/admin/articles/\(id)/change/discard",
            titleChanged: title != article.title, publicTitle: article.title,
            summaryChanged: article.editedSummary != (article.summary ?? ""), publicSummary: article.summary ?? "",
            bylineChanged: article.editedByline != (article.byline ?? ""), publicByline: article.byline ?? "",
            diff: WordDiff.diff(article.bodyMarkdown, article.pendingBodyMarkdown ?? article.bodyMarkdown))
    }

    func publish(req: Request) async throws -> Response {
        let (article, version) = try await find(req)
        let note = ((try? req.content.get(String.self, at: "correction_note")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard note.count <= 1_000 else { throw Abort(.unprocessableEntity, reason: req.t("validation.correction_note")) }
        let title = article.pendingTitle ?? article.title
        let body = article.pendingBodyMarkdown ?? article.bodyMarkdown
        let published = try await req.db.transaction { db -> Bool in
            var update = (try db.sql).update(Article.schema).set("title", to: title).set("body_markdown", to: body)
                .set("body_html", to: MarkdownRenderer.html(body)).set("summary", to: article.editedSummary)
                .set("byline", to: article.editedByline).set("pending_title", to: SQLLiteral.null)
                .set("pending_body_markdown", to: SQLLiteral.null).set("pending_summary", to: SQLLiteral.null)
                .set("pending_byline", to: SQLLiteral.null).set("version", to: version + 1).set("updated_at", to: Date())
            if !note.isEmpty { update = update.set("correction_note", to: note).set("corrected_at", to: Date()) }
            let rows = try await update.where("id", .equal, article.id).where("version", .equal, version).returning("id").all()
            guard !rows.isEmpty else { return false }
            try await AuditEntry(
                actor: req.currentUser, action: "publish", entityType: "article", entityID: try article.requireID().uuidString,
                summary: title, before: ["title": article.title, "body": String(article.bodyMarkdown.prefix(2_000))],
                after: ["title": title, "body": String(body.prefix(2_000)), "correction_note": note]
            ).save(on: db)
            return true
        }
        guard published else { throw Abort(.conflict, reason: req.t("article.change_conflict")) }
        return req.redirect(to: "/admin/articles/\(try article.requireID().uuidString)/edit", confirming: "published")
    }

    func discard(req: Request) async throws -> Response {
        let (article, version) = try await find(req)
        let discarded = try await req.db.transaction { db -> Bool in
            let rows = try await (try db.sql).update(Article.schema).set("pending_title", to: SQLLiteral.null)
                .set("pending_body_markdown", to: SQLLiteral.null).set("pending_summary", to: SQLLiteral.null)
                .set("pending_byline", to: SQLLiteral.null).set("version", to: version + 1)
                .where("id", .equal, article.id).where("version", .equal, version).returning("id").all()
            guard !rows.isEmpty else { return false }
            try await AuditEntry(
                actor: req.currentUser, action: "update", entityType: "article", entityID: try article.requireID().uuidString,
                summary: article.title, before: ["pending_change": article.pendingTitle ?? article.title], after: ["pending_change": ""]
            ).save(on: db)
            return true
        }
        guard discarded else { throw Abort(.conflict, reason: req.t("article.change_conflict")) }
        return req.redirect(to: "/admin/articles/\(try article.requireID().uuidString)/edit", confirming: "discarded")
    }

    /// The article with a pending change and the version the form was opened at.
    private func find(_ req: Request) async throws -> (Article, Int) {
        guard let id = req.parameters.get("id", as: UUID.self), let article = try await Article.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        guard article.hasPendingChange else { throw Abort(.conflict, reason: req.t("article.no_pending_change")) }
        guard let version = (try? req.content.get(Int.self, at: "version")) else {
            throw Abort(.unprocessableEntity, reason: req.t("article.change_conflict"))
        }
        return (article, version)
    }
}
