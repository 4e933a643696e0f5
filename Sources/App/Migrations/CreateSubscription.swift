import Fluent

struct CreateSubscription: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(Subscription.schema)
            .id()
            .field("subscriber_id", .uuid, .required, .references(Subscriber.schema, .id, onDelete: .cascade))
            .field("list_id", .uuid, .required, .references(MailingList.schema, .id, onDelete: .cascade))
            .unique(on: "subscriber_id", "list_id")
            .create()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(Subscription.schema).delete()
    }
}
