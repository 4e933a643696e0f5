import Fluent

struct CreateParticipation: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Participation.schema)
            .id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, .id, onDelete: .cascade))
            .field("person_id", .uuid, .required, .references(Person.schema, .id, onDelete: .restrict))
            .field("country_id", .uuid, .references(Country.schema, .id, onDelete: .restrict))
            .field("organisation_id", .uuid, .references(Organisation.schema, .id, onDelete: .restrict))
            .field("registered_by_id", .uuid, .references(Participation.schema, .id, onDelete: .setNull))
            .field("roles", .string, .required)
            .field("registration", .string, .required)
            .field("attendance", .string)
            .field("public_list_consent", .bool, .required)
            .field("responded_at", .datetime)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            // A person takes part in a meeting once; a second registration is an error, not a copy.
            .unique(on: "meeting_id", "person_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Participation.schema).delete()
    }
}
