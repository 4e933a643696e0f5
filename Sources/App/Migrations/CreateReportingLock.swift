import Fluent

struct CreateReportingLock: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(ReportingLock.schema)
            .id()
            .field("activity_id", .uuid, .required, .references(Activity.schema, .id, onDelete: .cascade))
            .field("year", .int, .required)
            .field("locked_by", .string, .required)
            .field("created_at", .datetime)
            .unique(on: "activity_id", "year")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(ReportingLock.schema).delete()
    }
}
