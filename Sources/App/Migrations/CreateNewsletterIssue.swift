import Fluent

struct CreateNewsletterIssue: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NewsletterIssue.schema)
            .id()
            .field("newsletter_id", .uuid, .required, .references(Newsletter.schema, .id, onDelete: .cascade))
            .field("year", .int, .required)
            .field("number", .int, .required)
            .field("publication_date", .string, .required)
            .field("status", .string, .required)
            .field("scheduled_at", .datetime)
            .field("published_at", .datetime)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // "Issue 7, 2021" exists once per newsletter.
            .unique(on: "newsletter_id", "year", "number")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NewsletterIssue.schema).delete()
    }
}
