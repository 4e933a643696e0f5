import NIOCore

/// Open connections to one server, handed out one at a time and kept for the next message; a
/// connection that failed is closed instead of returned.
public actor SMTPPool {
    public let configuration: SMTPConfiguration
    public let maximumConnections: Int
    private let group: any EventLoopGroup
    private var idle: [SMTPConnection] = []
    private var open = 0
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init(configuration: SMTPConfiguration, maximumConnections: Int, group: any EventLoopGroup) {
        self.configuration = configuration
        self.maximumConnections = max(1, maximumConnections)
        self.group = group
    }

    public func withConnection<T: Sendable>(_ body: @Sendable (SMTPConnection) async throws -> T) async throws -> T {
        let connection = try await acquire()
        do {
            let result = try await body(connection)
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    private func acquire() async throws -> SMTPConnection {
        while true {
            while let connection = idle.popLast() {
                if connection.isUsable { return connection }
                open -= 1
            }
            if open < maximumConnections {
                open += 1
                do {
                    return try await SMTPConnection.connect(configuration, on: group)
                } catch {
                    open -= 1
                    wakeOne()
                    throw error
                }
            }
            await withCheckedContinuation { waiters.append($0) }
        }
    }

    private func release(_ connection: SMTPConnection) {
        if connection.isUsable {
            idle.append(connection)
        } else {
            open -= 1
            Task { await connection.close() }
        }
        wakeOne()
    }

    private func wakeOne() {
        if !waiters.isEmpty { waiters.removeFirst().resume() }
    }

    public func shutdown() async {
        let connections = idle
        idle = []
        open -= connections.count
        for connection in connections { await connection.close() }
    }
}
