import Fluent

struct CreateDocumentVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DocumentVersion.schema)
            .id()
            .field("document_id", .uuid, .required, .references(Document.schema, .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("change_note", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "document_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DocumentVersion.schema).delete()
    }
}
