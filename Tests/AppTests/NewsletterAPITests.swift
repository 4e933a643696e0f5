import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Newsletter API: published issues and articles as JSON")
struct NewsletterAPITests {
    static func json(_ response: TestingHTTPResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
    }

    @Test("The list has Issue 7, 2021 with its editions' article titles, without bodies")
    func list() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/newsletters")
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.subType == "json")
            let issues = try #require(try Self.json(response) as? [[String: Any]])
            #expect(issues.count == 1)
            let issue = try #require(issues.first)
            #expect(issue["year"] as? Int == 2021)
            #expect(issue["number"] as? Int == 7)
            #expect(issue["publicationDate"] as? String == "2021-08-22")
            #expect((issue["newsletter"] as? [String: Any])?["en"] as? String == "Newsletter")
            #expect(try issue["url"] as? String == app.focalConfig.baseURL.absoluteString.trimmingSuffix("/") + "/newsletters/2021/7")
            let editions = issue["editions"] as? [[String: Any]] ?? []
            let en = try #require(editions.first { $0["language"] as? String == "en" })
            let articles = en["articles"] as? [[String: Any]] ?? []
            #expect(articles.map { $0["title"] as? String } == [NewsletterDemoTests.articleTitle])
            #expect(articles.first?["bodyHTML"] == nil, "the list should not carry bodies")
            #expect(articles.first?["bodyMarkdown"] == nil)
        }
    }

    @Test("Issue 7, 2021 in full: the English edition with the article (italic kept), the Chinese awaiting translation")
    func issue() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/newsletters/2021/7")
            #expect(response.status == .ok)
            let issue = try #require(try Self.json(response) as? [String: Any])
            let editions = issue["editions"] as? [[String: Any]] ?? []
            #expect(Set(editions.compactMap { $0["language"] as? String }) == ["en", "zh"])
            let en = try #require(editions.first { $0["language"] as? String == "en" })
            #expect(en["status"] as? String == "ready")
            let article = try #require((en["articles"] as? [[String: Any]])?.first)
            #expect(article["slug"] as? String == SeedNewsletter.articleSlug)
            #expect(article["language"] as? String == "en")
            #expect(article["title"] as? String == NewsletterDemoTests.articleTitle)
            let html = article["bodyHTML"] as? String ?? ""
            #expect(html.contains("<em>the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)</em>"))
            #expect(HTMLSafety.problems(html) == [])
            #expect((article["bodyMarkdown"] as? String)?.contains("*the Framework of ASEAN-China") == true)
            let base = try app.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
            #expect(article["url"] as? String == base + "/articles/" + SeedNewsletter.articleSlug)
            let zh = try #require(editions.first { $0["language"] as? String == "zh" })
            #expect(zh["status"] as? String == "awaiting_translation")
            #expect((zh["articles"] as? [Any])?.isEmpty == true)

            let single = try await app.testing().sendRequest(.GET, "/api/v1/articles/" + SeedNewsletter.articleSlug)
            #expect(single.status == .ok)
            let entry = try #require(try Self.json(single) as? [String: Any])
            #expect(entry["bodyHTML"] as? String == html)
            #expect(entry["translationSlug"] == nil)

            for path in ["/api/v1/newsletters/2021/8", "/api/v1/newsletters/1999/7", "/api/v1/articles/no-such-article"] {
                #expect(try await app.testing().sendRequest(.GET, path).status == .notFound, "\(path)")
            }
        }
    }

    @Test("Unpublished issues and their articles are not in the API; once published they are")
    func unpublished() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let english = try await NewsletterFixtures.createArticle(
                app, editor, edition: try fixture.edition(.en), title: "Embargoed", slug: "embargoed")
            try await NewsletterFixtures.createArticle(
                app, editor, edition: try fixture.edition(.zh), title: "禁发", slug: "embargoed-zh", translationOf: english.id)
            for (who, headers) in [("anonymous", HTTPHeaders()), ("editor", editor)] {
                #expect(
                    try await app.testing().sendRequest(.GET, "/api/v1/newsletters/2030/1", headers: headers).status == .notFound, "\(who)")
                #expect(
                    try await app.testing().sendRequest(.GET, "/api/v1/articles/embargoed", headers: headers).status == .notFound, "\(who)")
                let list = try #require(
                    try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/newsletters", headers: headers)) as? [[String: Any]])
                #expect(list.count == 1, "\(who) sees \(list.count) issues")
            }
            // Scheduled is not published either.
            let scheduled = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "UTC"], headers: editor)
            #expect(scheduled.status == .seeOther)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/newsletters/2030/1").status == .notFound)

            #expect(try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor).status == .seeOther)
            let published = try await app.testing().sendRequest(.GET, "/api/v1/newsletters/2030/1")
            #expect(published.status == .ok)
            let list = try #require(try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/newsletters")) as? [[String: Any]])
            #expect(list.map { "\($0["number"] ?? "")/\($0["year"] ?? "")" } == ["1/2030", "7/2021"], "newest first")
            let article = try #require(
                try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/articles/embargoed")) as? [String: Any])
            #expect(article["translationSlug"] as? String == "embargoed-zh")
            let issue = try #require(try Self.json(published) as? [String: Any])
            let zhArticles =
                ((issue["editions"] as? [[String: Any]])?.first { $0["language"] as? String == "zh" })?["articles"] as? [[String: Any]]
            #expect(zhArticles?.first?["translationSlug"] as? String == "embargoed")
        }
    }
}
