import NIOConcurrencyHelpers
import Vapor

/// Counts the requests whose handlers are still running, so shutdown can wait for them: a handler
/// whose client went away (a timed-out upload) keeps running, and reaching the database after the
/// databases closed ends the process inside Fluent.
final class InFlightRequests: Sendable {
    private let count = NIOLockedValueBox(0)

    var current: Int { count.withLockedValue { $0 } }

    func enter() { count.withLockedValue { $0 += 1 } }

    func leave() { count.withLockedValue { $0 -= 1 } }

    /// Waits until no handler runs, or `limit` passes; returns how many were still running.
    func drain(limit: Duration) async -> Int {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: limit)
        while current > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return current
    }
}

struct InFlightRequestsMiddleware: AsyncMiddleware {
    let requests: InFlightRequests

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        requests.enter()
        defer { requests.leave() }
        return try await next.respond(to: request)
    }
}

/// Registered after the databases, so it runs before they close (shutdown goes in reverse order).
struct RequestDrain: LifecycleHandler {
    let requests: InFlightRequests
    let limit: Duration

    func shutdownAsync(_ application: Application) async {
        let left = await requests.drain(limit: limit)
        if left > 0 { application.logger.warning("Shutting down with \(left) request handler(s) still running") }
    }
}

extension Application {
    private struct InFlightRequestsKey: StorageKey { typealias Value = InFlightRequests }

    var inFlightRequests: InFlightRequests {
        if let existing = storage[InFlightRequestsKey.self] { return existing }
        let created = InFlightRequests()
        storage[InFlightRequestsKey.self] = created
        return created
    }
}
