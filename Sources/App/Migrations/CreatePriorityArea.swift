import Fluent

struct CreatePriorityArea: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(PriorityArea.schema)
            .id()
            .field("strategy_id", .uuid, .required, .references(Strategy.schema, .id, onDelete: .cascade))
            .field("code", .string, .required)
            .field("title_en", .string, .required)
            .field("title_zh", .string, .required)
            .field("position", .int, .required)
            .field("description_en", .string, .required)
            .field("description_zh", .string, .required)
            .field("illustrative", .bool, .required)
            .field("updated_at", .datetime)
            .unique(on: "strategy_id", "code")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(PriorityArea.schema).delete()
    }
}
