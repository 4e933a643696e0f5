import Fluent

struct CreateProgressReport: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ProgressReport.schema)
            .id()
            .field("activity_id", .uuid, .required, .references(Activity.schema, .id, onDelete: .cascade))
            .field("country_id", .uuid, .references(Country.schema, .id, onDelete: .restrict))
            .field("year", .int, .required)
            .field("narrative_en", .string, .required)
            .field("narrative_zh", .string, .required)
            .field("status", .string, .required)
            .field("author", .string, .required)
            .field("validated_by", .string, .required)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ProgressReport.schema).delete()
    }
}
