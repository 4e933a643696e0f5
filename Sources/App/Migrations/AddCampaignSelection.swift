import Fluent

/// A campaign can go to chosen subscribers instead of a whole list.
struct AddCampaignSelection: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Campaign.schema).field("selection", .string, .required, .sql(.default(""))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Campaign.schema).deleteField("selection").update()
    }
}
