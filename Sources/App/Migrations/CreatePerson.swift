import Fluent

struct CreatePerson: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Person.schema)
            .id()
            .field("name_en", .string, .required)
            .field("name_zh", .string, .required)
            .field("honorific", .string, .required)
            .field("preferred_language", .string)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Person.schema).delete()
    }
}
