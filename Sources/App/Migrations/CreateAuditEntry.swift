import Fluent

struct CreateAuditEntry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema)
            .id()
            .field("occurred_at", .datetime, .required)
            .field("actor", .string, .required)
            .field("actor_user_id", .uuid, .references(User.schema, .id, onDelete: .setNull))
            .field("action", .string, .required)
            .field("entity_type", .string, .required)
            .field("entity_id", .string, .required)
            .field("summary", .string, .required)
            .field("before", .string, .required)
            .field("after", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(AuditEntry.schema).delete()
    }
}
