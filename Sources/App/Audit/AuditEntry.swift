import Fluent
import Foundation

/// Who changed what, when, with the values before and after (JSON objects of field → value).
final class AuditEntry: Model, @unchecked Sendable {
    static let schema = "audit_entries"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date

    // data fields
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "entity_type") var entityType: String
    @Field(key: "entity_id") var entityID: String
    @Field(key: "summary") var summary: String
    @Field(key: "before") var before: String
    @Field(key: "after") var after: String

    // relationships
    @OptionalParent(key: "actor_user_id") var actorUser: User?

    init() {}

    init(
        actor: User?, actorLabel: String? = nil, action: String, entityType: String, entityID: String, summary: String,
        before: [String: String], after: [String: String]
    ) {
        self.occurredAt = Date()
        self.$actorUser.id = actor?.id
        self.actor = actor?.email ?? actorLabel ?? "system"
        self.action = action
        self.entityType = entityType
        self.entityID = entityID
        self.summary = summary
        self.before = AuditEntry.encode(before)
        self.after = AuditEntry.encode(after)
    }

    static func encode(_ values: [String: String]) -> String {
        guard !values.isEmpty else { return "" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? String(decoding: encoder.encode(values), as: UTF8.self)) ?? ""
    }

    static func decode(_ text: String) -> [String: String] {
        guard let data = text.data(using: .utf8), !text.isEmpty else { return [:] }
        return (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
    }
}
