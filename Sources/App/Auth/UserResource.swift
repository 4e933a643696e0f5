import Fluent
import Vapor

/// Accounts, managed by administrators.
struct UserResource: AdminResource {
    typealias Record = User
    static let slug = "users"
    static let auditEntity = "user"
    static let requiredRole = Role.admin
    static let columnKeys = ["field.email", "field.name", "field.role", "field.person", "field.last_login"]

    static func fields(_ req: Request, editing record: User?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "email", labelKey: "field.email", kind: .email, required: true, maxLength: 254),
            FieldSpec(name: "name", labelKey: "field.name", kind: .text, required: true, maxLength: 120),
            FieldSpec(
                name: "role", labelKey: "field.role",
                kind: .select(Role.accountRoles.map { SelectOption(value: $0.rawValue, label: req.t("role." + $0.rawValue)) }),
                required: true),
            FieldSpec(
                name: "person_id", labelKey: "field.linked_person",
                kind: .select([SelectOption(value: "", label: req.t("option.none"))] + (try await RegistryOptions.people(req))),
                hintKey: "hint.linked_person"),
            FieldSpec(
                name: "password", labelKey: record == nil ? "field.password" : "field.new_password", kind: .password,
                required: record == nil, maxLength: 200, hintKey: "hint.password"),
        ]
    }

    static func values(of user: User) -> [String: String] {
        ["email": user.email, "name": user.name, "role": user.role.rawValue, "person_id": user.$person.id?.uuidString ?? ""]
    }

    static func apply(_ input: [String: String], to user: User) {
        user.email = User.normalise(input.text("email"))
        user.name = input.text("name")
        user.role = Role(rawValue: input.text("role")) ?? .focalPoint
        user.$person.id = input.uuid("person_id")
        if user.id == nil { user.failedLoginCount = 0 }
    }

    static func check(_ input: [String: String], existing: User?, req: Request, errors: inout FieldErrors) async throws {
        let email = User.normalise(input.text("email"))
        if errors["email"] == nil, let other = try await User.query(on: req.db).filter(\.$email == email).first(), other.id != existing?.id
        {
            errors["email"] = req.t("validation.email_taken")
        }
        if input["role"] == Role.focalPoint.rawValue, input.uuid("person_id") == nil {
            errors["person_id"] = req.t("validation.focal_point_needs_person")
        }
        if let existing, existing.id == req.currentUser?.id, input["role"] != Role.admin.rawValue {
            errors["role"] = req.t("validation.cannot_demote_self")
        }
    }

    static func beforeSave(_ user: User, input: [String: String], req: Request) async throws {
        let password = input.text("password")
        if !password.isEmpty {
            user.passwordHash = try await req.password.async.hash(password)
            user.failedLoginCount = 0
            user.lockedUntil = nil
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["email": req.t("validation.email_taken")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<User> { User.query(on: db).with(\.$person).sort(\.$email) }

    static func cells(of user: User, _ req: Request) -> [String] {
        [
            user.email, user.name, req.t("role." + user.role.rawValue), user.person?.name(req.language) ?? "",
            user.lastLoginAt.map { LocalizedDate.format($0, req.language) } ?? "",
        ]
    }

    static func label(of user: User) -> String { user.email }
}
