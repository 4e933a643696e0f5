import Fluent

struct CreateDocumentFile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(DocumentFile.schema)
            .id()
            .field("version_id", .uuid, .required, .references(DocumentVersion.schema, .id, onDelete: .cascade))
            .field("language", .string, .required)
            .field("filename", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("sha256", .string, .required)
            .field("storage_key", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "version_id", "language")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DocumentFile.schema).delete()
    }
}
