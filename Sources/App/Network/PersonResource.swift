import Fluent
import Vapor

struct PersonResource: AdminResource {
    typealias Record = Person
    static let slug = "people"
    static let searchKind: SearchDocument.Kind? = .person
    static let auditEntity = "person"
    static let columnKeys = ["field.name_en", "field.name_zh", "field.honorific", "field.preferred_language", "field.illustrative"]

    /// The fields a person may also edit about themselves.
    static func ownFields(_ req: Request) -> [FieldSpec] {
        [
            FieldSpec(name: "name_en", labelKey: "field.person_name_en", kind: .text, required: true, maxLength: 120),
            FieldSpec(name: "name_zh", labelKey: "field.person_name_zh", kind: .text, maxLength: 120),
            FieldSpec(name: "honorific", labelKey: "field.honorific", kind: .text, maxLength: 40, hintKey: "hint.honorific"),
            .choice("preferred_language", "field.preferred_language", Language.self, labelPrefix: "language.", required: false, t: req.t),
        ]
    }

    static func fields(_ req: Request, editing record: Person?) async throws -> [FieldSpec] {
        ownFields(req) + [
            FieldSpec(
                name: "illustrative", labelKey: "field.illustrative",
                kind: .select([
                    SelectOption(value: "no", label: req.t("option.no")), SelectOption(value: "yes", label: req.t("option.yes")),
                ]),
                required: true, hintKey: "hint.illustrative")
        ]
    }

    static func values(of person: Person) -> [String: String] {
        [
            "name_en": person.nameEn, "name_zh": person.nameZh, "honorific": person.honorific,
            "preferred_language": person.preferredLanguage?.rawValue ?? "", "illustrative": person.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to person: Person) {
        person.nameEn = input.text("name_en")
        person.nameZh = input.text("name_zh")
        person.honorific = input.text("honorific")
        person.preferredLanguage = Language(rawValue: input.text("preferred_language"))
        if let flag = input["illustrative"] { person.illustrative = flag == "yes" } else if person.id == nil { person.illustrative = false }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Person> { Person.query(on: db).sort(\.$nameEn) }

    static func cells(of person: Person, _ req: Request) -> [String] {
        [
            person.nameEn, person.nameZh, person.honorific, person.preferredLanguage.map { req.t("language." + $0.rawValue) } ?? "",
            person.illustrative ? req.t("option.yes") : "",
        ]
    }

    static func label(of person: Person) -> String { person.nameEn }
}
