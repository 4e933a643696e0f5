import Fluent

struct CreateIndicator: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Indicator.schema)
            .id()
            .field("activity_id", .uuid, .references(Activity.schema, .id, onDelete: .cascade))
            .field("priority_area_id", .uuid, .references(PriorityArea.schema, .id, onDelete: .cascade))
            .field("code", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("measure", .string, .required)
            .field("unit_label", .string, .required)
            .field("direction", .string, .required)
            .field("baseline_value", .double)
            .field("baseline_text", .string, .required)
            .field("baseline_year", .int)
            .field("illustrative", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Indicator.schema).delete()
    }
}
