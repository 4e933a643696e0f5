import Fluent
import Vapor

struct ContactPointResource: AdminResource {
    typealias Record = ContactPoint
    static let slug = "contact-points"
    static let auditEntity = "contact_point"
    static let columnKeys = ["field.person", "field.contact_kind", "field.value", "field.visibility"]

    static func ownFields(_ req: Request) -> [FieldSpec] {
        [
            .choice("kind", "field.contact_kind", ContactKind.self, labelPrefix: "contact_kind.", t: req.t),
            FieldSpec(name: "value", labelKey: "field.value", kind: .text, required: true, maxLength: 200),
            .choice("visibility", "field.visibility", Visibility.self, labelPrefix: "visibility.", t: req.t),
        ]
    }

    static func fields(_ req: Request, editing record: ContactPoint?) async throws -> [FieldSpec] {
        [FieldSpec(name: "person_id", labelKey: "field.person", kind: .select(try await RegistryOptions.people(req)), required: true)]
            + ownFields(req)
    }

    static func values(of point: ContactPoint) -> [String: String] {
        [
            "person_id": point.$person.id.uuidString, "kind": point.kind.rawValue, "value": point.value,
            "visibility": point.visibility.rawValue,
        ]
    }

    static func apply(_ input: [String: String], to point: ContactPoint) {
        if let person = input.uuid("person_id") { point.$person.id = person }
        point.kind = ContactKind(rawValue: input.text("kind")) ?? .email
        point.value = input.text("value")
        point.visibility = Visibility(rawValue: input.text("visibility")) ?? .secretariat
    }

    static func check(_ input: [String: String], existing: ContactPoint?, req: Request, errors: inout FieldErrors) async throws {
        checkValue(input, req: req, errors: &errors)
    }

    /// The value must fit its kind: an address for email, digits for telephone and fax, a link for a website.
    static func checkValue(_ input: [String: String], req: Request, errors: inout FieldErrors) {
        guard errors["value"] == nil, errors["kind"] == nil else { return }
        let value = input.text("value")
        switch ContactKind(rawValue: input.text("kind")) {
        case .email where !FormValidator.isEmail(value): errors["value"] = req.t("validation.email")
        case .website where !FormValidator.isWebURL(value): errors["value"] = req.t("validation.url")
        case .phone, .fax:
            if !FormValidator.isPhone(value) { errors["value"] = req.t("validation.phone") }
        default: break
        }
    }

    /// Focal points are subscribers through their person record (issue: "unless they opt out").
    static func afterSave(_ record: Record, input: [String: String], req: Request, on db: any Database) async throws {
        try await FocalPointSubscribers.syncAll(on: db)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<ContactPoint> {
        ContactPoint.query(on: db).join(Person.self, on: \ContactPoint.$person.$id == \Person.$id).sort(Person.self, \.$nameEn)
            .with(\.$person)
    }

    static func cells(of point: ContactPoint, _ req: Request) -> [String] {
        [
            point.person.name(req.language), req.t("contact_kind." + point.kind.rawValue), point.value,
            req.t("visibility." + point.visibility.rawValue),
        ]
    }

    static func label(of point: ContactPoint) -> String { point.kind.rawValue + " " + point.value }
}
