import Fluent

struct CreateMeetingSession: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MeetingSession.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("day", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeetingSession.schema).delete()
    }
}
