import NIOConcurrencyHelpers
import Vapor

/// Limits sign-in attempts per client address, in memory; per-account locking lives on `User`.
final class LoginThrottle: Sendable {
    private let attempts = NIOLockedValueBox<[String: [Date]]>([:])
    let maxAttemptsPerWindow: Int
    let window: TimeInterval

    init(maxAttemptsPerWindow: Int, window: TimeInterval) {
        self.maxAttemptsPerWindow = maxAttemptsPerWindow
        self.window = window
    }

    /// Records an attempt and says whether it may proceed.
    func allow(_ client: String, now: Date = Date()) -> Bool {
        attempts.withLockedValue { table in
            let recent = (table[client] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count < maxAttemptsPerWindow else {
                table[client] = recent
                return false
            }
            table[client] = recent + [now]
            if table.count > 10_000 { table = table.filter { !$0.value.isEmpty } }
            return true
        }
    }
}

extension Application {
    private struct LoginThrottleKey: StorageKey { typealias Value = LoginThrottle }

    var loginThrottle: LoginThrottle {
        get { storage[LoginThrottleKey.self]! }
        set { storage[LoginThrottleKey.self] = newValue }
    }
}
