import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Behind a proxy every connection comes from the proxy: the client is read from X-Forwarded-For,
/// and only when the proxy is trusted.
@Suite("The client's address behind a proxy")
struct ClientAddressTests {
    static func login(_ app: Application, email: String, password: String, forwardedFor: String?) async throws -> HTTPStatus {
        let csrf = try await csrfToken(app)
        var headers = cookieHeader([(CSRFMiddleware.cookieName, csrf.cookie)])
        headers.contentType = .urlEncodedForm
        if let forwardedFor { headers.replaceOrAdd(name: .xForwardedFor, value: forwardedFor) }
        let body = formBody(["_csrf": csrf.field, "email": email, "password": password])
        return try await sendOverHTTP(app, .POST, "/login", headers: headers, body: body).status
    }

    @Test(
        "Failed sign-ins of many clients through a trusted proxy do not lock out another client; one client stays throttled however it writes the header"
    )
    func throttleCountsClientsBehindTheProxy() async throws {
        try await withApp(loadDemo: true, environment: ["FOCAL_LOGIN_MAX_ATTEMPTS": "2"]) { app async throws in
            // 4 x 2 failures allowed per client: ten clients fail twice each.
            for client in 1...10 {
                for _ in 0..<2 {
                    let status = try await Self.login(
                        app, email: "nobody@example.org", password: "wrong-password", forwardedFor: "203.0.113.\(client)")
                    #expect(status == .unauthorized)
                }
            }
            let admin = try await Self.login(app, email: Demo.admin.email, password: Demo.admin.password, forwardedFor: "198.51.100.7")
            #expect(admin == .ok, "a client that never failed was refused: \(admin)")

            // One client, whatever it writes on the left of the header (the proxy appends the truth).
            var last = HTTPStatus.ok
            for attempt in 0..<9 {
                last = try await Self.login(
                    app, email: "user\(attempt)@example.org", password: "wrong-password", forwardedFor: "10.9.9.\(attempt), 203.0.113.99")
            }
            #expect(last == .tooManyRequests, "a client escaped its limit by forging X-Forwarded-For: \(last)")
        }
    }

    @Test("X-Forwarded-For from a peer that is not a trusted proxy is ignored")
    func untrustedPeer() async throws {
        try await withApp(loadDemo: true, environment: ["FOCAL_LOGIN_MAX_ATTEMPTS": "2", "FOCAL_TRUSTED_PROXIES": "192.0.2.1"]) {
            app async throws in
            var last = HTTPStatus.ok
            for attempt in 0..<9 {
                last = try await Self.login(
                    app, email: "user\(attempt)@example.org", password: "wrong-password", forwardedFor: "203.0.113.\(attempt)")
            }
            #expect(last == .tooManyRequests, "the header of an untrusted peer was believed")
        }
    }

    @Test("FOCAL_TRUSTED_PROXIES must hold IP addresses")
    func invalidSetting() {
        #expect(throws: AppConfigError.self) {
            try AppConfig.load(
                from: testEnvironment(dataDirectory: "/tmp/unused").merging(["FOCAL_TRUSTED_PROXIES": "nginx.local"]) { $1 }, demo: false)
        }
    }
}
