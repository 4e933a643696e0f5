import Fluent

struct CreateAgendaItem: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AgendaItem.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("position", .int, .required)
            .field("starts_at", .string, .required)
            .field("ends_at", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("illustrative", .bool, .required)
            .field("presenter_id", .uuid, .references(Person.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AgendaItem.schema).delete()
    }
}
