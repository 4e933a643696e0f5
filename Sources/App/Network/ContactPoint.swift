import Fluent
import Foundation

final class ContactPoint: Model, @unchecked Sendable {
    static let schema = "contact_points"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "kind") var kind: ContactKind
    @Field(key: "value") var value: String
    @Field(key: "visibility") var visibility: Visibility

    // relationships
    @Parent(key: "person_id") var person: Person

    init() {}

    init(personID: UUID, kind: ContactKind, value: String, visibility: Visibility) {
        self.$person.id = personID
        self.kind = kind
        self.value = value
        self.visibility = visibility
    }
}
