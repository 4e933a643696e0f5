import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Liveness, readiness, metrics and request ids: what a proxy, a service manager and a monitoring
/// system read.
@Suite("Operations endpoints")
struct OperationsTests {
    static let token = "metrics-token-for-the-scraper-0123"

    @Test("/healthz answers without touching the database; /readyz reports the database, migrations and mail")
    func healthAndReadiness() async throws {
        try await withApp { app async throws in
            let alive = try await app.testing().sendRequest(.GET, "/healthz")
            #expect(alive.status == .ok)
            #expect(alive.body.string == "ok\n")
            #expect(alive.headers.first(name: .cacheControl) == "no-store")

            let ready = try await app.testing().sendRequest(.GET, "/readyz")
            #expect(ready.status == .ok)
            let report = try ready.content.decode(Readiness.self)
            #expect(report.ready && report.database.ok && report.migrations.ok)
            #expect(report.mail.detail.contains("not configured"))
        }
    }

    struct LaterMigration: AsyncMigration {
        func prepare(on database: any Database) async throws {}
        func revert(on database: any Database) async throws {}
    }

    @Test("/readyz is 503 and names the migration while one is not applied")
    func readinessWithPendingMigration() async throws {
        try await withApp { app async throws in
            app.migrations.add(LaterMigration())
            let response = try await app.testing().sendRequest(.GET, "/readyz")
            #expect(response.status == .serviceUnavailable)
            let report = try response.content.decode(Readiness.self)
            #expect(!report.ready && report.database.ok && !report.migrations.ok)
            #expect(report.migrations.detail.contains("LaterMigration"), "\(report.migrations.detail)")
        }
    }

    @Test("/metrics is for admins or the configured token only")
    func metricsAccess() async throws {
        try await withApp(loadDemo: true, environment: ["FOCAL_METRICS_TOKEN": Self.token]) { app async throws in
            let anonymous = try await app.testing().sendRequest(.GET, "/metrics")
            #expect(anonymous.status == .seeOther)
            let wrongToken = try await app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer " + Self.token + "x"])
            #expect(wrongToken.status == .seeOther)
            let editor = try await app.testing().sendRequest(.GET, "/metrics", headers: try await signIn(app, as: Demo.editor))
            #expect(editor.status == .forbidden)
            let admin = try await app.testing().sendRequest(.GET, "/metrics", headers: try await signIn(app, as: Demo.admin))
            #expect(admin.status == .ok)
            let scraper = try await app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer " + Self.token])
            #expect(scraper.status == .ok)
            #expect(scraper.headers.first(name: .contentType)?.hasPrefix("text/plain; version=0.0.4") == true)
        }
    }

    @Test("/metrics counts requests by route pattern (never by raw path), page-cache lookups, the send queue and the database")
    func metricsContent() async throws {
        // A long cache lifetime: on a slow machine the second read must still be a hit.
        let environment = ["FOCAL_METRICS_TOKEN": Self.token, "FOCAL_PAGE_CACHE_SECONDS": "3600"]
        try await withApp(loadDemo: true, environment: environment) { app async throws in
            let meeting = try #require(try await Meeting.query(on: app.db).first())
            for _ in 0..<3 { _ = try await app.testing().sendRequest(.GET, "/meetings/" + meeting.slug) }
            _ = try await app.testing().sendRequest(.GET, "/no-such-page-\(UUID().uuidString)")
            let text = try await app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer " + Self.token]).body.string
            #expect(
                text.contains(#"focal_http_requests_total{method="GET",route="/meetings/:slug",status="200"} 3"#), "\(text.prefix(3000))")
            #expect(text.contains(#"route="unmatched",status="404"}"#))
            #expect(!text.contains(meeting.slug + "\""), "a raw path became a label")
            #expect(text.contains(#"focal_http_request_duration_seconds_count{method="GET",route="/meetings/:slug"} 3"#))
            #expect(text.contains(#"focal_page_cache_lookups_total{result="miss"} 1"#), "the first anonymous request renders")
            #expect(text.contains(#"focal_page_cache_lookups_total{result="hit"} 2"#), "the next two come from the cache")
            #expect(text.contains("focal_mail_queue_depth 0"))
            #expect(text.contains("focal_database_up 1"))
            #expect(text.contains("focal_http_requests_in_flight 1"), "the scrape itself is in flight")
        }
    }

    @Test("Readers asking at once for a page nobody has cached yet wait for one render instead of each rendering it")
    func oneRenderForConcurrentMisses() async throws {
        let environment = ["FOCAL_METRICS_TOKEN": Self.token, "FOCAL_PAGE_CACHE_SECONDS": "3600"]
        try await withApp(loadDemo: true, environment: environment) { app async throws in
            let bodies = try await withThrowingTaskGroup(of: (HTTPStatus, String).self) { group in
                for _ in 0..<24 {
                    group.addTask {
                        let page = try await app.testing().sendRequest(.GET, "/action-plan?lang=en")
                        return (page.status, page.body.string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(bodies.allSatisfy { $0.0 == .ok })
            #expect(Set(bodies.map(\.1)).count == 1, "the readers got different pages")
            #expect(try await pageCacheLookups(app, "miss", token: Self.token) == 1, "more than one reader rendered the page")
            let counted =
                try await pageCacheLookups(app, "hit", token: Self.token) + pageCacheLookups(app, "wait", token: Self.token)
            #expect(counted == 23, "the other 23 readers were not served the one render")
        }
    }

    @Test("A request's id comes from X-Request-Id when it is a plain token, is made up otherwise, and is echoed")
    func requestIDs() async throws {
        try await withApp { app async throws in
            let given = try await app.testing().sendRequest(.GET, "/healthz", headers: ["X-Request-Id": "proxy-7f3a.91_b"])
            #expect(given.headers.first(name: .xRequestId) == "proxy-7f3a.91_b")
            for hostile in ["with space", String(repeating: "a", count: 200), "a\"b", "line\u{7F}"] {
                let response = try await app.testing().sendRequest(.GET, "/healthz", headers: ["X-Request-Id": hostile])
                let echoed = try #require(response.headers.first(name: .xRequestId))
                #expect(echoed != hostile && UUID(uuidString: echoed) != nil, "\(hostile.prefix(20)) was echoed as \(echoed)")
            }
            let first = try await app.testing().sendRequest(.GET, "/healthz").headers.first(name: .xRequestId)
            let second = try await app.testing().sendRequest(.GET, "/healthz").headers.first(name: .xRequestId)
            #expect(first != nil && first != second)
        }
    }

    @Test("JSON log lines: one object a line with the time, level, message and request id")
    func jsonLogLines() throws {
        var handler = JSONLogHandler(label: "test", level: .info)
        handler[metadataKey: "request-id"] = "abc-123"
        #expect(JSONLogHandler.flatten(.array([.string("a"), .stringConvertible(2)])) == "[a, 2]")
        #expect(JSONLogHandler.flatten(.dictionary(["b": "2", "a": "1"])) == "{a: 1, b: 2}")
        #expect(handler.metadata["request-id"] == "abc-123")
    }
}
