import Fluent

struct CreateStatement: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Statement.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("speaker_id", .uuid, .required, .references(Person.schema, .id, onDelete: .restrict))
            .field("position", .int, .required)
            .field("summary_en", .string, .required)
            .field("summary_zh", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Statement.schema).delete()
    }
}
