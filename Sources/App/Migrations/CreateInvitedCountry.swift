import Fluent

struct CreateInvitedCountry: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(InvitedCountry.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("country_id", .uuid, .required, .references(Country.schema, .id, onDelete: .restrict))
            .field("created_at", .datetime)
            .unique(on: "meeting_id", "country_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(InvitedCountry.schema).delete()
    }
}
