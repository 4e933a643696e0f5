import Fluent

struct CreateDocumentLink: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DocumentLink.schema)
            .id()
            .field("document_id", .uuid, .required, .references(Document.schema, .id, onDelete: .cascade))
            .field("target", .string, .required)
            .field("target_id", .uuid, .required)
            .unique(on: "document_id", "target", "target_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DocumentLink.schema).delete()
    }
}
