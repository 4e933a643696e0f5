import Fluent

struct CreateCampaign: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Campaign.schema)
            .id()
            .field("kind", .string, .required)
            .field("issue_id", .uuid, .references(NewsletterIssue.schema, .id, onDelete: .restrict))
            .field("meeting_id", .uuid, .references(Meeting.schema, .id, onDelete: .restrict))
            .field("list_id", .uuid, .references(MailingList.schema, .id, onDelete: .restrict))
            .field("subject_en", .string, .required)
            .field("subject_zh", .string, .required)
            .field("preheader_en", .string, .required)
            .field("preheader_zh", .string, .required)
            .field("sender_name", .string, .required)
            .field("sender_address", .string, .required)
            .field("status", .string, .required)
            .field("scheduled_at", .datetime)
            .field("started_at", .datetime)
            .field("finished_at", .datetime)
            .field("total", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Campaign.schema).delete()
    }
}
