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
            #expect(member.location == "/account")
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

    @Test("Wrong passwords throttle that client for that account only: no account lock, and the same answer for unknown accounts")
    func noAccountLockout() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let maxAttempts = try app.focalConfig.loginMaxAttempts
            for attempt in 1...maxAttempts {
                let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: "wrong-\(attempt)")
                #expect(response.status == .unauthorized, "attempt \(attempt)")
                let unknown = try await Self.attemptLogin(app, email: "nobody@demo.focal.example", password: "wrong-\(attempt)")
                #expect(unknown.status == .unauthorized, "attempt \(attempt) for an unknown account")
            }
            // this client, for these addresses, must wait; the answers do not tell which one exists
            let throttled = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password)
            let throttledUnknown = try await Self.attemptLogin(app, email: "nobody@demo.focal.example", password: "x")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttledUnknown.status == .tooManyRequests)
            #expect(throttled.setCookie("focal_session") == nil)
            // the account itself is not locked: from any other client it signs in
            let user = try #require(try await User.query(on: app.db).filter(\.$email == Demo.editor.email).first())
            #expect(user.lockedUntil == nil)
            #expect(try app.loginThrottle.allows("192.0.2.7 " + Demo.editor.email))
            // and another account from this client is not affected
            let admin = try await Self.attemptLogin(app, email: Demo.admin.email, password: Demo.admin.password)
            #expect(admin.status == .seeOther)
        }
    }

    @Test("Signing in issues a new session id; the one the browser had before is worth nothing")
    func sessionRotation() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let first = try await signIn(app, as: Demo.focalPoint)
            let before = try #require(cookieValue("focal_session", in: first))
            // someone else signs in on the same browser, which still sends the first cookie
            let response = try await postForm(
                app, "/login", fields: ["email": Demo.editor.email, "password": Demo.editor.password], headers: first)
            #expect(response.status == .seeOther)
            let after = try #require(response.setCookie("focal_session"), "no new session cookie")
            #expect(after != before)
            let stale = try await app.testing().sendRequest(.GET, "/account/profile", headers: first)
            #expect(stale.status == .seeOther, "the session id from before sign-in still works: \(stale.status)")
            let admin = try await app.testing().sendRequest(
                .GET, "/admin",
                headers: cookieHeader([
                    ("focal_session", after), (CSRFMiddleware.cookieName, cookieValue(CSRFMiddleware.cookieName, in: first)),
                ]))
            #expect(admin.status == .ok)
        }
    }

    @Test("Changing one's password ends one's other sessions; this one goes on")
    func passwordChangeEndsOtherSessions() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let here = try await signIn(app, as: Demo.editor)
            let elsewhere = try await signIn(app, as: Demo.editor)
            #expect(try await app.testing().sendRequest(.GET, "/admin", headers: elsewhere).status == .ok)
            let changed = try await postForm(
                app, "/account/password",
                fields: ["current_password": Demo.editor.password, "new_password": "a-new-and-long-passw0rd"], headers: here)
            #expect(changed.status == .seeOther, "\(changed.status)")
            #expect(try await app.testing().sendRequest(.GET, "/admin", headers: here).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/admin", headers: elsewhere).status == .seeOther)
        }
    }

    @Test("A signed-in session ends eight hours after sign-in, and after two hours unused")
    func sessionsExpire() async throws {
        try await withApp(loadDemo: true) { app async throws in
            for (key, age) in [("signed_in_at", 8.5 * 3600), ("seen_at", 2.5 * 3600)] {
                let headers = try await signIn(app, as: Demo.editor)
                #expect(try await app.testing().sendRequest(.GET, "/admin", headers: headers).status == .ok)
                let id = try #require(cookieValue("focal_session", in: headers))
                let record = try #require(try await SessionRecord.query(on: app.db).filter(\.$key == SessionID(string: id)).first())
                record.data[key] = String(Date().addingTimeInterval(-age).timeIntervalSince1970)
                try await record.save(on: app.db)
                let expired = try await app.testing().sendRequest(.GET, "/admin", headers: headers)
                #expect(expired.status == .seeOther, "a session with \(key) \(age / 3600) h ago still works")
            }
        }
    }

    @Test(
        "?next= with a tab, a backslash or an encoded host never leads off the site",
        arguments: [
            "/%09/evil.example", "/\t/evil.example", "/\\evil.example", "/%5Cevil.example", "https://evil.example/", "/ /evil.example",
        ])
    func nextNeverLeaves(next: String) async throws {
        try await withApp(loadDemo: true) { app async throws in
            let decoded = next.removingPercentEncoding ?? next
            for value in [next, decoded] {
                let response = try await Self.attemptLogin(app, email: Demo.editor.email, password: Demo.editor.password, next: value)
                let location = try #require(response.location)
                let resolved = URL(string: location, relativeTo: URL(string: "https://focal.example/"))?.absoluteURL
                #expect(resolved?.host == "focal.example", "next=\(value) led to \(location)")
                #expect(!location.unicodeScalars.contains { $0.value < 0x21 || $0 == "\\" }, "next=\(value) gave \(location)")
            }
        }
    }

    @Test("Successful sign-ins from one address never trip the address throttle; failed ones from it do")
    func addressThrottle() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let limit = try app.loginThrottle.maxAttemptsPerWindow
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
