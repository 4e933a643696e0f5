import Crypto
import Foundation
import Vapor

/// A signed-in session lasts eight hours at most and two hours unused, and ends when the account's
/// password changes (in any session, or by an administrator): its data says when it began, when it
/// was last used and which password it was opened with.
struct SessionFreshnessMiddleware: AsyncMiddleware {
    static let absoluteLimit: TimeInterval = 8 * 3600
    static let idleLimit: TimeInterval = 2 * 3600

    private enum Key {
        static let signedInAt = "signed_in_at"
        static let seenAt = "seen_at"
        static let credential = "credential"
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let user = request.auth.get(User.self) {
            let now = Date()
            let data = request.session.data
            let signedInAt = data[Key.signedInAt].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            let seenAt = data[Key.seenAt].flatMap(Double.init).map(Date.init(timeIntervalSince1970:))
            let fresh =
                signedInAt.map { now.timeIntervalSince($0) < Self.absoluteLimit } == true
                && seenAt.map { now.timeIntervalSince($0) < Self.idleLimit } == true
                && data[Key.credential] == Self.fingerprint(of: user)
            if !fresh {
                request.auth.logout(User.self)
                request.session.data = SessionData()
            } else if let seenAt, now.timeIntervalSince(seenAt) > 60 {
                request.session.data[Key.seenAt] = String(now.timeIntervalSince1970)
            }
        }
        return try await next.respond(to: request)
    }

    /// Signs the user in on a new session: the id the browser had before is dropped (and deleted
    /// on the server), so a session id known before sign-in is worth nothing after it.
    static func begin(_ request: Request, as user: User) async {
        if let old = request.session.id {
            try? await request.application.sessions.driver.deleteSession(old, for: request).get()
        }
        request.session.id = nil
        request.session.data = SessionData()
        let now = String(Date().timeIntervalSince1970)
        request.session.data[Key.signedInAt] = now
        request.session.data[Key.seenAt] = now
        request.session.data[Key.credential] = fingerprint(of: user)
        request.auth.login(user)
        request.session.authenticate(user)
    }

    /// After the user changed their own password: this session goes on, every other one ends.
    static func passwordChanged(_ request: Request, user: User) {
        request.session.data[Key.credential] = fingerprint(of: user)
    }

    static func fingerprint(of user: User) -> String {
        SHA256.hash(data: Data(user.passwordHash.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined()
    }
}
