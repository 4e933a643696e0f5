import Fluent

struct CreateContactPoint: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ContactPoint.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, .id, onDelete: .cascade))
            .field("kind", .string, .required)
            .field("value", .string, .required)
            .field("visibility", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ContactPoint.schema).delete()
    }
}
