import Fluent

struct CreateActivityParticipant: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ActivityParticipant.schema)
            .id()
            .field("activity_id", .uuid, .required, .references(Activity.schema, .id, onDelete: .cascade))
            .field("country_id", .uuid, .references(Country.schema, .id, onDelete: .restrict))
            .field("organisation_id", .uuid, .references(Organisation.schema, .id, onDelete: .restrict))
            .field("role", .string, .required)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ActivityParticipant.schema).delete()
    }
}
