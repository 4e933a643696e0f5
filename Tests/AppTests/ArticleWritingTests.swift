import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Writing an article: summary and byline, live preview, the way back to the issue")
struct ArticleWritingTests {
    /// An issue 9, 2021 of the demo newsletter with one English article carrying a summary and a byline.
    static func articleWithSummary(_ app: Application, _ headers: HTTPHeaders) async throws -> (NewsletterFixtures.IssueFixture, Article) {
        let fixture = try await NewsletterFixtures.createIssue(app, headers, year: 2021, number: 9)
        let english = try #require(fixture.editions.first { $0.language == .en })
        var fields = NewsletterFixtures.articleForm(edition: english, title: "Wetlands in the Mekong delta", slug: "wetlands")
        fields["summary"] = "Nine member states compared\nhow they count waterbirds."
        fields["byline"] = "By the Secretariat"
        let response = try await postForm(app, "/admin/articles", fields: fields, headers: headers)
        try #require(response.status == .seeOther, "creating the article answered \(response.status)")
        return (fixture, try #require(try await Article.query(on: app.db).filter(\.$slug == "wetlands").first()))
    }

    @Test("Summary and byline reach the article page, the issue page (as the contents' excerpt), the PDF source, WeChat and the API")
    func summaryAndByline() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let (fixture, article) = try await Self.articleWithSummary(app, headers)
            #expect(article.summary == "Nine member states compared\nhow they count waterbirds.")
            #expect(article.byline == "By the Secretariat")
            try await NewsletterFixtures.createArticle(
                app, headers, edition: fixture.editions.first { $0.language == .en }, title: "Second story", slug: "second-story",
                body: "Opening words of the second story.\n")
            fixture.issue.status = .published
            try await fixture.issue.save(on: app.db)

            let page = try await app.testing().sendRequest(.GET, "/articles/wetlands")
            #expect(page.status == .ok)
            let standfirst = htmlSections(page.text, opening: "<p class=\"standfirst")
            #expect(standfirst.first?.contains("Nine member states compared\nhow they count waterbirds.") == true, "no standfirst")
            #expect(page.text.contains("<p class=\"byline\">By the Secretariat</p>"))

            let issue = try await app.testing().sendRequest(.GET, fixture.issue.path + "?lang=en")
            let contents = try #require(htmlSections(issue.text, opening: "<nav class=\"issue-contents\"").first, "no contents")
            #expect(contents.contains("Nine member states compared"), "the contents do not use the summary")
            #expect(contents.contains("Opening words of the second story."), "an article without summary lost its excerpt")

            let api = try await app.testing().sendRequest(.GET, "/api/v1/articles/wetlands")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(api.text.utf8)) as? [String: Any])
            #expect(json["byline"] as? String == "By the Secretariat")
            #expect((json["summary"] as? String)?.hasPrefix("Nine member states") == true)

            let wechat = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/wechat", headers: headers)
            #expect(wechat.text.contains("By the Secretariat"))
        }
    }

    @Test("A change to a published article's summary waits with the rest of the change")
    func publishedSummaryWaits() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let (fixture, article) = try await Self.articleWithSummary(app, headers)
            fixture.issue.status = .published
            try await fixture.issue.save(on: app.db)
            var fields = NewsletterFixtures.articleFields(article)
            fields["summary"] = "A corrected standfirst."
            fields["byline"] = "By the Secretariat"
            fields["version"] = "\(article.version)"
            let saved = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: fields, headers: headers)
            #expect(saved.status == .seeOther)
            let reader = try await app.testing().sendRequest(.GET, "/articles/wetlands")
            #expect(reader.text.contains("Nine member states compared") && !reader.text.contains("A corrected standfirst."))
            let editor = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/edit", headers: headers)
            #expect(editor.text.contains("A corrected standfirst."), "the editor does not show the saved change")
            #expect(editor.text.contains("Published summary"), "the pending change does not name the summary")

            let reloaded = try #require(try await Article.find(article.id, on: app.db))
            let published = try await postForm(
                app, "/admin/articles/\(article.id!.uuidString)/change/publish", fields: ["version": "\(reloaded.version)"],
                headers: headers)
            #expect(published.status == .seeOther)
            let after = try await app.testing().sendRequest(.GET, "/articles/wetlands")
            #expect(after.text.contains("A corrected standfirst."))
        }
    }

    @Test("The live preview renders the body as readers get it, sanitised, for editors only")
    func livePreview() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let body = "**Bold** words\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1))"
            let response = try await postForm(app, "/admin/articles/preview", fields: ["body": body], headers: headers)
            #expect(response.status == .ok)
            #expect(response.headers.contentType == .html)
            #expect(response.text.contains("<strong>Bold</strong>"))
            #expect(!response.text.contains("<script") && !response.text.contains("javascript:"), "the preview is not sanitised")

            let page = try await app.testing().sendRequest(.GET, "/admin/articles/new", headers: headers)
            #expect(page.text.contains("<script src=\"/js/article-preview.js\" defer></script>"))
            #expect(page.text.contains("data-action=\"/admin/articles/preview\""))

            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let refused = try await postForm(app, "/admin/articles/preview", fields: ["body": "x"], headers: focalPoint)
            #expect(refused.status == .forbidden || refused.status == .notFound, "a focal point got \(refused.status)")
            let anonymous = try await postForm(app, "/admin/articles/preview", fields: ["body": "x"], headers: [:])
            #expect(anonymous.status != .ok, "an anonymous reader got a preview")
        }
    }

    @Test("An article in an edition takes the edition's language; the editor links to its issue and, once published, its page")
    func editionLanguageAndLinks() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, headers, year: 2021, number: 9)
            let chinese = try #require(fixture.editions.first { $0.language == .zh })
            let fields = NewsletterFixtures.articleForm(edition: chinese, language: .en, title: "湿地", slug: "wetlands-zh")
            let response = try await postForm(app, "/admin/articles", fields: fields, headers: headers)
            #expect(response.status == .seeOther, "a language that differs from the edition's was refused")
            let article = try #require(try await Article.query(on: app.db).filter(\.$slug == "wetlands-zh").first())
            #expect(article.language == .zh)

            let draft = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/edit", headers: headers)
            #expect(draft.text.contains("href=\"/admin/newsletter-issues/\(fixture.issue.id!.uuidString)\""), "no way back to the issue")
            #expect(!draft.text.contains("href=\"/articles/wetlands-zh\""), "a draft links to its public page, which is 404")
            #expect(
                (try await app.testing().sendRequest(.GET, "/articles/wetlands-zh")).status == .notFound)

            fixture.issue.status = .published
            try await fixture.issue.save(on: app.db)
            let published = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/edit", headers: headers)
            #expect(published.text.contains("href=\"/articles/wetlands-zh\""))
            #expect((try await app.testing().sendRequest(.GET, "/articles/wetlands-zh")).status == .ok)
        }
    }

    @Test("The lead image panel comes before the text; the form has one Save, the other forms say what they do")
    func editorLayout() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let article = try #require(try await Article.query(on: app.db).first())
            let page = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/edit", headers: headers)
            let html = page.text
            let image = try #require(html.range(of: "lead-image-panel"))
            let form = try #require(html.range(of: "id=\"article-form\""))
            #expect(image.lowerBound < form.lowerBound, "the lead image is below the text")
            let save = "<button type=\"submit\" class=\"button\">Save</button>"
            #expect(html.components(separatedBy: save).count == 2, "the page has more or fewer than one Save")
            #expect(html.contains(">Upload image</button>") && html.contains(">Add link</button>"))
            for field in ["summary", "byline"] { #expect(html.contains("name=\"\(field)\""), "no \(field) field") }
        }
    }
}

@Suite("The editor's smaller promises: typed addresses, headings in an issue, image feedback, publishing on save")
struct ArticleEditorDetailsTests {
    @Test("A slug typed as words becomes an address; one that cannot is refused naming the field")
    func typedSlug() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            var fields = NewsletterFixtures.articleForm(edition: nil, title: "Mangroves", slug: "Mangrove Pilot 2021")
            let made = try await postForm(app, "/admin/articles", fields: fields, headers: headers)
            #expect(made.status == .seeOther)
            #expect(try await Article.query(on: app.db).filter(\.$slug == "mangrove-pilot-2021").count() == 1)
            fields["slug"] = "!!!"
            fields["title"] = "Other"
            let refused = try await postForm(app, "/admin/articles", fields: fields, headers: headers)
            #expect(refused.status == .unprocessableEntity)
            #expect(fieldError(refused.text, "slug") != nil)
        }
    }

    @Test("In an issue, an article's own headings sit one level under its title; on its page, under the page title")
    func headingLevels() async throws {
        #expect(MarkdownRenderer.headingsOneLevelDown("<h2>A</h2><p>x</p><h6>B</h6><hr>") == "<h3>A</h3><p>x</p><h6>B</h6><hr>")
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, headers, year: 2021, number: 9)
            let english = try #require(fixture.editions.first { $0.language == .en })
            try await NewsletterFixtures.createArticle(
                app, headers, edition: english, title: "Wetlands", slug: "wetlands", body: "Intro.\n\n## Findings\n\nText.\n")
            fixture.issue.status = .published
            try await fixture.issue.save(on: app.db)
            let issue = try await app.testing().sendRequest(.GET, fixture.issue.path + "?lang=en")
            #expect(issue.text.contains("<h3>Findings</h3>"), "the article's heading is at the level of the article titles")
            let article = try await app.testing().sendRequest(.GET, "/articles/wetlands")
            #expect(article.text.contains("<h2>Findings</h2>"))
        }
    }

    @Test("A new article in a published issue is announced as published; the image form answers at its fields")
    func publishedIssueAndImageFeedback() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let seed = try #require(try await IssueAddress.find(newsletter: nil, year: 2021, number: 7, on: app.db))
            let english = try #require(
                try await Edition.query(on: app.db).filter(\.$issue.$id == seed.id!).filter(\.$language == .en).first())
            let form = try await app.testing().sendRequest(
                .GET, "/admin/articles/new?edition_id=\(english.id!.uuidString)", headers: headers)
            #expect(form.text.contains("saving puts this article before readers at once"), "no warning before publishing on save")
            #expect(form.text.contains("href=\"/admin/newsletter-issues/\(seed.id!.uuidString)\""), "no way back to the issue")
            let created = try await postForm(
                app, "/admin/articles", fields: NewsletterFixtures.articleForm(edition: english, title: "Late news", slug: "late-news"),
                headers: headers)
            let location = try #require(created.headers.first(name: .location))
            #expect(location.hasSuffix("done=created_published"))
            let confirmed = try await app.testing().sendRequest(.GET, location, headers: headers)
            #expect(
                confirmed.text.contains("Created and published: the issue is out, so readers can see this article now."),
                "the confirmation the redirect asks for is not shown")

            let article = try #require(try await Article.query(on: app.db).filter(\.$slug == "late-news").first())
            let png = Data(
                base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")!
            let boundary = "focal-test-boundary"
            let token = try #require(cookieValue(CSRFMiddleware.cookieName, in: headers), "signing in gave no CSRF cookie")
            func imageForm(alt: String) -> ByteBuffer {
                var body = ByteBuffer()
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n\(token)\r\n")
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"alt\"\r\n\r\n\(alt)\r\n")
                body.writeString(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n"
                )
                body.writeBytes(png)
                body.writeString("\r\n--\(boundary)--\r\n")
                return body
            }
            var upload = headers
            upload.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            let refused = try await app.testing().sendRequest(
                .POST, "/admin/articles/\(article.id!.uuidString)/image", headers: upload, body: imageForm(alt: ""))
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("id=\"e-alt\""), "the missing alternative text is not reported at its field")
            let saved = try await app.testing().sendRequest(
                .POST, "/admin/articles/\(article.id!.uuidString)/image", headers: upload, body: imageForm(alt: "A mangrove seedling"))
            let savedAt = try #require(saved.headers.first(name: .location), "saving the image answered \(saved.status)")
            let page = try await app.testing().sendRequest(.GET, savedAt, headers: headers)
            #expect(page.text.contains("The lead image is saved."), "saving the image is not confirmed")
        }
    }
}

@Suite("Each newsletter has an archive page and a feed of its own")
struct NewsletterOwnPagesTests {
    @Test("/newsletters/{slug} lists only that newsletter's issues; its feed is valid Atom with its own links; an unknown slug is 404")
    func ownArchiveAndFeed() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let first = try #require(try await Newsletter.query(on: app.db).filter(\.$slug == "newsletter").first())
            let bulletin = try await IssueEditionTests.createNewsletter(app, headers)
            _ = try await IssueEditionTests.createIssue(app, headers, newsletter: bulletin, title: "Counting storks", slug: "storks")

            let all = try await app.testing().sendRequest(.GET, "/newsletters?lang=en")
            #expect(all.text.contains("href=\"/newsletters/biodiversity-bulletin\""), "the archive does not link each newsletter")
            let own = try await app.testing().sendRequest(.GET, "/newsletters/biodiversity-bulletin?lang=en")
            #expect(own.status == .ok)
            let ownText = visibleText(own.text)
            #expect(ownText.contains("Biodiversity Bulletin") && ownText.contains("生物多样性简报"))
            #expect(ownText.contains("Counting storks"))
            #expect(!own.text.contains(first.name(.en) + " · "), "another newsletter's issues are listed")
            let seedIssue = try await app.testing().sendRequest(.GET, "/newsletters/newsletter?lang=en")
            #expect(seedIssue.status == .ok)
            #expect(!visibleText(seedIssue.text).contains("Counting storks"))

            let feed = try await app.testing().sendRequest(.GET, "/newsletters/biodiversity-bulletin/feed.atom?lang=en")
            #expect(feed.status == .ok)
            #expect(feed.headers.contentType?.description.hasPrefix("application/atom+xml") == true)
            let parsed = XMLParser(data: Data(feed.text.utf8))
            #expect(parsed.parse(), "the feed is not well-formed XML")
            let selfLink = captures("<link rel=\"self\" type=\"application/atom\\+xml\" href=\"([^\"]+)\"", in: feed.text).first?.first
            #expect(selfLink?.hasSuffix("/newsletters/biodiversity-bulletin/feed.atom?lang=en") == true, "self link: \(selfLink ?? "none")")
            #expect(feed.text.contains("Counting storks"))
            let allFeed = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=en")
            let ownID = captures("<feed[^>]*>\\s*<id>([^<]+)</id>", in: feed.text).first?.first
            let allID = captures("<feed[^>]*>\\s*<id>([^<]+)</id>", in: allFeed.text).first?.first
            #expect(ownID != nil && ownID != allID, "the newsletter's feed shares the all-issues feed's id")

            #expect((try await app.testing().sendRequest(.GET, "/newsletters/no-such-newsletter")).status == .notFound)
            #expect((try await app.testing().sendRequest(.GET, "/newsletters/no-such-newsletter/feed.atom")).status == .notFound)
        }
    }
}
