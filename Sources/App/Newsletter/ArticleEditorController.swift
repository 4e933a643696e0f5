import Crypto
import Fluent
import SQLKit
import Vapor

/// Writing and revising articles. Every save names the version it started from; a save over a
/// newer version is refused and both texts are shown, so no one's work is silently overwritten.
struct ArticleEditorController: RouteCollection {
    let bodyLimit: Int

    struct EditorContext: Encodable {
        struct LinkRow: Encodable {
            let kind: String
            let title: String
            let deleteAction: String
        }
        let chrome: Chrome
        let csrf: String
        let heading: String
        let action: String
        let form: FormFields
        let version: Int
        let hasErrors: Bool
        let conflict: Conflict?
        let articleID: String?
        let publicHref: String?
        /// The issue the article belongs to, for the way back to its workflow.
        let issueHref: String?
        let issueLine: String?
        let revisionsHref: String?
        let wechatHref: String?
        let imageAction: String?
        let imageHref: String?
        let imageAlt: String
        let imageError: String?
        /// The alternative text's own error, shown at its field.
        let altError: String?
        let links: [LinkRow]
        let linkAction: String?
        let linkOptions: [SelectOption]
        /// The live preview's first state: the form's text as readers will see it.
        let previewHTML: String
        let previewTitle: String
        let previewSummary: String
        let previewByline: String
        /// Saving changes a published article: the change waits for publication.
        let published: Bool
        /// A new article in a published issue is public as soon as it is saved.
        let publishesOnSave: Bool
        /// A published article's saved change, not yet public.
        var pendingChange: ArticleChangeController.Pending? = nil
    }

    struct Conflict: Encodable {
        let theirTitle: String
        let theirBody: String
        let theirVersion: Int
        let theirEditor: String
        let diff: [WordDiff.Piece]
    }

    struct RevisionsContext: Encodable {
        struct Row: Encodable {
            let number: Int
            let editor: String
            let when: String
            let title: String
        }
        let chrome: Chrome
        let title: String
        let editHref: String
        let rows: [Row]
        let from: Int
        let to: Int
        let diff: [WordDiff.Piece]
        let titleChanged: Bool
        let fromTitle: String
        let toTitle: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "articles")
        staff.get(use: list)
        staff.get("new", use: new)
        staff.post(use: create)
        staff.post("preview", use: preview)
        staff.get(":id", "edit", use: edit)
        staff.post(":id", use: update)
        staff.get(":id", "revisions", use: revisions)
        staff.on(.POST, ":id", "image", body: .collect(maxSize: ByteCount(value: bodyLimit)), use: leadImage).maximumBody = bodyLimit
        staff.post(":id", "links", use: addLink)
        staff.post(":id", "links", ":linkID", "delete", use: deleteLink)
    }

    // MARK: fields

    static func fields(_ req: Request, editing article: Article?) async throws -> [FieldSpec] {
        let issues = try await NewsletterIssue.query(on: req.db).sort(\.$year, .descending).sort(\.$number, .descending).all()
        let editions = try await Edition.query(on: req.db).all()
        let newsletters = try await Newsletter.query(on: req.db).all()
        var editionOptions = [SelectOption(value: "", label: req.t("article.no_issue"))]
        for issue in issues {
            // With several newsletters, "Issue 8, 2021" alone does not say which.
            let newsletter =
                newsletters.count > 1 ? newsletters.first { $0.id == issue.$newsletter.id }.map { $0.name(req.language) + " · " } : nil
            for edition in editions.filter({ $0.$issue.id == issue.id }).sorted(by: { $0.language.rawValue < $1.language.rawValue }) {
                guard let editionID = edition.id else { continue }
                // Saving into a published issue publishes the article: the choice says so.
                let published = issue.status == .published ? " · " + req.t("issue_status.published") : ""
                editionOptions.append(
                    SelectOption(
                        value: editionID.uuidString,
                        label: (newsletter ?? "") + IssueRecord.issueLine(year: issue.year, number: issue.number, req.language) + " · "
                            + req.t("language." + edition.language.rawValue) + published))
            }
        }
        let others = try await Article.query(on: req.db).sort(\.$createdAt, .descending).all().filter { $0.id != article?.id }
        // The writing first; where the article goes after it.
        return [
            FieldSpec(name: "title", labelKey: "field.title", kind: .text, required: true, maxLength: 300),
            FieldSpec(name: "summary", labelKey: "field.summary", kind: .textarea, maxLength: 600, hintKey: "hint.article_summary"),
            FieldSpec(name: "body", labelKey: "field.body", kind: .textarea, required: true, maxLength: 60_000, hintKey: "hint.markdown"),
            FieldSpec(name: "byline", labelKey: "field.byline", kind: .text, maxLength: 200, hintKey: "hint.byline"),
            FieldSpec(name: "edition_id", labelKey: "field.edition", kind: .select(editionOptions), hintKey: "hint.article_edition"),
            .choice("language", "field.language", Language.self, labelPrefix: "language.", t: req.t, hintKey: "hint.article_language"),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 120, hintKey: "hint.slug"),
            FieldSpec(
                name: "translation_of_id", labelKey: "field.translation_of",
                kind: .select(
                    RegistryOptions.optional(
                        others.map { SelectOption(value: $0.savedID.uuidString, label: "[\($0.language.rawValue)] " + $0.title) }, req)),
                hintKey: "hint.translation_of"),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of a: Article) -> [String: String] {
        [
            "edition_id": a.$edition.id?.uuidString ?? "", "language": a.language.rawValue, "title": a.pendingTitle ?? a.title,
            "slug": a.slug, "body": a.pendingBodyMarkdown ?? a.bodyMarkdown, "summary": a.editedSummary, "byline": a.editedByline,
            "translation_of_id": a.$translationOf.id?.uuidString ?? "",
            "illustrative": a.illustrative ? "yes" : "no",
        ]
    }

    private func check(_ input: [String: String], existing: Article?, req: Request, errors: inout FieldErrors) async throws {
        let slug = input.text("slug").isEmpty ? Slug.make(from: input.text("title")) : input.text("slug")
        if !input.text("slug").isEmpty || existing == nil {
            if !Slug.isValid(slug) {
                errors[input.text("slug").isEmpty ? "title" : "slug"] = req.t(
                    input.text("slug").isEmpty ? "validation.title_needs_slug" : "validation.slug")
            } else if let other = try await Article.query(on: req.db).filter(\.$slug == slug).first(), other.id != existing?.id {
                errors["slug"] = req.t("validation.slug_taken")
            }
        }
        if let translationID = input.uuid("translation_of_id") {
            if translationID == existing?.id {
                errors["translation_of_id"] = req.t("validation.translation_self")
            } else if let other = try await Article.find(translationID, on: req.db), other.language.rawValue == input.text("language") {
                errors["translation_of_id"] = req.t("validation.translation_language")
            }
        }
    }

    // MARK: handlers

    func list(req: Request) async throws -> View {
        let query = AdminListSearch.query(req)
        let base = "/admin/articles"
        func cells(_ article: Article) -> [String] {
            [article.title, req.t("language." + article.language.rawValue), "\(article.version)"]
        }
        let paging: ListPaging
        let articles: [Article]
        var capped = false
        let latestFirst: (QueryBuilder<Article>) -> QueryBuilder<Article> = { $0.sort(\.$updatedAt, .descending) }
        if query.isEmpty {
            (paging, articles) = try await ListPaging.page(of: Article.query(on: req.db), req, base: base, order: latestFirst)
        } else if let found = try await AdminListSearch.indexed(query, kind: .article, req) {
            capped = found.capped
            (paging, articles) = try await ListPaging.page(
                of: Article.query(on: req.db).filter(ids: found.ids), req, base: base, filters: [("q", query)], order: latestFirst)
        } else {
            (paging, articles) = AdminListSearch.matchingCells(
                try await latestFirst(Article.query(on: req.db)).sort(\.$id).all(), query: query, base: base, req, cells: cells)
        }
        let context = AdminListContext(
            chrome: try await Chrome.make(for: req, title: req.t("admin.articles")), heading: req.t("admin.articles"), slug: "articles",
            query: query, newHref: "/admin/articles/new", columns: [req.t("field.title"), req.t("field.language"), req.t("field.version")],
            rows: articles.map {
                .init(cells: cells($0), editHref: "/admin/articles/\($0.id?.uuidString ?? "")/edit", ended: false)
            }, paging: paging, capped: capped)
        return try await req.view.render("admin/list", context)
    }

    func new(req: Request) async throws -> View {
        var values = (try? req.query.decode([String: String].self)) ?? [:]
        if let editionID = values.uuid("edition_id"), let edition = try await Edition.find(editionID, on: req.db) {
            values["language"] = edition.language.rawValue
        }
        values["illustrative"] = values["illustrative"] ?? "no"
        return try await render(req, article: nil, values: values, errors: FieldErrors(), version: 0)
    }

    func edit(req: Request) async throws -> View {
        let article = try await find(req)
        return try await render(req, article: article, values: Self.values(of: article), errors: FieldErrors(), version: article.version)
    }

    func create(req: Request) async throws -> Response {
        let specs = try await Self.fields(req, editing: nil)
        var input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: specs)
        try await Self.takeLanguageFromEdition(&input, on: req.db)
        Self.tidySlug(&input)
        // An address made from the title never clashes: another article's is followed by -2, -3...
        let made = Slug.make(from: input.text("title"))
        if input.text("slug").isEmpty, Slug.isValid(made) {
            input["slug"] = try await Slug.firstFree(made) { try await Article.query(on: req.db).filter(\.$slug == $0).count() > 0 }
        }
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        try await check(input, existing: nil, req: req, errors: &errors)
        guard errors.isEmpty else {
            return try await render(req, article: nil, values: input, errors: errors, version: 0).encodeResponse(
                status: .unprocessableEntity, for: req)
        }
        let article = try await Self.create(
            title: input.text("title"), slug: input.text("slug").isEmpty ? Slug.make(from: input.text("title")) : input.text("slug"),
            body: input.text("body"), summary: input.text("summary"), byline: input.text("byline"),
            language: Language(rawValue: input.text("language")) ?? .en, editionID: input.uuid("edition_id"),
            translationOf: input.uuid("translation_of_id"), illustrative: input["illustrative"] == "yes",
            editor: req.currentUser?.email ?? "",
            user: req.currentUser, on: req.db)
        let live = try await NewslettersController.isPublished(article, on: req.db)
        return req.redirect(to: "/admin/articles/\(article.savedID.uuidString)/edit", confirming: live ? "created_published" : "created")
    }

    /// Creates an article with its first revision, placed last in its edition.
    static func create(
        title: String, slug: String, body: String, summary: String = "", byline: String = "", language: Language, editionID: UUID?,
        translationOf: UUID?, illustrative: Bool,
        editor: String,
        user: User?, actorLabel: String? = nil, on db: any Database
    ) async throws -> Article {
        let article = Article()
        try await db.transaction { db in
            article.title = title
            article.slug = slug
            article.bodyMarkdown = body
            article.bodyHTML = MarkdownRenderer.html(body)
            article.summary = summary
            article.byline = byline
            article.language = language
            article.$edition.id = editionID
            article.$translationOf.id = translationOf
            article.illustrative = illustrative
            article.version = 1
            article.leadImageType = ""
            article.leadImageAlt = ""
            var last: Int?
            if let editionID { last = try await Article.query(on: db).filter(\.$edition.$id == editionID).max(\.$position) }
            article.position = (last ?? 0) + 1
            try await article.save(on: db)
            try await ArticleRevision(articleID: article.savedID, number: 1, title: title, bodyMarkdown: body, editor: editor).save(on: db)
            try await AuditEntry(
                actor: user, actorLabel: actorLabel, action: "create", entityType: "article", entityID: article.savedID.uuidString,
                summary: title, before: [:],
                after: values(of: article)
            ).save(on: db)
        }
        return article
    }

    func update(req: Request) async throws -> Response {
        let article = try await find(req)
        let specs = try await Self.fields(req, editing: article)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        var normalised = FormValidator.normalise(raw, fields: specs)
        try await Self.takeLanguageFromEdition(&normalised, on: req.db)
        Self.tidySlug(&normalised)
        let input = normalised
        let startedFrom = Int(raw["version"] ?? "") ?? -1
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        try await check(input, existing: article, req: req, errors: &errors)
        guard errors.isEmpty else {
            return try await render(req, article: article, values: input, errors: errors, version: startedFrom).encodeResponse(
                status: .unprocessableEntity, for: req)
        }
        let before = Self.values(of: article)
        let newSlug = input.text("slug").isEmpty ? article.slug : input.text("slug")
        let newVersion = startedFrom + 1
        let editor = req.currentUser?.email ?? ""
        // Readers keep the published text until the change itself is published.
        let waits = try await NewslettersController.isPublished(article, on: req.db)
        let saved: Bool = try await req.db.transaction { db in
            // One statement checks and raises the version, so two editors cannot both win.
            let text =
                waits
                ? (try db.sql).update(Article.schema).set("pending_title", to: input.text("title"))
                    .set("pending_body_markdown", to: input.text("body")).set("pending_summary", to: input.text("summary"))
                    .set("pending_byline", to: input.text("byline"))
                : (try db.sql).update(Article.schema).set("title", to: input.text("title")).set("body_markdown", to: input.text("body"))
                    .set("body_html", to: MarkdownRenderer.html(input.text("body"))).set("summary", to: input.text("summary"))
                    .set("byline", to: input.text("byline"))
            let rows = try await text.set("slug", to: newSlug).set("language", to: input.text("language"))
                .set("edition_id", to: input.uuid("edition_id")).set("translation_of_id", to: input.uuid("translation_of_id"))
                .set("illustrative", to: input["illustrative"] == "yes").set("version", to: newVersion).set("updated_at", to: Date())
                .where("id", .equal, article.savedID).where("version", .equal, startedFrom)
                .returning("id").all()
            guard !rows.isEmpty else { return false }
            try await ArticleRevision(
                articleID: article.savedID, number: newVersion, title: input.text("title"), bodyMarkdown: input.text("body"), editor: editor
            )
            .save(on: db)
            var after = input
            after.removeValue(forKey: "slug")
            after["slug"] = newSlug
            after.removeValue(forKey: "body")
            after["body"] = String(input.text("body").prefix(2_000))
            var shortBefore = before
            shortBefore["body"] = String(before["body"]?.prefix(2_000) ?? "")
            try await AuditEntry(
                actor: req.currentUser, action: "update", entityType: "article", entityID: article.savedID.uuidString,
                summary: input.text("title"),
                before: shortBefore, after: after
            ).save(on: db)
            return true
        }
        guard saved else {
            let current = try await find(req)
            let editorOfCurrent =
                try await ArticleRevision.query(on: req.db).filter(\.$article.$id == current.savedID).filter(\.$number == current.version)
                .first()?.editor ?? ""
            let theirBody = current.pendingBodyMarkdown ?? current.bodyMarkdown
            let conflict = Conflict(
                theirTitle: current.pendingTitle ?? current.title, theirBody: theirBody, theirVersion: current.version,
                theirEditor: editorOfCurrent, diff: WordDiff.diff(theirBody, input.text("body")))
            return try await render(
                req, article: current, values: input, errors: FieldErrors(), version: current.version, conflict: conflict
            )
            .encodeResponse(status: .conflict, for: req)
        }
        return req.redirect(to: "/admin/articles/\(article.savedID.uuidString)/edit", confirming: waits ? "saved_pending" : "saved")
    }

    func revisions(req: Request) async throws -> View {
        let article = try await find(req)
        let revisions = try await ArticleRevision.query(on: req.db).filter(\.$article.$id == article.savedID).sort(\.$number).all()
        let to = (try? req.query.get(Int.self, at: "to")) ?? revisions.last?.number ?? 1
        let from = (try? req.query.get(Int.self, at: "from")) ?? max(1, to - 1)
        let old = revisions.first { $0.number == from }
        let new = revisions.first { $0.number == to }
        let context = RevisionsContext(
            chrome: try await Chrome.make(for: req, title: req.t("article.revisions")), title: article.title,
            editHref: "/admin/articles/\(article.savedID.uuidString)/edit",
            rows: revisions.reversed().map {
                .init(
                    number: $0.number, editor: $0.editor, when: $0.createdAt.map { LocalizedDate.format($0, req.language) } ?? "",
                    title: $0.title)
            },
            from: from, to: to, diff: WordDiff.diff(old?.bodyMarkdown ?? "", new?.bodyMarkdown ?? ""),
            titleChanged: old?.title != new?.title,
            fromTitle: old?.title ?? "", toTitle: new?.title ?? "")
        return try await req.view.render("newsletters/revisions", context)
    }

    struct ImageForm: Content {
        var image: File?
        var alt: String?
        var remove: String?
    }

    /// A lead image needs its alternative text; the bytes must be an image format.
    func leadImage(req: Request) async throws -> Response {
        let article = try await find(req)
        let form = try req.content.decode(ImageForm.self)
        let alt = (form.alt ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if form.remove == "yes" {
            article.leadImageKey = nil
            article.leadImageAlt = ""
            article.leadImageType = ""
            try await article.save(on: req.db)
            return req.redirect(to: "/admin/articles/\(article.savedID.uuidString)/edit", confirming: "image_removed")
        }
        var problem: String?
        var newImage: (ByteBuffer, ContentSniffer.Kind)?
        if let file = form.image, file.data.readableBytes > 0 {
            switch DocumentUploadController.check(file, limit: try req.application.focalConfig.uploadMaxBytes) {
            case .success(let kind) where kind.contentType.hasPrefix("image/"): newImage = (file.data, kind)
            case .success: problem = req.t("upload.not_image")
            // The document upload's message lists document types; a lead image must be an image.
            case .failure(let failure) where failure.key == "upload.unknown_type": problem = req.t("upload.not_image")
            case .failure(let failure): problem = req.t(failure.key, failure.arguments)
            }
        } else if article.leadImageKey == nil {
            problem = req.t("upload.no_file")
        }
        var altProblem = false
        if problem == nil, alt.isEmpty {
            problem = req.t("validation.alt_required")
            altProblem = true
        }
        if problem == nil, alt.count > 300 {
            problem = req.t("validation.too_long").replacingOccurrences(of: "{max}", with: "300")
            altProblem = true
        }
        if let problem {
            return try await render(
                req, article: article, values: Self.values(of: article), errors: FieldErrors(), version: article.version,
                imageError: altProblem ? nil : problem, altError: altProblem ? problem : nil, typedAlt: alt
            )
            .encodeResponse(status: .unprocessableEntity, for: req)
        }
        if let (bytes, kind) = newImage {
            let key = try await req.application.fileStorage.put(bytes)
            article.leadImageKey = key
            article.leadImageType = kind.contentType
        }
        article.leadImageAlt = alt
        try await article.save(on: req.db)
        return req.redirect(to: "/admin/articles/\(article.savedID.uuidString)/edit", confirming: "image_saved")
    }

    func addLink(req: Request) async throws -> Response {
        let article = try await find(req)
        let value = (try? req.content.get(String.self, at: "target")) ?? ""
        let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, let target = ArticleLinkTarget(rawValue: parts[0]), let targetID = UUID(uuidString: parts[1]) else {
            throw Abort(.unprocessableEntity, reason: req.t("validation.choice"))
        }
        let exists: Bool
        switch target {
        case .meeting: exists = try await Meeting.find(targetID, on: req.db) != nil
        case .document: exists = try await Document.find(targetID, on: req.db) != nil
        case .activity: exists = false
        }
        guard exists else { throw Abort(.unprocessableEntity, reason: req.t("validation.choice")) }
        if try await ArticleLink.query(on: req.db).filter(\.$article.$id == article.savedID).filter(\.$target == target).filter(
            \.$targetID == targetID
        ).count() == 0 {
            try await ArticleLink(articleID: article.savedID, target: target, targetID: targetID).save(on: req.db)
        }
        return req.redirect(to: "/admin/articles/\(article.savedID.uuidString)/edit")
    }

    func deleteLink(req: Request) async throws -> Response {
        let article = try await find(req)
        if let linkID = req.parameters.get("linkID", as: UUID.self) {
            try await ArticleLink.query(on: req.db).filter(\.$id == linkID).filter(\.$article.$id == article.savedID).delete()
        }
        return req.redirect(to: "/admin/articles/\(article.savedID.uuidString)/edit")
    }

    /// "Mangrove Pilot 2021" is taken as "mangrove-pilot-2021": an address typed as words is made
    /// into one, and only what cannot become one is refused.
    static func tidySlug(_ input: inout [String: String]) {
        let typed = input.text("slug")
        guard !typed.isEmpty, !Slug.isValid(typed) else { return }
        let made = Slug.make(from: typed)
        if Slug.isValid(made) { input["slug"] = made }
    }

    /// An article in an edition is in that edition's language: the form's language only matters
    /// for an article outside any issue.
    static func takeLanguageFromEdition(_ input: inout [String: String], on db: any Database) async throws {
        if let editionID = input.uuid("edition_id"), let edition = try await Edition.find(editionID, on: db) {
            input["language"] = edition.language.rawValue
        }
    }

    /// The body as readers will see it, for the editor's live preview: the same sanitised
    /// rendering the article page uses, as a fragment.
    func preview(req: Request) async throws -> Response {
        let body = (try? req.content.get(String.self, at: "body")) ?? ""
        guard body.count <= 60_000 else {
            throw Abort(.payloadTooLarge, reason: req.t("validation.too_long").replacingOccurrences(of: "{max}", with: "60000"))
        }
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return Response(status: .ok, headers: headers, body: .init(string: MarkdownRenderer.html(body)))
    }

    private func find(_ req: Request) async throws -> Article {
        guard let id = req.parameters.get("id", as: UUID.self), let article = try await Article.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return article
    }

    private func render(
        _ req: Request, article: Article?, values: [String: String], errors: FieldErrors, version: Int, conflict: Conflict? = nil,
        imageError: String? = nil, altError: String? = nil, typedAlt: String? = nil
    ) async throws -> View {
        let specs = try await Self.fields(req, editing: article)
        var links: [EditorContext.LinkRow] = []
        var linkOptions: [SelectOption] = []
        if let article {
            let rows = try await ArticleLink.query(on: req.db).filter(\.$article.$id == article.savedID).all()
            let meetings = try await Meeting.query(on: req.db).sort(\.$startsAt, .descending).all()
            let documents = try await Document.query(on: req.db).sort(\.$titleEn).all()
            links = rows.map { link in
                let title: String =
                    switch link.target {
                    case .meeting: meetings.first { $0.id == link.targetID }?.title(req.language) ?? "—"
                    case .document: documents.first { $0.id == link.targetID }?.title(req.language) ?? "—"
                    case .activity: link.targetID.uuidString
                    }
                return .init(
                    kind: req.t("article_link." + link.target.rawValue), title: title,
                    deleteAction: "/admin/articles/\(article.savedID.uuidString)/links/\(link.savedID.uuidString)/delete")
            }
            linkOptions =
                meetings.map {
                    SelectOption(
                        value: "meeting:" + $0.savedID.uuidString, label: req.t("article_link.meeting") + ": " + $0.title(req.language))
                }
                + documents.map {
                    SelectOption(
                        value: "document:" + $0.savedID.uuidString, label: req.t("article_link.document") + ": " + $0.title(req.language))
                }
        }
        let id = article?.id?.uuidString
        var publicHref: String?
        var issueHref: String?
        var issueLine: String?
        var publishesOnSave = false
        if let editionID = article?.$edition.id ?? values.uuid("edition_id"), let edition = try await Edition.find(editionID, on: req.db),
            let issue = try await NewsletterIssue.find(edition.$issue.id, on: req.db), let issueID = issue.id
        {
            issueHref = "/admin/newsletter-issues/" + issueID.uuidString
            issueLine = IssueRecord.issueLine(year: issue.year, number: issue.number, req.language)
            // A draft's public address answers 404 until its issue is published.
            if let article, issue.status == .published { publicHref = "/articles/" + article.slug }
            publishesOnSave = article == nil && issue.status == .published
        }
        let published = publicHref != nil
        let heading = article.map { req.t("admin.edit") + ": " + $0.title } ?? req.t("article.new")
        var context = EditorContext(
            chrome: try await Chrome.make(for: req, title: heading), csrf: req.csrfToken(), heading: heading,
            action: id.map { "/admin/articles/" + $0 } ?? "/admin/articles",
            form: FormFields(fields: FieldView.make(specs, values: values, errors: errors, t: req.t)), version: version,
            hasErrors: !errors.isEmpty, conflict: conflict, articleID: id, publicHref: publicHref, issueHref: issueHref,
            issueLine: issueLine,
            revisionsHref: id.map { "/admin/articles/\($0)/revisions" }, wechatHref: id.map { "/admin/articles/\($0)/wechat" },
            imageAction: id.map { "/admin/articles/\($0)/image" },
            imageHref: article?.leadImageKey == nil ? nil : article.map { "/articles/\($0.slug)/image" },
            imageAlt: typedAlt ?? article?.leadImageAlt ?? "",
            imageError: imageError, altError: altError, links: links, linkAction: id.map { "/admin/articles/\($0)/links" },
            linkOptions: linkOptions,
            previewHTML: MarkdownRenderer.html(values["body"] ?? ""), previewTitle: values["title"] ?? "",
            previewSummary: values["summary"] ?? "", previewByline: values["byline"] ?? "", published: published,
            publishesOnSave: publishesOnSave)
        if let article { context.pendingChange = ArticleChangeController.pending(article, req: req) }
        return try await req.view.render("newsletters/editor", context)
    }
}
