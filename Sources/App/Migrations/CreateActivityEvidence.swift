import Fluent

struct CreateActivityEvidence: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ActivityEvidence.schema)
            .id()
            .field("activity_id", .uuid, .required, .references(Activity.schema, .id, onDelete: .cascade))
            .field("target", .string, .required)
            .field("target_id", .uuid, .required)
            .field("note_en", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "activity_id", "target", "target_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ActivityEvidence.schema).delete()
    }
}
