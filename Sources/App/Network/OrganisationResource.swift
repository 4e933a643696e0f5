import Fluent
import Vapor

struct OrganisationResource: AdminResource {
    typealias Record = Organisation
    static let slug = "organisations"
    static let searchKind: SearchDocument.Kind? = .organisation
    static let auditEntity = "organisation"
    static let columnKeys = ["field.name_en", "field.name_zh", "field.acronym", "field.kind", "field.country", "field.parent"]

    static func fields(_ req: Request, editing record: Organisation?) async throws -> [FieldSpec] {
        let countries = try await Country.query(on: req.db).sort(\.$nameEn).all()
        let organisations = try await Organisation.query(on: req.db).sort(\.$nameEn).all().filter { $0.id != record?.id }
        return [
            FieldSpec(name: "name_en", labelKey: "field.name_en", kind: .text, required: true, maxLength: 200),
            FieldSpec(name: "name_zh", labelKey: "field.name_zh", kind: .text, maxLength: 200),
            FieldSpec(name: "acronym", labelKey: "field.acronym", kind: .text, maxLength: 20),
            .choice("kind", "field.kind", OrganisationKind.self, labelPrefix: "organisation_kind.", t: req.t),
            FieldSpec(
                name: "country_id", labelKey: "field.country",
                kind: .select(
                    [SelectOption(value: "", label: req.t("option.none"))]
                        + countries.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) })),
            FieldSpec(
                name: "parent_id", labelKey: "field.parent",
                kind: .select(
                    [SelectOption(value: "", label: req.t("option.none"))]
                        + organisations.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) })),
        ]
    }

    static func values(of org: Organisation) -> [String: String] {
        [
            "name_en": org.nameEn, "name_zh": org.nameZh, "acronym": org.acronym, "kind": org.kind.rawValue,
            "country_id": org.$country.id?.uuidString ?? "", "parent_id": org.$parent.id?.uuidString ?? "",
        ]
    }

    static func apply(_ input: [String: String], to org: Organisation) {
        org.nameEn = input.text("name_en")
        org.nameZh = input.text("name_zh")
        org.acronym = input.text("acronym")
        org.kind = OrganisationKind(rawValue: input.text("kind")) ?? .partner
        org.$country.id = input.uuid("country_id")
        org.$parent.id = input.uuid("parent_id")
    }

    /// A parent may not be the organisation itself or one of its descendants.
    static func check(_ input: [String: String], existing: Organisation?, req: Request, errors: inout FieldErrors) async throws {
        guard let selfID = existing?.id, var next = input.uuid("parent_id") else { return }
        let parents = Dictionary(uniqueKeysWithValues: try await Organisation.query(on: req.db).all().map { ($0.savedID, $0.$parent.id) })
        var seen: Set<UUID> = []
        while true {
            if next == selfID {
                errors["parent_id"] = req.t("validation.parent_cycle")
                return
            }
            guard seen.insert(next).inserted, let up = parents[next] ?? nil else { return }
            next = up
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Organisation> {
        Organisation.query(on: db).with(\.$country).with(\.$parent).sort(\.$nameEn)
    }

    static func cells(of org: Organisation, _ req: Request) -> [String] {
        [
            org.nameEn, org.nameZh, org.acronym, req.t("organisation_kind." + org.kind.rawValue), org.country?.name(req.language) ?? "",
            org.parent?.name(req.language) ?? "",
        ]
    }

    static func label(of org: Organisation) -> String { org.nameEn }
}
