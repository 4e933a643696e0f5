import Fluent

struct CreateArticleLink: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ArticleLink.schema)
            .id()
            .field("article_id", .uuid, .required, .references(Article.schema, .id, onDelete: .cascade))
            .field("target", .string, .required)
            .field("target_id", .uuid, .required)
            .unique(on: "article_id", "target", "target_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ArticleLink.schema).delete()
    }
}
