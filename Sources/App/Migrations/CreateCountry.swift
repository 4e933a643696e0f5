import Fluent

struct CreateCountry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Country.schema)
            .id()
            .field("code", .string, .required)
            .field("name_en", .string, .required)
            .field("name_zh", .string, .required)
            .field("group", .string, .required)
            .field("membership_since", .string)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Country.schema).delete()
    }
}
