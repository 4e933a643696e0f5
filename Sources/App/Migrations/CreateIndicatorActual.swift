import Fluent

struct CreateIndicatorActual: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(IndicatorActual.schema)
            .id()
            .field("indicator_id", .uuid, .required, .references(Indicator.schema, .id, onDelete: .cascade))
            .field("country_id", .uuid, .references(Country.schema, .id, onDelete: .restrict))
            .field("report_id", .uuid, .references(ProgressReport.schema, .id, onDelete: .cascade))
            .field("year", .int, .required)
            .field("value", .double)
            .field("text", .string, .required)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(IndicatorActual.schema).delete()
    }
}
