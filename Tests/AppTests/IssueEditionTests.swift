import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("An issue is an edition with an address of its own")
struct IssueEditionTests {
    /// A second newsletter made through the admin form, with a bilingual name and a slug made from it.
    static func createNewsletter(_ app: Application, _ headers: HTTPHeaders) async throws -> Newsletter {
        let response = try await postForm(
            app, "/admin/newsletters",
            fields: [
                "name_en": "Biodiversity Bulletin", "name_zh": "生物多样性简报", "masthead_en": "China-ASEAN Environmental Cooperation Center",
                "masthead_zh": "中国-东盟环境保护合作中心", "slug": "",
            ], headers: headers)
        try #require(response.status == .seeOther, "creating the newsletter answered \(response.status)")
        return try #require(try await Newsletter.query(on: app.db).filter(\.$nameEn == "Biodiversity Bulletin").first())
    }

    static func createIssue(
        _ app: Application, _ headers: HTTPHeaders, newsletter: Newsletter, theme: String = "", title: String, slug: String
    ) async throws -> NewsletterIssue {
        var fields = NewsletterFixtures.issueFields(newsletterID: newsletter.id!, year: 2021, number: 8)
        fields["theme_en"] = theme
        let response = try await postForm(app, "/admin/newsletter-issues", fields: fields, headers: headers)
        try #require(response.status == .seeOther, "creating the issue answered \(response.status): \(response.text.prefix(400))")
        let issue = try #require(
            try await NewsletterIssue.query(on: app.db).filter(\.$newsletter.$id == newsletter.id!).filter(\.$number == 8).first())
        let edition = try await Edition.query(on: app.db).filter(\.$issue.$id == issue.id!).filter(\.$language == .en).first()
        try await NewsletterFixtures.createArticle(app, headers, edition: edition, title: title, slug: slug)
        issue.status = .published
        try await issue.save(on: app.db)
        return issue
    }

    @Test("Two newsletters' Issue 8, 2021 each have an address, page and API record of their own; a new slug moves the address")
    func addressPerNewsletter() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let first = try #require(try await Newsletter.query(on: app.db).filter(\.$slug == "newsletter").first())
            let bulletin = try await Self.createNewsletter(app, headers)
            #expect(bulletin.slug == "biodiversity-bulletin")
            let firstIssue = try await Self.createIssue(
                app, headers, newsletter: first, title: "Mangroves of the Mekong", slug: "mangroves")
            let bulletinIssue = try await Self.createIssue(
                app, headers, newsletter: bulletin, theme: "Wetlands and their birds", title: "Counting storks", slug: "storks")
            #expect(firstIssue.path == "/newsletters/2021/8", "the first newsletter keeps its addresses")
            #expect(bulletinIssue.path == "/newsletters/biodiversity-bulletin/2021/8")

            let short = try await app.testing().sendRequest(.GET, "/newsletters/2021/8?lang=en")
            #expect(short.status == .ok)
            #expect(short.text.contains("Mangroves of the Mekong") && !short.text.contains("Counting storks"))
            let long = try await app.testing().sendRequest(.GET, "/newsletters/biodiversity-bulletin/2021/8?lang=en")
            #expect(long.status == .ok)
            let text = visibleText(long.text)
            #expect(text.contains("Counting storks") && !text.contains("Mangroves of the Mekong"))
            #expect(text.contains("Biodiversity Bulletin") && text.contains("生物多样性简报"), "the masthead does not carry both names")
            #expect(text.contains("Wetlands and their birds"), "the theme is missing")
            let pdfLink = "href=\"/newsletters/biodiversity-bulletin/2021/8.pdf?lang=en\""
            #expect(long.text.contains(pdfLink), "the PDF link does not carry the newsletter")

            let bySlug = try await app.testing().sendRequest(.GET, "/newsletters/newsletter/2021/8?lang=zh")
            #expect(bySlug.status == .movedPermanently)
            #expect(bySlug.headers.first(name: .location) == "/newsletters/2021/8?lang=zh")
            let unknown = try await app.testing().sendRequest(.GET, "/newsletters/no-such-newsletter/2021/8")
            #expect(unknown.status == .notFound)

            let archive = try await app.testing().sendRequest(.GET, "/newsletters?lang=en")
            #expect(
                archive.text.contains("href=\"/newsletters/2021/8\"")
                    && archive.text.contains("href=\"/newsletters/biodiversity-bulletin/2021/8\""))

            let api = try await app.testing().sendRequest(.GET, "/api/v1/newsletters/biodiversity-bulletin/2021/8")
            #expect(api.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(api.bytes)) as? [String: Any])
            #expect(json["newsletterSlug"] as? String == "biodiversity-bulletin")
            #expect((json["theme"] as? [String: Any])?["en"] as? String == "Wetlands and their birds")
            #expect((json["url"] as? String)?.hasSuffix("/newsletters/biodiversity-bulletin/2021/8") == true)
            let firstByAPI = try await app.testing().sendRequest(.GET, "/api/v1/newsletters/2021/8")
            #expect(firstByAPI.text.contains("Mangroves of the Mekong") && !firstByAPI.text.contains("Counting storks"))

            var fields = NewsletterResource.values(of: bulletin)
            fields["slug"] = "bulletin"
            let renamed = try await postForm(app, "/admin/newsletters/\(bulletin.id!.uuidString)", fields: fields, headers: headers)
            #expect(renamed.status == .seeOther, "\(renamed.status): \(renamed.text.prefix(300))")
            let moved = try #require(try await NewsletterIssue.find(bulletinIssue.id, on: app.db))
            #expect(moved.path == "/newsletters/bulletin/2021/8")
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/bulletin/2021/8").status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/biodiversity-bulletin/2021/8").status == .notFound)
        }
    }

    @Test(
        "The issue page has the contents with excerpts, PDF, feed and subscribe at the top, and the colophon without a second contact block"
    )
    func editionPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let issue = try #require(try await IssueAddress.find(newsletter: nil, year: 2021, number: 7, on: app.db))
            let english = try #require(try await IssueRecord.load(issue, on: app.db).edition(.en))
            try await NewsletterFixtures.createArticle(
                app, headers, edition: english, title: "A second story", slug: "second-story",
                body: "Peatlands hold a third of all soil carbon.\n\nMore follows.\n")
            let page = try await app.testing().sendRequest(.GET, "/newsletters/2021/7?lang=en")
            #expect(page.status == .ok)
            let html = page.text
            let contents = try #require(htmlSections(html, opening: "<nav class=\"issue-contents\"").first, "no table of contents")
            #expect(contents.contains("href=\"#\(SeedNewsletter.articleSlug)\"") && contents.contains("href=\"#second-story\""))
            #expect(visibleText(contents).contains("Peatlands hold a third of all soil carbon."), "the excerpt is missing")
            let masthead = try #require(htmlSections(html, opening: "<header class=\"issue-masthead\"").first)
            #expect(masthead.contains("/newsletters/2021/7.pdf?lang=en") && masthead.contains("/newsletters/feed.atom?lang=en"))
            #expect(masthead.contains("href=\"/subscribe\""), "subscribe is not near the top")
            let centre = try #require(try await CentreProfile.query(on: app.db).first())
            let footer = try #require(htmlSections(html, opening: "<footer class=\"site-footer\"").first)
            #expect(html.contains("class=\"issue-contact colophon\""))
            #expect(!footer.contains(centre.email), "the footer repeats the colophon's contact details")
            let other = try await app.testing().sendRequest(.GET, "/contact?lang=en")
            let otherFooter = try #require(htmlSections(other.text, opening: "<footer class=\"site-footer\"").first)
            #expect(otherFooter.contains(centre.email), "other pages lost the footer's contact details")
        }
    }
}
