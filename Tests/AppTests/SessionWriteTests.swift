import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Sessions are written back only when they changed")
struct SessionWriteTests {
    /// A session store that counts the writes reaching it.
    final class CountingDriver: SessionDriver, Sendable {
        let stored = NIOLockedValueBox<[String: SessionData]>([:])
        let writes = NIOLockedValueBox(0)

        func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
            let id = SessionID(string: UUID().uuidString)
            stored.withLockedValue { $0[id.string] = data }
            writes.withLockedValue { $0 += 1 }
            return request.eventLoop.makeSucceededFuture(id)
        }

        func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
            request.eventLoop.makeSucceededFuture(stored.withLockedValue { $0[sessionID.string] })
        }

        func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
            stored.withLockedValue { $0[sessionID.string] = data }
            writes.withLockedValue { $0 += 1 }
            return request.eventLoop.makeSucceededFuture(sessionID)
        }

        func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
            stored.withLockedValue { $0[sessionID.string] = nil }
            return request.eventLoop.makeSucceededFuture(())
        }
    }

    @Test("A request that leaves its session as read writes nothing; one that changes it writes it")
    func writesOnlyChanges() async throws {
        try await withApp { app async throws in
            let counting = CountingDriver()
            let driver = UnchangedSessionsStayUnwritten(base: counting)
            func request() -> Request { Request(application: app, on: app.eventLoopGroup.next()) }

            let id = try await driver.createSession(["user": "a"], for: request()).get()
            #expect(counting.writes.withLockedValue { $0 } == 1)

            let reader = request()
            let read = try #require(try await driver.readSession(id, for: reader).get())
            _ = try await driver.updateSession(id, to: read, for: reader).get()
            #expect(counting.writes.withLockedValue { $0 } == 1, "an unchanged session was written")

            let changer = request()
            var changed = try #require(try await driver.readSession(id, for: changer).get())
            changed["seen_at"] = "1"
            _ = try await driver.updateSession(id, to: changed, for: changer).get()
            #expect(counting.writes.withLockedValue { $0 } == 2)
            #expect(try await driver.readSession(id, for: request()).get()?["seen_at"] == "1")

            // A request that never read the session (none was found) still writes what it has.
            _ = try await driver.updateSession(id, to: ["user": "b"], for: request()).get()
            #expect(counting.writes.withLockedValue { $0 } == 3)
        }
    }
}
