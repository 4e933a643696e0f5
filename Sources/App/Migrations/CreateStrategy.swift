import Fluent

struct CreateStrategy: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Strategy.schema)
            .id()
            .field("slug", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("first_year", .int, .required)
            .field("last_year", .int, .required)
            .field("adopted_on", .string)
            .field("version", .string, .required)
            .field("document_id", .uuid, .references(Document.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Strategy.schema).delete()
    }
}
