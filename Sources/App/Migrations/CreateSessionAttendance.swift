import Fluent

struct CreateSessionAttendance: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(SessionAttendance.schema)
            .id()
            .field("session_id", .uuid, .required, .references(MeetingSession.schema, .id, onDelete: .cascade))
            .field("participation_id", .uuid, .required, .references(Participation.schema, .id, onDelete: .cascade))
            .field("status", .string, .required)
            .unique(on: "session_id", "participation_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(SessionAttendance.schema).delete()
    }
}
