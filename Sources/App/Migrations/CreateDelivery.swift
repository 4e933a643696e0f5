import Fluent
import SQLKit

struct CreateDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Delivery.schema)
            .field(.id, .int, .identifier(auto: true))
            .field("campaign_id", .uuid, .required, .references(Campaign.schema, .id, onDelete: .cascade))
            .field("subscriber_id", .uuid, .references(Subscriber.schema, .id, onDelete: .setNull))
            .field("participation_id", .uuid, .references(Participation.schema, .id, onDelete: .setNull))
            .field("email", .string, .required)
            .field("name", .string, .required)
            .field("language", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime)
            .field("last_error", .string, .required)
            .field("claimed_by", .string, .required)
            .field("claimed_at", .datetime)
            .field("sent_at", .datetime)
            // One delivery per address per campaign: the ground of "exactly once".
            .unique(on: "campaign_id", "email")
            .create()
        try await (try database.sql).create(index: "ix_deliveries_campaign_status").on(Delivery.schema)
            .column("campaign_id").column("status").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Delivery.schema).delete()
    }
}
