import Vapor

/// Vapor writes a session back after every response that read it, so every signed-in page cost a
/// database write; on SQLite, with one writer at a time, signed-in pages queued behind each
/// other's writes. This driver writes a session only when its data differs from what was read
/// (signing in, out, or the last-seen time, which changes once a minute).
struct UnchangedSessionsStayUnwritten: SessionDriver {
    let base: any SessionDriver

    private struct ReadKey: StorageKey { typealias Value = SessionData }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        base.createSession(data, for: request)
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        base.readSession(sessionID, for: request).map { data in
            request.storage[ReadKey.self] = data
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let read = request.storage[ReadKey.self], read == data { return request.eventLoop.makeSucceededFuture(sessionID) }
        return base.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        base.deleteSession(sessionID, for: request)
    }
}
