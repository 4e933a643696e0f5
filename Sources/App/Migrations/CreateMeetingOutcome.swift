import Fluent

struct CreateMeetingOutcome: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MeetingOutcome.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("position", .int, .required)
            .field("text_en", .string, .required)
            .field("text_zh", .string, .required)
            .field("due_date", .string)
            .field("status", .string, .required)
            .field("owner_country_id", .uuid, .references(Country.schema, .id, onDelete: .setNull))
            .field("owner_organisation_id", .uuid, .references(Organisation.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeetingOutcome.schema).delete()
    }
}
