import Fluent

/// The text read from each document file for search, and why it could not be read.
struct AddDocumentFileText: AsyncMigration {
    static let columns = ["text_status", "extracted_text", "text_error"]

    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        for name in Self.columns { try await database.schema(DocumentFile.schema).field(.string(name), .string).update() }
    }

    func revert(on database: any Database) async throws {
        for name in Self.columns { try await database.schema(DocumentFile.schema).deleteField(.string(name)).update() }
    }
}
