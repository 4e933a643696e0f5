import Fluent

struct CreateArticle: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Article.schema)
            .id()
            .field("edition_id", .uuid, .references(Edition.schema, .id, onDelete: .setNull))
            .field("translation_of_id", .uuid, .references(Article.schema, .id, onDelete: .setNull))
            .field("version", .int, .required)
            .field("slug", .string, .required)
            .field("language", .string, .required)
            .field("title", .string, .required)
            .field("body_markdown", .string, .required)
            .field("body_html", .string, .required)
            .field("position", .int, .required)
            .field("lead_image_key", .string)
            .field("lead_image_type", .string, .required)
            .field("lead_image_alt", .string, .required)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Article.schema).delete()
    }
}
