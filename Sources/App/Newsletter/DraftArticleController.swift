import Fluent
import Vapor

/// "Draft article" on a held meeting: English and Chinese articles written from its record,
/// linked to each other, to the meeting and to its documents, ready for editors to change.
struct DraftArticleController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.editor).post("admin", "meetings", ":id", "draft-article", use: draft)
    }

    func draft(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: UUID.self), let meeting = try await Meeting.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        guard meeting.status == .held else { throw Abort(.conflict, reason: req.t("draft.not_held")) }
        let issueID = (try? req.content.get(String.self, at: "issue_id")).flatMap(UUID.init(uuidString:))
        let articles = try await Self.draftArticles(for: meeting, issueID: issueID, user: req.currentUser, actorLabel: nil, on: req.db)
        return req.redirect(to: "/admin/articles/\(articles[0].savedID.uuidString)/edit")
    }

    /// Creates the English article and its Chinese translation; with an issue, each goes last into
    /// that issue's edition of its language.
    static func draftArticles(for meeting: Meeting, issueID: UUID?, user: User?, actorLabel: String?, on db: any Database) async throws
        -> [Article]
    {
        let record = try await MeetingRecord.load(meeting, on: db)
        let drafter = ArticleDrafter(record: record)
        var editions: [Edition] = []
        if let issueID { editions = try await Edition.query(on: db).filter(\.$issue.$id == issueID).all() }
        var created: [Article] = []
        for language in [Language.en, .zh] {
            let draft = drafter.draft(language)
            let base = meeting.slug + "-" + language.rawValue
            var slug = base
            var attempt = 1
            while try await Article.query(on: db).filter(\.$slug == slug).count() > 0 {
                attempt += 1
                slug = "\(base)-\(attempt)"
            }
            let article = try await ArticleEditorController.create(
                title: draft.title, slug: slug, body: draft.markdown, language: language,
                editionID: editions.first { $0.language == language }?.id, translationOf: created.first?.id, illustrative: false,
                editor: user?.email ?? actorLabel ?? "draft", user: user,
                actorLabel: actorLabel ?? (user == nil ? "drafted from the meeting record" : nil),
                on: db)
            try await ArticleLink(articleID: article.savedID, target: .meeting, targetID: meeting.savedID).save(on: db)
            for document in record.documents {
                try await ArticleLink(articleID: article.savedID, target: .document, targetID: document.savedID).save(on: db)
            }
            created.append(article)
        }
        return created
    }
}
