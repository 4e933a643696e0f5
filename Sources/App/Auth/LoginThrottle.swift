import NIOConcurrencyHelpers
import Vapor

/// Limits failed sign-in attempts per client address, in memory; per-account locking lives on `User`.
final class LoginThrottle: Sendable {
    private let attempts = NIOLockedValueBox<[String: [Date]]>([:])
    let maxAttemptsPerWindow: Int
    let window: TimeInterval

    init(maxAttemptsPerWindow: Int, window: TimeInterval) {
        self.maxAttemptsPerWindow = maxAttemptsPerWindow
        self.window = window
    }

    /// Whether the client may try to sign in: fewer than the limit of failed attempts in the window.
    /// Successful sign-ins do not count, so a busy office behind one address is never shut out.
    func allows(_ client: String, now: Date = Date()) -> Bool {
        attempts.withLockedValue { table in
            let recent = (table[client] ?? []).filter { now.timeIntervalSince($0) < window }
            table[client] = recent.isEmpty ? nil : recent
            return recent.count < maxAttemptsPerWindow
        }
    }

    /// Records a failed attempt (wrong password or unknown account) from the client.
    func recordFailure(_ client: String, now: Date = Date()) {
        attempts.withLockedValue { table in
            table[client, default: []].append(now)
            if table.count > 10_000 { table = table.filter { $0.value.contains { now.timeIntervalSince($0) < window } } }
        }
    }
}

extension Application {
    struct LoginThrottleKey: StorageKey { typealias Value = LoginThrottle }

    var loginThrottle: LoginThrottle {
        get throws { try storage.service(LoginThrottleKey.self) }
    }

    struct SubscribeThrottleKey: StorageKey { typealias Value = LoginThrottle }

    struct ConfirmationThrottleKey: StorageKey { typealias Value = LoginThrottle }

    /// Subscription requests per client address.
    var subscribeThrottle: LoginThrottle {
        if let existing = storage[SubscribeThrottleKey.self] { return existing }
        let created = LoginThrottle(maxAttemptsPerWindow: 20, window: 600)
        storage[SubscribeThrottleKey.self] = created
        return created
    }

    /// One confirmation mail per e-mail address in ten minutes: the form cannot flood a mailbox.
    var confirmationThrottle: LoginThrottle {
        if let existing = storage[ConfirmationThrottleKey.self] { return existing }
        let created = LoginThrottle(maxAttemptsPerWindow: 1, window: 600)
        storage[ConfirmationThrottleKey.self] = created
        return created
    }
}
