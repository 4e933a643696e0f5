import Fluent

/// A campaign paused by the mail engine says why (the server's words).
struct UpdateCampaignAddPauseReason: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Campaign.schema).field("pause_reason", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Campaign.schema).deleteField("pause_reason").update()
    }
}
