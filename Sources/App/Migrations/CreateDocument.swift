import Fluent

struct CreateDocument: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Document.schema)
            .id()
            .field("slug", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("type", .string, .required)
            .field("lifecycle", .string, .required)
            .field("adopted_on", .string)
            .field("access", .string, .required)
            .field("description_en", .string, .required)
            .field("description_zh", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Document.schema).delete()
    }
}
