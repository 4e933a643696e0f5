import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Search: each role finds a restricted record only where it may see it")
struct SearchAccessTests {
    struct Answer: Decodable {
        struct Hit: Decodable {
            let kind: String
            let url: String
            let snippet: String
        }
        let total: Int
        let counts: [String: Int]
        let results: [Hit]
    }

    static func search(_ app: Application, _ query: String, headers: HTTPHeaders = [:]) async throws -> Answer {
        let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        let response = try await app.testing().sendRequest(.GET, "/api/v1/search?q=" + encoded, headers: headers)
        try #require(response.status == .ok, "search for \(query) answered \(response.status): \(response.body.string)")
        return try response.content.decode(Answer.self)
    }

    /// A unique word put into one restricted record of every kind that has restrictions, then
    /// searched for as each role: the page, the feed and the API may show a record only to whom
    /// its own page shows it.
    @Test("A unique word in one restricted record of every kind is found only by the roles that may read the record")
    func restrictedRecords() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let db = app.db
            let meeting = try #require(try await Meeting.query(on: db).filter(\.$slug == SeedMeeting.slug).first())
            meeting.discussionEn += " Xylomeeting."
            meeting.visibility = .secretariat
            try await meeting.save(on: db)

            let document = try #require(try await Document.query(on: db).sort(\.$titleEn).first())
            document.descriptionEn += " Xylodocument."
            document.access = .network
            try await document.save(on: db)

            let article = try #require(try await Article.query(on: db).filter(\.$edition.$id != nil).first())
            article.bodyMarkdown += "\n\nXyloarticle."
            try await article.save(on: db)
            let edition = try #require(try await Edition.find(article.$edition.id, on: db))
            let issue = try #require(try await NewsletterIssue.find(edition.$issue.id, on: db))
            issue.themeEn = "Xyloissue"
            issue.status = .draft
            try await issue.save(on: db)

            let person = try #require(try await Person.query(on: db).sort(\.$nameEn).first())
            person.honorific = "Xyloperson"
            try await person.save(on: db)

            let activity = try #require(try await Activity.query(on: db).sort(\.$code).first())
            let myanmar = try #require(try await Country.query(on: db).filter(\.$code == "MM").first())
            let thailand = try #require(try await Country.query(on: db).filter(\.$code == "TH").first())
            for (country, word) in [(myanmar, "Xyloreportmm"), (thailand, "Xyloreportth"), (nil, "Xyloreportall")] {
                let report = ProgressReport()
                report.$activity.id = try activity.requireID()
                report.$country.id = country?.id
                report.year = 2024
                report.narrativeEn = word
                report.narrativeZh = ""
                report.status = .draft
                report.author = "search test"
                report.validatedBy = ""
                report.illustrative = true
                try await report.create(on: db)
            }

            let editor = try await signIn(app, as: Demo.editor)
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let roles: [(String, HTTPHeaders)] = [("anonymous", [:]), ("focal point", focalPoint), ("editor", editor)]
            let expected: [String: Set<String>] = [
                "xylomeeting": ["editor"], "xylodocument": ["focal point", "editor"], "xyloarticle": ["editor"],
                "xyloissue": ["editor"], "xyloperson": ["editor"], "xyloreportmm": ["focal point", "editor"],
                "xyloreportth": ["editor"], "xyloreportall": ["editor"],
            ]
            for (word, allowed) in expected {
                for (role, headers) in roles {
                    let answer = try await Self.search(app, word, headers: headers)
                    #expect(
                        (answer.total > 0) == allowed.contains(role),
                        "\(word) as \(role): \(answer.total) results, expected \(allowed.contains(role) ? "some" : "none")")
                    #expect(answer.results.count == answer.total)
                }
                let page = try await app.testing().sendRequest(.GET, "/search?q=" + word)
                #expect(page.status == .ok)
                #expect(!page.body.string.contains("class=\"search-result\""), "the public search page shows a result for \(word)")
            }
        }
    }

    @Test("The search page: results by kind with counts, the match marked, filters kept, a short query explained")
    func page() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let html = try await app.testing().sendRequest(.GET, "/search?q=biodiversity").body.string
            #expect(html.contains("<mark>"), "no highlighted match")
            #expect(html.contains("/meetings/" + SeedMeeting.slug))
            #expect(html.contains("kind=meeting"), "no link to the meetings among the results")
            let meetingsOnly = try await app.testing().sendRequest(.GET, "/search?q=biodiversity&kind=meeting").body.string
            #expect(meetingsOnly.contains("/meetings/" + SeedMeeting.slug))
            #expect(!meetingsOnly.contains("href=\"/articles/"), "the kind filter let articles through")
            let short = try await app.testing().sendRequest(.GET, "/search?q=a")
            #expect(short.status == .ok)
            #expect(visibleText(short.body.string).contains("at least two letters"))
            let chinese = try await app.testing().sendRequest(.GET, "/search?q=%E4%B8%9C%E7%9B%9F&lang=zh").body.string
            #expect(chinese.contains("<mark>东盟</mark>"), "东盟 is not marked in the Chinese results")
        }
    }

    @Test("A bad filter keeps the query and names its field; the language switch keeps the search; past the last page shows the last")
    func keepsTheSearch() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let badYear = try await app.testing().sendRequest(.GET, "/search?q=cooperate&year=abc")
            #expect(badYear.status == .ok)
            let text = visibleText(badYear.body.string)
            #expect(text.contains("Year: "), "the message does not name the year field: \(text.prefix(400))")
            #expect(badYear.body.string.contains(#"value="cooperate""#), "the query was lost")
            #expect(badYear.body.string.contains(#"class="search-result""#), "a bad filter emptied the results")
            #expect(badYear.body.string.contains("/search?q=cooperate&amp;year=abc&amp;lang=zh"), "the language switch drops the search")
            let last = try await app.testing().sendRequest(.GET, "/search?q=cooperate&page=500").body.string
            #expect(last.contains(#"class="search-result""#), "a page past the end lists nothing")
            let one = visibleText(try await app.testing().sendRequest(.GET, "/search?q=%22Vong%20Sok%22").body.string)
            #expect(!one.contains("1 results"))
        }
    }

    @Test("A word finds the longer words it begins (environment, environmental); an area by its Chinese name; no report author")
    func wordsAndAreas() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let environment = try await Self.search(app, "environment")
            let environmental = try await Self.search(app, "environmental")
            #expect(environment.total >= environmental.total, "environment finds fewer than environmental")
            let area = try #require(try await PriorityArea.query(on: app.db).filter(\.$titleZh != "").first())
            let found = try await Self.search(app, area.titleZh)
            #expect(found.results.contains { $0.url == "/action-plan/areas/" + area.code }, "\(area.titleZh) does not find its area")
            let report = try #require(try await ProgressReport.query(on: app.db).filter(\.$status == .validated).first())
            report.author = "author.hidden@demo.focal.example"
            try await report.save(on: app.db)
            #expect(try await Self.search(app, "author.hidden").total == 0, "a report's author is searchable")
        }
    }

    @Test("Bad queries never fail: operators, quotes, brackets, 10,000 characters, bytes that are not UTF-8")
    func badInput() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let long = String(repeating: "biodiversity ", count: 800)
            for query in [#"""#, "(", "NEAR(a b)", "*", "AND OR NOT", "\"unbalanced", "东", "'; DROP TABLE x;--", "^title:x", long] {
                let encoded = query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
                let page = try await app.testing().sendRequest(.GET, "/search?q=" + encoded)
                #expect(page.status == .ok, "the page answered \(page.status) for \(query.prefix(20))")
                let api = try await app.testing().sendRequest(.GET, "/api/v1/search?q=" + encoded)
                #expect(api.status == .ok || api.status == .unprocessableEntity, "the API answered \(api.status) for \(query.prefix(20))")
            }
            // A query that searches for nothing is answered, not refused: no results and why.
            for empty in ["", "a", "%22%22"] {
                let answer = try await app.testing().sendRequest(.GET, "/api/v1/search?q=" + empty + "&kind=article&lang_filter=en&page=")
                #expect(answer.status == .ok, "q=\(empty) answered \(answer.status)")
                #expect(answer.body.string.contains("\"notice\""), "q=\(empty) says nothing of why there are no results")
                #expect(answer.body.string.contains("\"total\":0"))
            }
            let missing = try await app.testing().sendRequest(.GET, "/api/v1/search?kind=article")
            #expect(missing.status == .unprocessableEntity, "a search without q was answered")
            #expect(missing.body.string.contains("\"q\""))
            let invalid = try await app.testing().sendRequest(.GET, "/api/v1/search?q=%FF%FE")
            #expect(invalid.status == .unprocessableEntity)
            #expect(invalid.body.string.contains("\"q\""), "the problem does not name q")
            let kind = try await app.testing().sendRequest(.GET, "/api/v1/search?q=biodiversity&kind=spaceship")
            #expect(kind.status == .unprocessableEntity)
            #expect(kind.body.string.contains("kind"))
        }
    }
}
