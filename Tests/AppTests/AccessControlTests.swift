import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Access control")
struct AccessControlTests {
    struct RouteCase {
        let method: HTTPMethod
        let path: String
        let role: Role
    }

    /// Every registered route, parameters replaced by values that match no record.
    static func routeCases(_ app: Application) -> [RouteCase] {
        app.routes.all.map { route in
            let parts = route.path.map { component -> String in
                switch component {
                case .constant(let text): return text
                case .parameter(let name): return name == "code" ? "XX" : UUID().uuidString
                case .anything: return "x"
                case .catchall: return "x/y"
                }
            }
            return RouteCase(method: route.method, path: "/" + parts.joined(separator: "/"), role: route.requiredRole ?? .admin)
        }
    }

    /// Sends the request a real client of that route would send: GET as is, POST as a form with a valid CSRF token.
    static func send(_ app: Application, _ route: RouteCase, headers: HTTPHeaders) async throws -> TestingHTTPResponse {
        switch route.method {
        case .GET: return try await app.testing().sendRequest(.GET, route.path, headers: headers)
        case .POST: return try await postForm(app, route.path, fields: ["probe": "1"], headers: headers)
        default:
            Issue.record("no probe for \(route.method) \(route.path)")
            return try await app.testing().sendRequest(route.method, route.path, headers: headers)
        }
    }

    @Test("Every route declares the role it requires")
    func everyRouteDeclaresRole() async throws {
        try await withApp(loadDemo: false) { app async throws in
            #expect(app.routes.all.count > 30)
            let undeclared = app.routes.all.filter { $0.requiredRole == nil }.map(\.description)
            #expect(undeclared == [])
            // and the admin screens are not open to the public
            let openAdmin = app.routes.all.filter { $0.path.first == .constant("admin") && ($0.requiredRole ?? .admin) < .editor }
            #expect(openAdmin.map(\.description) == [])
            let users = app.routes.all.filter { $0.path.starts(with: [.constant("admin"), .constant("users")]) }
            #expect(!users.isEmpty && users.allSatisfy { $0.requiredRole == .admin })
        }
    }

    @Test("Anonymous requests to protected routes are sent to sign in (HTML) or refused with 401 (API)")
    func anonymousRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let protected = Self.routeCases(app).filter { $0.role > .anonymous }
            #expect(protected.count > 20)
            for route in protected {
                let response = try await Self.send(app, route, headers: [:])
                if route.path.hasPrefix("/api/") {
                    #expect(response.status == .unauthorized, "\(route.method) \(route.path)")
                } else {
                    #expect(response.status == .seeOther, "\(route.method) \(route.path) answered \(response.status)")
                    #expect(response.location?.hasPrefix("/login") == true, "\(route.method) \(route.path) → \(response.location ?? "-")")
                }
            }
        }
    }

    @Test("A signed-in focal point is refused staff routes with 403")
    func focalPointRefusedStaffRoutes() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.focalPoint)
            let staff = Self.routeCases(app).filter { $0.role >= .editor }
            #expect(staff.count > 20)
            for route in staff {
                let response = try await Self.send(app, route, headers: headers)
                #expect(response.status == .forbidden, "\(route.method) \(route.path) answered \(response.status)")
            }
        }
    }

    @Test("A signed-in editor is refused administrator routes with 403")
    func editorRefusedAdminRoutes() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            let adminOnly = Self.routeCases(app).filter { $0.role == .admin }
            #expect(adminOnly.count >= 5)
            for route in adminOnly {
                let response = try await Self.send(app, route, headers: headers)
                #expect(response.status == .forbidden, "\(route.method) \(route.path) answered \(response.status)")
            }
            // while the editor's own screens open
            #expect(try await app.testing().sendRequest(.GET, "/admin/countries", headers: headers).status == .ok)
        }
    }

    @Test("Routes open to anonymous callers by design refuse made-up tokens and ids without revealing anything")
    func anonymousTokenRoutes() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let open = zip(app.routes.all, Self.routeCases(app)).filter { route, _ in
                route.requiredRole == .anonymous && route.path.contains { if case .parameter = $0 { return true } else { return false } }
            }.map(\.1)
            #expect(open.count >= 6)
            // The invitation answer, the delegation form, the personal calendar and file downloads are among them
            let paths = app.routes.all.filter { $0.requiredRole == .anonymous }.map {
                "/" + $0.path.map(\.description).joined(separator: "/")
            }
            for expected in [
                "/rsvp/:token", "/rsvp/:token/delegation", "/meetings/:slug/my-calendar/:token", "/documents/:slug/files/:fileID",
            ] {
                #expect(paths.contains(expected), "\(expected) is not an anonymous route")
            }
            for route in open {
                let response = try await Self.send(app, route, headers: [:])
                #expect(
                    [.notFound, .forbidden, .gone, .unprocessableEntity].contains(response.status),
                    "\(route.method) \(route.path) answered \(response.status)")
            }
            // and a bogus signed link is refused, not answered
            #expect(try await app.testing().sendRequest(.GET, "/rsvp/bogus.token").status == .forbidden)
            #expect(try await postForm(app, "/rsvp/bogus.token", fields: ["answer": "register"]).status == .forbidden)
            #expect(try await app.testing().sendRequest(.GET, "/meetings/\(SeedMeeting.slug)/my-calendar/bogus.ics").status == .forbidden)
        }
    }

    @Test("A form post without the CSRF token is refused with 403 even for an administrator, and nothing is written")
    func csrfRequired() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.admin)
            let countries = try await Country.query(on: app.db).count()
            let audits = try await AuditEntry.query(on: app.db).count()
            let fields = ["code": "KR", "name_en": "Republic of Korea", "group": "other"]
            // Without the token
            let missing = try await postForm(app, "/admin/countries", fields: fields, headers: headers, withCSRF: false)
            #expect(missing.status == .forbidden)
            // With a wrong token
            let wrong = try await postForm(
                app, "/admin/countries", fields: fields.merging(["_csrf": String(repeating: "A", count: 43)]) { $1 },
                headers: headers, withCSRF: false)
            #expect(wrong.status == .forbidden)
            #expect(try await Country.query(on: app.db).count() == countries)
            #expect(try await AuditEntry.query(on: app.db).count() == audits)
            // The same post with the token goes through, so the refusal was the token
            let ok = try await postForm(app, "/admin/countries", fields: fields, headers: headers)
            #expect(ok.status == .seeOther)
            #expect(try await Country.query(on: app.db).count() == countries + 1)
        }
    }
}
