import Fluent

struct CreateSubscriber: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Subscriber.schema)
            .id()
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("language", .string, .required)
            .field("status", .string, .required)
            .field("status_reason", .string, .required)
            .field("confirmed_at", .datetime)
            .field("person_id", .uuid, .references(Person.schema, .id, onDelete: .setNull))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "email")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Subscriber.schema).delete()
    }
}
