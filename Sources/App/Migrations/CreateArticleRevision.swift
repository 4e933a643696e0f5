import Fluent

struct CreateArticleRevision: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ArticleRevision.schema)
            .id()
            .field("article_id", .uuid, .required, .references(Article.schema, .id, onDelete: .cascade))
            .field("number", .int, .required)
            .field("title", .string, .required)
            .field("body_markdown", .string, .required)
            .field("editor", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "article_id", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ArticleRevision.schema).delete()
    }
}
