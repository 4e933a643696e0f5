import Fluent

struct CreateMeeting: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Meeting.schema)
            .id()
            .field("slug", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("type", .string, .required)
            .field("status", .string, .required)
            .field("mode", .string, .required)
            .field("time_zone", .string, .required)
            .field("starts_at", .datetime)
            .field("ends_at", .datetime)
            .field("all_day", .bool, .required)
            .field("venue_en", .string, .required)
            .field("venue_zh", .string, .required)
            .field("video_link", .string, .required)
            .field("languages", .string, .required)
            .field("visibility", .string, .required)
            .field("summary_en", .string, .required)
            .field("summary_zh", .string, .required)
            .field("discussion_en", .string, .required)
            .field("discussion_zh", .string, .required)
            .field("sequence", .int, .required)
            .field("parent_id", .uuid, .references(Meeting.schema, .id, onDelete: .setNull))
            .field("series_id", .uuid, .references(MeetingSeries.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Meeting.schema).delete()
    }
}
