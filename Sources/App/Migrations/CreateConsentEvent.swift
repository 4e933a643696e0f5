import Fluent

struct CreateConsentEvent: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ConsentEvent.schema)
            .id()
            .field("subscriber_id", .uuid, .required, .references(Subscriber.schema, .id, onDelete: .cascade))
            .field("occurred_at", .datetime, .required)
            .field("action", .string, .required)
            .field("text_version", .string, .required)
            .field("language", .string, .required)
            .field("source", .string, .required)
            .field("ip_hash", .string, .required)
            .field("detail", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ConsentEvent.schema).delete()
    }
}
