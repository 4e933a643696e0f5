import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Editing articles: concurrent saves, revisions, lead images and safe output")
struct ArticleEditingTests {
    static func seedArticle(_ app: Application) async throws -> Article {
        try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
    }

    /// Posts the lead image form (multipart, with the CSRF token as a field).
    static func postImage(
        _ app: Application, _ headers: HTTPHeaders, article: Article, filename: String?, contentType: String = "image/png",
        bytes: [UInt8] = SampleFiles.png, alt: String
    ) async throws -> TestingHTTPResponse {
        var form = Multipart()
        form.field("_csrf", try #require(cookieValue(CSRFMiddleware.cookieName, in: headers), "no CSRF cookie"))
        if let filename { form.file("image", filename: filename, contentType: contentType, bytes) }
        form.field("alt", alt)
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: form.contentType)
        return try await app.testing().sendRequest(
            .POST, "/admin/articles/\(article.id!.uuidString)/image", headers: headers, body: form.finished())
    }

    @Test("Two editors open the same version: the second save is refused with both texts shown and the first kept")
    func concurrentEdits() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let alice = try await signIn(app, as: Demo.editor)
            let bob = try await signIn(app, as: Demo.admin)
            let article = try await Self.seedArticle(app)
            let editPath = "/admin/articles/\(article.id!.uuidString)/edit"
            let pageA = try await app.testing().sendRequest(.GET, editPath, headers: alice)
            let pageB = try await app.testing().sendRequest(.GET, editPath, headers: bob)
            #expect(pageA.status == .ok)
            let version = try #require(editorVersion(pageA.text), "the editor carries no version")
            #expect(version == "\(article.version)")
            #expect(editorVersion(pageB.text) == version)

            let original = article.bodyMarkdown
            var first = NewsletterFixtures.articleFields(article)
            first["body"] = original + "\nAlice's added closing line."
            var second = NewsletterFixtures.articleFields(article)
            second["body"] = "Bob's replacement text, written without seeing Alice's."
            let savedA = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: first, headers: alice)
            #expect(savedA.status == .seeOther)
            #expect(try await Article.find(article.id, on: app.db)?.version == article.version + 1)

            let savedB = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: second, headers: bob)
            #expect(savedB.status == .conflict)
            let page = savedB.text
            #expect(page.contains("Not saved: someone saved this article after you opened it."))
            #expect(
                page.contains(HTMLEntities.escape("Alice's added closing line.")), "the conflict page does not show the other save's text")
            #expect(
                page.contains(HTMLEntities.escape("Bob's replacement text, written without seeing Alice's.")), "the refused text is lost")
            #expect(page.contains(#"<pre class="theirs">"#))
            #expect(page.contains("added closing line</del>"), "the diff does not show their line")
            #expect(page.contains("<ins>Bob&#39;s"), "the diff does not show the refused text")
            #expect(page.contains(Demo.editor.email), "the conflict does not say who saved")
            // The form now carries the current version, so a deliberate re-save can go through.
            #expect(editorVersion(page) == "\(article.version + 1)")

            // The seed article is published: a saved change waits beside the public text.
            let stored = try #require(try await Article.find(article.id, on: app.db))
            #expect(stored.pendingBodyMarkdown == first["body"])
            #expect(stored.version == article.version + 1)
            #expect(try await ArticleRevision.query(on: app.db).filter(\.$article.$id == article.id!).count() == 2)

            // Re-saving from the conflict page (with its version) succeeds.
            second["version"] = "\(article.version + 1)"
            let retried = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: second, headers: bob)
            #expect(retried.status == .seeOther)
            #expect(try await Article.find(article.id, on: app.db)?.pendingBodyMarkdown == second["body"])
        }
    }

    @Test("Each save adds a revision; the revisions page shows the words added and removed between two of them")
    func revisions() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let issue = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let article = try await NewsletterFixtures.createArticle(
                app, editor, edition: try issue.edition(.en), title: "Revised", slug: "revised", body: "Line one.\nLine two.\nLine three.\n"
            )
            #expect(try await ArticleRevision.query(on: app.db).filter(\.$article.$id == article.id!).count() == 1)
            var fields = NewsletterFixtures.articleFields(article)
            fields["body"] = "Line one.\nLine 2, rewritten.\nLine three.\nLine four.\n"
            fields["title"] = "Revised twice"
            #expect(
                try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: fields, headers: editor).status == .seeOther)
            let revisions = try await ArticleRevision.query(on: app.db).filter(\.$article.$id == article.id!).sort(\.$number).all()
            #expect(revisions.map(\.number) == [1, 2])
            #expect(revisions.last?.bodyMarkdown.trimmingCharacters(in: .newlines) == fields["body"]?.trimmingCharacters(in: .newlines))
            #expect(revisions.last?.editor == Demo.editor.email)
            #expect(revisions.first?.title == "Revised")

            let page = try await app.testing().sendRequest(
                .GET, "/admin/articles/\(article.id!.uuidString)/revisions?from=1&to=2", headers: editor)
            #expect(page.status == .ok)
            let html = page.text
            // Word by word: only "two" became "2, rewritten", and a line was added.
            #expect(html.contains("Line one.\nLine <del>two</del><ins>2, rewritten</ins>."), "\(html)")
            #expect(html.contains("Line three<ins>.\nLine four</ins>."), "\(html)")
            #expect(!html.contains("<del>Line one."))
            #expect(html.contains("<del>Revised</del> → <ins>Revised twice</ins>"))
            // The reverse comparison swaps them.
            let reverse = try await app.testing().sendRequest(
                .GET, "/admin/articles/\(article.id!.uuidString)/revisions?from=2&to=1", headers: editor)
            #expect(reverse.text.contains("<del>2, rewritten</del><ins>two</ins>"), "\(reverse.text)")
            // Revisions are for staff only.
            let anonymous = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/revisions?from=1&to=2")
            #expect(anonymous.status != .ok)
            #expect(!anonymous.text.contains("Line 2, rewritten."))
        }
    }

    @Test("A lead image needs alt text; with it the PNG is stored and served; a PNG named .jpg is refused")
    func leadImage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let article = try await Self.seedArticle(app)

            let noAlt = try await Self.postImage(app, editor, article: article, filename: "lead.png", alt: "  ")
            #expect(noAlt.status == .unprocessableEntity)
            #expect(noAlt.text.contains("A lead image needs alternative text."))
            #expect(try await Article.find(article.id, on: app.db)?.leadImageKey == nil)

            let renamed = try await Self.postImage(
                app, editor, article: article, filename: "lead.jpg", contentType: "image/jpeg", alt: "Delegates")
            #expect(renamed.status == .unprocessableEntity, "a PNG named .jpg answered \(renamed.status)")
            #expect(try await Article.find(article.id, on: app.db)?.leadImageKey == nil)

            let notImage = try await Self.postImage(
                app, editor, article: article, filename: "lead.pdf", contentType: "application/pdf", bytes: SampleFiles.pdf,
                alt: "Delegates")
            #expect(notImage.status == .unprocessableEntity)
            #expect(notImage.text.contains("The file is not an image"))
            #expect(try await Article.find(article.id, on: app.db)?.leadImageKey == nil)

            let saved = try await Self.postImage(app, editor, article: article, filename: "lead.png", alt: "Delegates at the video meeting")
            #expect(saved.status == .seeOther)
            let stored = try #require(try await Article.find(article.id, on: app.db))
            #expect(stored.leadImageKey != nil)
            #expect(stored.leadImageAlt == "Delegates at the video meeting")
            #expect(stored.leadImageType == "image/png")

            let image = try await app.testing().sendRequest(.GET, "/articles/\(article.slug)/image")
            #expect(image.status == .ok)
            #expect(image.headers.contentType?.type == "image" && image.headers.contentType?.subType == "png")
            #expect(image.bytes == SampleFiles.png)
            let page = try await app.testing().sendRequest(.GET, "/articles/\(article.slug)")
            #expect(
                page.text.contains(#"<img class="lead-image" src="/articles/\#(article.slug)/image" alt="Delegates at the video meeting">"#)
            )
            let issue = try await app.testing().sendRequest(.GET, "/newsletters/2021/7")
            #expect(issue.text.contains(#"src="/articles/\#(article.slug)/image" alt="Delegates at the video meeting""#))
            let feed = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=en")
            #expect(
                feed.text.contains("/articles/\(article.slug)/image&quot; alt=&quot;Delegates at the video meeting&quot;"),
                "the feed entry lacks the lead image")

            // Changing only the alt text keeps the image.
            let altOnly = try await Self.postImage(app, editor, article: article, filename: nil, alt: "Delegates, July 2021")
            #expect(altOnly.status == .seeOther)
            let updated = try #require(try await Article.find(article.id, on: app.db))
            #expect(updated.leadImageKey == stored.leadImageKey)
            #expect(updated.leadImageAlt == "Delegates, July 2021")
        }
    }

    @Test("The lead image of an article in an unpublished issue is not served to anonymous readers")
    func draftImageIsPrivate() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let issue = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let article = try await NewsletterFixtures.createArticle(
                app, editor, edition: try issue.edition(.en), title: "Embargoed", slug: "embargoed")
            let saved = try await Self.postImage(app, editor, article: article, filename: "embargoed.png", alt: "Embargoed picture")
            #expect(saved.status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/articles/embargoed").status == .notFound)
            let image = try await app.testing().sendRequest(.GET, "/articles/embargoed/image")
            #expect(image.status == .notFound, "the lead image of an unpublished article is served to anyone (\(image.status))")
            // Staff still see it.
            #expect(try await app.testing().sendRequest(.GET, "/articles/embargoed/image", headers: editor).status == .ok)
        }
    }

    @Test("Markdown with script saved through the editor is shown neutralised on the public article and issue pages")
    func scriptNeutralised() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let article = try await Self.seedArticle(app)
            var fields = NewsletterFixtures.articleFields(article)
            fields["body"] =
                article.bodyMarkdown
                + "\n<script>alert('focal-xss')</script>\n\nSee [the report](javascript:alert('focal-xss')) and <img src=x onerror=alert('focal-xss')>.\n"
            let saved = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: fields, headers: editor)
            #expect(saved.status == .seeOther)
            let pending = try #require(try await Article.find(article.id, on: app.db))
            let change = try await postForm(
                app, "/admin/articles/\(article.id!.uuidString)/change/publish", fields: ["version": "\(pending.version)"], headers: editor)
            #expect(change.status == .seeOther, "publishing the change answered \(change.status)")
            let stored = try #require(try await Article.find(article.id, on: app.db))
            #expect(stored.bodyMarkdown.contains("<script>"), "the writer's text is kept as typed")
            #expect(HTMLSafety.problems(stored.bodyHTML) == [], "\(stored.bodyHTML)")

            for path in ["/articles/\(article.slug)", "/newsletters/2021/7"] {
                let page = try await app.testing().sendRequest(.GET, path)
                #expect(page.status == .ok)
                let body = try #require(
                    page.text.components(separatedBy: #"<div class="article-body">"#).dropFirst().first?.components(separatedBy: "</div>")
                        .first)
                #expect(HTMLSafety.problems(body) == [], "\(path): \(HTMLSafety.problems(body))")
                #expect(!page.text.contains("<script>alert"), "\(path) carries the script")
                #expect(!page.text.contains("javascript:"), "\(path) carries a javascript: URL")
                let handlers = HTMLSafety.tags(page.text).flatMap { tag in
                    tag.attributes.filter { $0.name.hasPrefix("on") }.map { "<\(tag.name) \($0.name)>" }
                }
                #expect(handlers == [], "\(path) carries event handlers")
                #expect(page.text.contains("the report"), "\(path) dropped the link's text")
                #expect(
                    page.text.contains("Zhou Jun, Director of Department of International Cooperation of MEE"), "\(path) lost the article")
            }
            // The editor's own preview is neutralised as well.
            let editorPage = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/edit", headers: editor)
            let preview = try #require(
                editorPage.text.components(separatedBy: #"<section class="panel preview""#).dropFirst().first?.components(
                    separatedBy: "</section>"
                ).first)
            #expect(HTMLSafety.problems(preview) == [])
            // The feed too.
            let feed = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=en")
            #expect(!feed.text.contains("&lt;script&gt;alert"))
            #expect(!feed.text.contains("javascript:"))
        }
    }
}
