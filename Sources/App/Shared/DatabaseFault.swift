import AsyncKit
import Foundation
import NIOCore
import PostgresNIO
import SQLiteNIO

/// Errors that say the database cannot take the request now — a read-only or full SQLite file, a
/// PostgreSQL server that is down, restarting, read-only or out of space — rather than that the
/// request or Focal is wrong. They are answered 503, "try again later", never 500.
enum DatabaseFault {
    static func isUnavailable(_ error: any Error) -> Bool {
        switch error {
        case let sqlite as SQLiteError:
            return sqliteUnavailable.contains(sqlite.reason)
        case let postgres as PSQLError:
            if let state = postgres.serverInfo?[.sqlState] {
                // 08: connection exception; 53: insufficient resources; 57P: operator intervention
                // (shutdown, restart); 25006: read-only transaction (a standby).
                return ["08", "53", "57P"].contains { state.hasPrefix($0) } || state == "25006"
            }
            return [.serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed].contains(
                postgres.code)
        case is ConnectionPoolError, is ChannelError, is NIOConnectionError:
            return true
        case let system as IOError:
            return [ECONNREFUSED, ECONNRESET, EPIPE, ENOSPC, EROFS].contains(system.errnoCode)
        default:
            return false
        }
    }

    private static let sqliteUnavailable: Set<SQLiteError.Reason> = [
        .readOnly, .readonlyInRecovery, .readonlyCantLock, .readonlyInRollback, .readonlyBackingMoved, .readonlyDirectory, .full,
        .ioError, .cantOpen, .busy, .busyTimeout, .busyInRecovery, .busyInSnapshot, .locked,
    ]
}
