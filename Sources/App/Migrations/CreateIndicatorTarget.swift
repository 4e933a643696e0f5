import Fluent

struct CreateIndicatorTarget: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IndicatorTarget.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(Indicator.schema, .id, onDelete: .cascade))
            .field("year", .int, .required)
            .field("value", .double)
            .field("text", .string, .required)
            .unique(on: "indicator_id", "year")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IndicatorTarget.schema).delete()
    }
}
