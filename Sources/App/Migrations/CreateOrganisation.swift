import Fluent

struct CreateOrganisation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Organisation.schema)
            .id()
            .field("name_en", .string, .required)
            .field("name_zh", .string, .required)
            .field("acronym", .string, .required)
            .field("kind", .string, .required)
            .field("country_id", .uuid, .references(Country.schema, .id, onDelete: .restrict))
            .field("parent_id", .uuid, .references(Organisation.schema, .id, onDelete: .restrict))
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Organisation.schema).delete()
    }
}
