import Foundation
import NIOConcurrencyHelpers
import SMTPKit

/// The SMTP server's state as this process sees it. A failure that is the server's (down,
/// dropping connections, refusing our sender or our password) is no recipient's: their deliveries
/// wait, the work backs off, and the campaign is paused with the server's words when waiting
/// cannot help (a refusal) or has lasted `pauseAfter` seconds.
final class MailServerHealth: Sendable {
    enum Verdict: Equatable {
        case wait(Duration)
        case pause(String)
    }

    private struct State {
        var failingSince: Date?
        var failures = 0
    }

    private let state = NIOLockedValueBox(State())
    let pauseAfter: TimeInterval

    init(pauseAfter: TimeInterval) {
        self.pauseAfter = pauseAfter
    }

    var failingSince: Date? { state.withLockedValue { $0.failingSince } }

    func answered() {
        state.withLockedValue { state in
            if state.failingSince != nil { state = State() }
        }
    }

    func failed(_ error: any Error, now: Date = Date()) -> Verdict {
        let reason = Self.describe(error)
        if Self.isRefusal(error) { return .pause(reason) }
        let (since, failures) = state.withLockedValue { state -> (Date, Int) in
            let since = state.failingSince ?? now
            state.failingSince = since
            state.failures += 1
            return (since, state.failures)
        }
        let outage = now.timeIntervalSince(since)
        if outage >= pauseAfter {
            return .pause("the mail server has not accepted mail for \(Int(outage)) s: \(reason)")
        }
        let seconds = min(30, 1 << min(failures - 1, 5))
        return .wait(.seconds(seconds))
    }

    /// Waiting does not cure a refusal: a wrong password, a 5xx greeting or MAIL FROM.
    static func isRefusal(_ error: any Error) -> Bool {
        if let failure = error as? SMTPDeliveryFailure { return failure.isPermanentServerRefusal }
        if let error = error as? SMTPError { return SMTPDeliveryFailure(stage: .server, error: error).isPermanentServerRefusal }
        return false
    }

    static func describe(_ error: any Error) -> String {
        if let failure = error as? SMTPDeliveryFailure { return failure.description }
        if let error = error as? SMTPError { return error.description }
        return String(describing: error)
    }
}
