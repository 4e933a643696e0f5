import Fluent

struct CreateNewsletter: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Newsletter.schema)
            .id()
            .field("slug", .string, .required)
            .field("name_en", .string, .required)
            .field("name_zh", .string, .required)
            .field("masthead_en", .string, .required)
            .field("masthead_zh", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Newsletter.schema).delete()
    }
}
