import Fluent
import SQLKit
import Vapor

extension Database {
    /// The same database for SQL of its own. Both engines Focal runs on are SQL databases; any
    /// other is a configuration error answered as such, never a crash.
    var sql: any SQLDatabase {
        get throws {
            guard let sql = self as? any SQLDatabase else {
                throw Abort(.internalServerError, reason: "The database does not accept SQL")
            }
            return sql
        }
    }
}
