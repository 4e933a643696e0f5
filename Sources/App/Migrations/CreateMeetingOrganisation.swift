import Fluent

struct CreateMeetingOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MeetingOrganisation.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, .id, onDelete: .restrict))
            .field("role", .string, .required)
            .field("position", .int, .required)
            .unique(on: "meeting_id", "organisation_id", "role")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MeetingOrganisation.schema).delete()
    }
}
