import Fluent

struct CreateMailingList: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(MailingList.schema)
            .id()
            .field("slug", .string, .required)
            .field("name_en", .string, .required)
            .field("name_zh", .string, .required)
            .field("focal_points", .bool, .required)
            .unique(on: "slug")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(MailingList.schema).delete()
    }
}
