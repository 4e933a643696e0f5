import Fluent

struct CreateCentreProfile: AsyncMigration {
    func prepare(on database: any Database) async throws {
        var builder = database.schema(CentreProfile.schema).id()
        for column in [
            "name_en", "name_zh", "affiliation_en", "affiliation_zh", "address_en", "address_zh", "postal_code", "telephone", "fax",
            "email", "website", "wechat", "mission_en", "mission_zh",
        ] {
            builder = builder.field(.string(column), .string, .required)
        }
        try await builder.field("updated_at", .datetime).create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(CentreProfile.schema).delete()
    }
}
