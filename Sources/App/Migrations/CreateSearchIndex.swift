import Fluent
import SQLKit

/// The search index's tables for the engine of the database, filled from the records already there.
struct CreateSearchIndex: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await SearchEngine.createTables(on: database)
        _ = try await SearchRebuild.run(on: database)
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql
        if sql.dialect.name != "postgresql" { try await sql.raw("DROP TABLE IF EXISTS search_fts").run() }
        try await sql.raw("DROP TABLE IF EXISTS search_entries").run()
    }
}
