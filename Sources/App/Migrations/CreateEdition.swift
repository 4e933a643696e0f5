import Fluent

struct CreateEdition: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Edition.schema)
            .id()
            .field("issue_id", .uuid, .required, .references(NewsletterIssue.schema, .id, onDelete: .cascade))
            .field("language", .string, .required)
            .field("status", .string, .required)
            .field("updated_at", .datetime)
            .unique(on: "issue_id", "language")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Edition.schema).delete()
    }
}
