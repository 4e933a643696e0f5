import Fluent
import Vapor

struct CountryResource: AdminResource {
    typealias Record = Country
    static let slug = "countries"
    static let auditEntity = "country"
    static let columnKeys = ["field.code", "field.name_en", "field.name_zh", "field.group", "field.membership_since"]

    static func fields(_ req: Request, editing record: Country?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "code", labelKey: "field.code", kind: .text, required: true, maxLength: 2, hintKey: "hint.iso_code"),
            FieldSpec(name: "name_en", labelKey: "field.name_en", kind: .text, required: true, maxLength: 120),
            FieldSpec(name: "name_zh", labelKey: "field.name_zh", kind: .text, maxLength: 120),
            .choice("group", "field.group", CountryGroup.self, labelPrefix: "country_group.", t: req.t),
            FieldSpec(name: "membership_since", labelKey: "field.membership_since", kind: .date),
        ]
    }

    static func values(of country: Country) -> [String: String] {
        [
            "code": country.code, "name_en": country.nameEn, "name_zh": country.nameZh, "group": country.group.rawValue,
            "membership_since": country.membershipSince ?? "",
        ]
    }

    static func apply(_ input: [String: String], to country: Country) {
        country.code = input.text("code").uppercased()
        country.nameEn = input.text("name_en")
        country.nameZh = input.text("name_zh")
        country.group = CountryGroup(rawValue: input.text("group")) ?? .other
        country.membershipSince = input["membership_since"].nonEmpty
    }

    static func check(_ input: [String: String], existing: Country?, req: Request, errors: inout FieldErrors) async throws {
        let code = input.text("code").uppercased()
        guard errors["code"] == nil else { return }
        guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }), ISO3166.codes.contains(code) else {
            errors["code"] = req.t("validation.iso_code")
            return
        }
        if let other = try await Country.query(on: req.db).filter(\.$code == code).first(), other.id != existing?.id {
            errors["code"] = req.t("validation.code_taken")
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["code": req.t("validation.code_taken")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Country> { Country.query(on: db).sort(\.$code) }

    static func cells(of country: Country, _ req: Request) -> [String] {
        [
            country.code, country.nameEn, country.nameZh, req.t("country_group." + country.group.rawValue),
            LocalizedDate.format(country.membershipSince, req.language) ?? "",
        ]
    }

    static func label(of country: Country) -> String { "\(country.nameEn) (\(country.code))" }
}
