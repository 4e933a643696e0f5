import Fluent

/// A change to a published article waits beside the public text until it is published, with an
/// optional correction note for readers.
struct AddArticlePendingChange: AsyncMigration {
    static let columns: [(String, DatabaseSchema.DataType)] = [
        ("pending_title", .string), ("pending_body_markdown", .string), ("correction_note", .string), ("corrected_at", .datetime),
    ]

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        for (name, type) in Self.columns { try await database.schema(Article.schema).field(.string(name), type).update() }
    }

    func revert(on database: any Database) async throws {
        for (name, _) in Self.columns { try await database.schema(Article.schema).deleteField(.string(name)).update() }
    }
}
