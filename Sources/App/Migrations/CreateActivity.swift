import Fluent

struct CreateActivity: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Activity.schema)
            .id()
            .field("priority_area_id", .uuid, .required, .references(PriorityArea.schema, .id, onDelete: .restrict))
            .field("lead_organisation_id", .uuid, .references(Organisation.schema, .id, onDelete: .setNull))
            .field("parent_id", .uuid, .references(Activity.schema, .id, onDelete: .setNull))
            .field("code", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("description_en", .string, .required)
            .field("description_zh", .string, .required)
            .field("status", .string, .required)
            .field("planned_start", .string)
            .field("planned_end", .string)
            .field("actual_start", .string)
            .field("actual_end", .string)
            .field("goals", .string, .required)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Activity.schema).delete()
    }
}
