import Fluent

/// An article's standfirst and author line; on a published article a change to either waits with
/// the rest of the change.
struct AddArticleSummaryAndByline: AsyncMigration {
    static let columns = ["summary", "byline", "pending_summary", "pending_byline"]

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        for name in Self.columns { try await database.schema(Article.schema).field(.string(name), .string).update() }
    }

    func revert(on database: any Database) async throws {
        for name in Self.columns { try await database.schema(Article.schema).deleteField(.string(name)).update() }
    }
}
