import Fluent
import Vapor

struct PositionResource: AdminResource {
    typealias Record = Position
    static let slug = "positions"
    static let auditEntity = "position"
    static let canEnd = true
    static let columnKeys = ["field.person", "field.title_en", "field.organisation", "field.start_date", "field.end_date"]

    static func fields(_ req: Request, editing record: Position?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "person_id", labelKey: "field.person", kind: .select(try await RegistryOptions.people(req)), required: true),
            FieldSpec(
                name: "organisation_id", labelKey: "field.organisation", kind: .select(try await RegistryOptions.organisations(req)),
                required: true),
            FieldSpec(
                name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 120, hintKey: "hint.position_title"),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 120),
            FieldSpec(name: "start_date", labelKey: "field.start_date", kind: .date),
            FieldSpec(name: "end_date", labelKey: "field.end_date", kind: .date),
        ]
    }

    static func values(of position: Position) -> [String: String] {
        [
            "person_id": position.$person.id.uuidString, "organisation_id": position.$organisation.id.uuidString,
            "title_en": position.titleEn,
            "title_zh": position.titleZh, "start_date": position.startDate ?? "", "end_date": position.endDate ?? "",
        ]
    }

    static func apply(_ input: [String: String], to position: Position) {
        if let person = input.uuid("person_id") { position.$person.id = person }
        if let org = input.uuid("organisation_id") { position.$organisation.id = org }
        position.titleEn = input.text("title_en")
        position.titleZh = input.text("title_zh")
        position.startDate = input["start_date"].nonEmpty
        position.endDate = input["end_date"].nonEmpty
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Position> {
        Position.query(on: db).join(Person.self, on: \Position.$person.$id == \Person.$id).sort(Person.self, \.$nameEn)
            .with(\.$person).with(\.$organisation)
    }

    static func cells(of position: Position, _ req: Request) -> [String] {
        [
            position.person.name(req.language), position.title(req.language), position.organisation.name(req.language),
            LocalizedDate.format(position.startDate, req.language) ?? "", LocalizedDate.format(position.endDate, req.language) ?? "",
        ]
    }

    static func label(of position: Position) -> String { position.titleEn }
    static func isEnded(_ position: Position) -> Bool { !position.isCurrent }

    static func end(_ position: Position, on date: String) {
        position.endDate = date
        if let start = position.startDate, start > date { position.startDate = date }
    }
}
