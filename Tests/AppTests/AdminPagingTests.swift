import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Admin lists page on the server")
struct AdminPagingTests {
    /// The addresses a subscriber list page shows, in order.
    static func emails(_ html: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: #"<td[^>]*>(?:<a href="[^"]*">)?(paging-[0-9]+@example\.org)(?:</a>)?</td>"#)
        else { return [] }
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            Range(match.range(at: 1), in: html).map { String(html[$0]) }
        }
    }

    static func nextLink(_ html: String) -> String? {
        guard let regex = try? NSRegularExpression(pattern: #"<a rel="next" href="([^"]+)""#),
            let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
            let range = Range(match.range(at: 1), in: html)
        else { return nil }
        return String(html[range]).replacingOccurrences(of: "&amp;", with: "&")
    }

    static func addSubscribers(_ count: Int, on db: any Database) async throws {
        for n in 0..<count {
            try await Subscriber(
                email: String(format: "paging-%04d@example.org", n), name: "Paging \(n)", language: .en, status: .confirmed
            ).create(on: db)
        }
    }

    @Test("Following Next from the first page shows every record once, in order, 100 to a page")
    func walkEveryPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            try await Self.addSubscribers(250, on: app.db)
            let total = try await Subscriber.query(on: app.db).count()
            let editor = try await signIn(app, as: Demo.editor)
            var path: String? = "/admin/subscribers"
            var seen: [String] = []
            var pages = 0
            while let next = path {
                let page = try await app.testing().sendRequest(.GET, next, headers: editor)
                #expect(page.status == .ok)
                pages += 1
                let rows = page.text.components(separatedBy: "<tr").count - 2
                #expect(rows <= ListPaging.pageSize, "page \(pages) shows \(rows) rows")
                if pages == 1 { #expect(page.text.contains("1–100 / \(total)"), "the first page does not say which rows of how many") }
                seen += Self.emails(page.text)
                path = Self.nextLink(page.text)
                if pages > 10 { break }
            }
            #expect(pages == (total + 99) / 100)
            #expect(seen.count == 250, "\(seen.count) of the 250 added subscribers seen")
            #expect(Set(seen).count == seen.count, "a subscriber appeared on two pages")
            #expect(seen == seen.sorted(), "the pages are not in the list's order")
        }
    }

    @Test("A page number out of range or not a number shows the nearest page, never an error")
    func outOfRangePages() async throws {
        try await withApp(loadDemo: true) { app async throws in
            try await Self.addSubscribers(150, on: app.db)
            let total = try await Subscriber.query(on: app.db).count()
            let lastPage = (total + 99) / 100
            let editor = try await signIn(app, as: Demo.editor)
            for (asked, shown) in [("0", 1), ("-3", 1), ("abc", 1), ("999999", lastPage)] {
                let page = try await app.testing().sendRequest(.GET, "/admin/subscribers?page=\(asked)", headers: editor)
                #expect(page.status == .ok, "page=\(asked)")
                #expect(page.text.contains("\(shown) / \(lastPage)</span>"), "page=\(asked) did not show page \(shown)")
            }
        }
    }

    @Test("A search pages too, and its page links keep the query")
    func searchPages() async throws {
        try await withApp(loadDemo: true) { app async throws in
            try await Self.addSubscribers(130, on: app.db)
            let editor = try await signIn(app, as: Demo.editor)
            let first = try await app.testing().sendRequest(.GET, "/admin/subscribers?q=paging-", headers: editor)
            #expect(first.text.contains("1–100 / 130"))
            let next = try #require(Self.nextLink(first.text), "no link to the second page of the search")
            #expect(next == "/admin/subscribers?q=paging-&page=2")
            let second = try await app.testing().sendRequest(.GET, next, headers: editor)
            #expect(Self.emails(second.text).count == 30)
            #expect(second.text.contains("101–130 / 130"))
        }
    }

    @Test("The audit log pages, newest first, each change once")
    func auditLogPages() async throws {
        try await withApp(loadDemo: true) { app async throws in
            for n in 0..<120 {
                try await AuditEntry(
                    actor: nil, action: "update", entityType: "country", entityID: UUID().uuidString, summary: "paging-change-\(n)",
                    before: [:], after: [:]
                ).create(on: app.db)
            }
            let entries = try await AuditEntry.query(on: app.db).count()
            let admin = try await signIn(app, as: Demo.admin)
            let first = try await app.testing().sendRequest(.GET, "/admin/audit", headers: admin)
            #expect(first.status == .ok)
            #expect(first.text.contains("1–100 / \(entries)"), "the audit log does not say how many changes there are")
            let next = try #require(Self.nextLink(first.text))
            #expect(next == "/admin/audit?page=2")
            let second = try await app.testing().sendRequest(.GET, next, headers: admin)
            let changes = (first.text + second.text).components(separatedBy: "paging-change-").dropFirst().map { $0.prefix { $0.isNumber } }
            #expect(Set(changes).count == 120, "\(Set(changes).count) of 120 changes on the first two pages")
            #expect(changes.count == 120, "a change appeared twice")
        }
    }

    @Test("The progress reports list pages on the server: every report once across its pages, 100 to a page")
    func reportsPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let activity = try #require(try await Activity.query(on: app.db).first())
            let countries = try await Country.query(on: app.db).all()
            for n in 0..<130 {
                let report = ProgressReport()
                report.$activity.id = try activity.requireID()
                report.$country.id = countries[n % countries.count].id
                report.year = 1900 + n
                report.narrativeEn = ""
                report.narrativeZh = ""
                report.status = .draft
                report.author = "paging test"
                report.validatedBy = ""
                report.illustrative = true
                try await report.create(on: app.db)
            }
            let total = try await ProgressReport.query(on: app.db).count()
            let editor = try await signIn(app, as: Demo.editor)
            var seen: [String] = []
            var next: String? = "/action-plan/reports"
            var pages = 0
            while let path = next, pages < 10 {
                let page = try await app.testing().sendRequest(.GET, path, headers: editor)
                #expect(page.status == .ok)
                let links = Self.matches(page.text, #"<a href="(/action-plan/reports/[0-9A-F-]{36})">"#)
                #expect(links.count <= ListPaging.pageSize)
                seen += links
                next = Self.nextLink(page.text)
                pages += 1
            }
            #expect(pages == (total + 99) / 100)
            #expect(seen.count == total)
            #expect(Set(seen).count == total, "a report was shown on two pages")
        }
    }

    static func matches(_ html: String, _ pattern: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return [] }
        return regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            Range(match.range(at: 1), in: html).map { String(html[$0]) }
        }
    }
}
