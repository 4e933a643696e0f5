import Fluent
import Vapor

final class User: Model, @unchecked Sendable {
    static let schema = "users"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "role") var role: Role
    @Field(key: "password_hash") var passwordHash: String
    @Field(key: "failed_login_count") var failedLoginCount: Int
    @OptionalField(key: "locked_until") var lockedUntil: Date?
    @OptionalField(key: "last_login_at") var lastLoginAt: Date?

    // relationships
    @OptionalParent(key: "person_id") var person: Person?

    init() {}

    init(email: String, name: String, role: Role, passwordHash: String, personID: UUID? = nil) {
        self.email = User.normalise(email)
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.failedLoginCount = 0
        self.$person.id = personID
    }

    static func normalise(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

extension User: ModelSessionAuthenticatable {}
