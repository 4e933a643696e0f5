import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Signing in and out")
struct AuthTests {
    /// Posts the login form as a fresh browser would.
    static func attemptLogin(_ app: Application, email: String, password: String, next: String? = nil) async throws -> TestingHTTPResponse {
        var fields = ["email": email, "password": password]
        if let next { fields["next"] = next }
        return try await postForm(app, "/login", fields: fields)
    }

    @Test("Staff who sign in with the right password are sent to /admin, focal points to their profile")
    func rightPasswordRedirects() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password)
            #expect(editor.status == .seeOther)
            #expect(editor.location == "/admin")
            let member = try await Self.attemptLogin(app, email: Demo.focalPoint.email.uppercased(), password: Demo.focalPoint.password)
            #expect(member.status == .seeOther)
            #expect(member.location == "/account/profile")
            let user = try await User.query(on: app.db).filter(\.$email == Demo.editor.email).first()
            #expect(user?.lastLoginAt != nil)
        }
    }

    @Test("A safe ?next= destination is honoured after sign-in")
    func nextHonoured() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password, next: "/admin/people")
            #expect(response.location == "/admin/people")
            let evil = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password, next: "//evil.example/x")
            #expect(evil.location == "/admin")
        }
    }

    @Test("A wrong password is refused with 401 and the page says so")
    func wrongPassword() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: "not-the-password")
            #expect(response.status == .unauthorized)
            #expect(response.text.contains("The e-mail address or the password is wrong."))
            #expect(response.setCookie("focal_session") == nil)
            let unknown = try await Self.attemptLogin(app, email: "nobody@demo.focal.example", password: "whatever-123")
            #expect(unknown.status == .unauthorized)
        }
    }

    @Test("After the maximum number of failures the account is locked even with the right password")
    func lockout() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let maxAttempts = app.focalConfig.loginMaxAttempts
            #expect(maxAttempts == 5)
            for attempt in 1...maxAttempts {
                let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: "wrong-\(attempt)")
                #expect(response.status == .unauthorized, "attempt \(attempt)")
            }
            let locked = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.setCookie("focal_session") == nil)
            let user = try #require(try await User.query(on: app.db).filter(\.$email == Demo.editor.email).first())
            #expect((user.lockedUntil ?? .distantPast) > Date())
            // another account is not affected
            let admin = try await Self.attemptLogin(app, email: Demo.admin.email, password: Demo.admin.password)
            #expect(admin.status == .seeOther)
        }
    }

    @Test("Successful sign-ins from one address never trip the address throttle; failed ones from it do")
    func addressThrottle() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let limit = app.loginThrottle.maxAttemptsPerWindow
            for attempt in 1...(limit + 5) {
                let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password)
                #expect(response.status == .seeOther, "sign-in \(attempt) of a busy office was refused: \(response.status)")
            }
            // Failures spread over unknown accounts, so no account lock is involved: only the address.
            for attempt in 1...limit {
                let response = try await Self.attemptLogin(app, email: "nobody\(attempt)@demo.focal.example", password: "guess-\(attempt)")
                #expect(response.status == .unauthorized, "failure \(attempt)")
            }
            let blocked = try await Self.attemptLogin(app, email: Demo.admin.email, password: Demo.admin.password)
            #expect(blocked.status == .tooManyRequests, "after \(limit) failures the address may still try: \(blocked.status)")
        }
    }

    @Test("The session cookie is HttpOnly and SameSite=Lax")
    func sessionCookieFlags() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password)
            let line = try #require(response.setCookieLine("focal_session"))
            #expect(line.localizedCaseInsensitiveContains("HttpOnly"))
            #expect(line.localizedCaseInsensitiveContains("SameSite=Lax"))
            let csrf = try await app.testing().sendRequest(.GET, "/login").setCookieLine(CSRFMiddleware.cookieName)
            #expect(csrf?.localizedCaseInsensitiveContains("HttpOnly") == true)
        }
    }

    @Test("Signing out ends the session")
    func signOut() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            #expect(try await app.testing().sendRequest(.GET, "/admin", headers: headers).status == .ok)
            let out = try await postForm(app, "/logout", fields: [:], headers: headers)
            #expect(out.status == .seeOther)
            #expect(out.location == "/")
            // the old cookie no longer opens staff pages
            let after = try await app.testing().sendRequest(.GET, "/admin", headers: headers)
            #expect(after.status == .seeOther)
            #expect(after.location?.hasPrefix("/login") == true)
        }
    }

    @Test("Only same-site paths are accepted as destinations after sign-in")
    func safeDestination() {
        #expect(AuthController.safeDestination("//evil.example") == nil)
        #expect(AuthController.safeDestination("https://evil.example") == nil)
        #expect(AuthController.safeDestination("/\\evil.example") == nil)
        #expect(AuthController.safeDestination("") == nil)
        #expect(AuthController.safeDestination("/admin/people") == "/admin/people")
    }

    @Test("Stored passwords are bcrypt hashes, never the password")
    func passwordsHashed() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let users = try await User.query(on: app.db).all()
            #expect(users.count == DemoLoader.logins.count)
            for user in users {
                let login = try #require(DemoLoader.logins.first { $0.email == user.email })
                #expect(user.passwordHash.hasPrefix("$2b$") || user.passwordHash.hasPrefix("$2a$"))
                #expect(!user.passwordHash.contains(login.password))
                #expect(try Bcrypt.verify(login.password, created: user.passwordHash))
            }
        }
    }
}
