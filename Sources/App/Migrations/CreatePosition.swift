import Fluent

struct CreatePosition: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Position.schema)
            .id()
            .field("person_id", .uuid, .required, .references(Person.schema, .id, onDelete: .restrict))
            .field("organisation_id", .uuid, .required, .references(Organisation.schema, .id, onDelete: .restrict))
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("start_date", .string)
            .field("end_date", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Position.schema).delete()
    }
}
