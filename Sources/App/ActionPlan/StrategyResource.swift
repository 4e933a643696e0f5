import Fluent
import Vapor

struct StrategyResource: AdminResource {
    typealias Record = Strategy
    static let slug = "strategies"
    static let auditEntity = "strategy"
    static let columnKeys = ["field.title_en", "field.period", "field.adopted_on", "field.version"]

    static func fields(_ req: Request, editing record: Strategy?) async throws -> [FieldSpec] {
        let documents = try await Document.query(on: req.db).sort(\.$titleEn).all()
        return [
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 300),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 300),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 120, hintKey: "hint.slug"),
            FieldSpec(name: "first_year", labelKey: "field.first_year", kind: .text, required: true, maxLength: 4),
            FieldSpec(name: "last_year", labelKey: "field.last_year", kind: .text, required: true, maxLength: 4),
            FieldSpec(name: "adopted_on", labelKey: "field.adopted_on", kind: .date, hintKey: "hint.adopted_on"),
            FieldSpec(name: "version", labelKey: "field.version", kind: .text, maxLength: 40),
            FieldSpec(
                name: "document_id", labelKey: "field.adopted_document",
                kind: .select(
                    RegistryOptions.optional(
                        documents.map { SelectOption(value: $0.savedID.uuidString, label: $0.title(req.language)) }, req))),
        ]
    }

    static func values(of s: Strategy) -> [String: String] {
        [
            "title_en": s.titleEn, "title_zh": s.titleZh, "slug": s.slug, "first_year": "\(s.firstYear)", "last_year": "\(s.lastYear)",
            "adopted_on": s.adoptedOn ?? "", "version": s.version, "document_id": s.$document.id?.uuidString ?? "",
        ]
    }

    static func apply(_ input: [String: String], to s: Strategy) {
        s.titleEn = input.text("title_en")
        s.titleZh = input.text("title_zh")
        s.slug = SlugCheck.requested(in: input, from: "title_en")
        s.firstYear = Int(input.text("first_year")) ?? 0
        s.lastYear = Int(input.text("last_year")) ?? 0
        s.adoptedOn = input["adopted_on"].nonEmpty
        s.version = input.text("version")
        s.$document.id = input.uuid("document_id")
    }

    static func prepare(_ input: inout [String: String], existing: Strategy?, on db: any Database) async throws {
        try await SlugCheck.fillIn(&input, from: "title_en", \Strategy.$slug, existing: existing, on: db)
    }

    static func check(_ input: [String: String], existing: Strategy?, req: Request, errors: inout FieldErrors) async throws {
        let first = Int(input.text("first_year"))
        let last = Int(input.text("last_year"))
        if errors["first_year"] == nil, !(1990...2200).contains(first ?? 0) { errors["first_year"] = req.t("validation.year") }
        if errors["last_year"] == nil, !(1990...2200).contains(last ?? 0) { errors["last_year"] = req.t("validation.year") }
        if let first, let last, last < first { errors["last_year"] = req.t("validation.end_before_start") }
        try await SlugCheck.check(
            SlugCheck.requested(in: input, from: "title_en"), \Strategy.$slug, existing: existing, req: req, errors: &errors)
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        SlugCheck.taken(req)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Strategy> { Strategy.query(on: db).sort(\.$firstYear) }

    static func cells(of s: Strategy, _ req: Request) -> [String] {
        [s.title(req.language), "\(s.firstYear)–\(s.lastYear)", LocalizedDate.format(s.adoptedOn, req.language) ?? "", s.version]
    }

    static func label(of s: Strategy) -> String { s.titleEn }
}

struct PriorityAreaResource: AdminResource {
    typealias Record = PriorityArea
    static let slug = "priority-areas"
    static let searchKind: SearchDocument.Kind? = .area
    static let auditEntity = "priority_area"
    static let columnKeys = ["plan.area_code", "field.title_en", "field.position", "field.illustrative"]

    static func fields(_ req: Request, editing record: PriorityArea?) async throws -> [FieldSpec] {
        let strategies = try await Strategy.query(on: req.db).all()
        return [
            FieldSpec(
                name: "strategy_id", labelKey: "field.strategy",
                kind: .select(strategies.map { SelectOption(value: $0.savedID.uuidString, label: $0.title(req.language)) }), required: true),
            FieldSpec(name: "code", labelKey: "plan.area_code", kind: .text, required: true, maxLength: 20, hintKey: "hint.plan_code"),
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 200),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 200),
            FieldSpec(name: "position", labelKey: "field.position", kind: .text, required: true, maxLength: 3, hintKey: "hint.position"),
            FieldSpec(name: "description_en", labelKey: "field.description_en", kind: .textarea, maxLength: 4_000),
            FieldSpec(name: "description_zh", labelKey: "field.description_zh", kind: .textarea, maxLength: 4_000),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of a: PriorityArea) -> [String: String] {
        [
            "strategy_id": a.$strategy.id.uuidString, "code": a.code, "title_en": a.titleEn, "title_zh": a.titleZh,
            "position": "\(a.position)",
            "description_en": a.descriptionEn, "description_zh": a.descriptionZh, "illustrative": a.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to a: PriorityArea) {
        if let strategy = input.uuid("strategy_id") { a.$strategy.id = strategy }
        a.code = input.text("code").uppercased()
        a.titleEn = input.text("title_en")
        a.titleZh = input.text("title_zh")
        a.position = Int(input.text("position")) ?? 1
        a.descriptionEn = input.text("description_en")
        a.descriptionZh = input.text("description_zh")
        a.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: PriorityArea?, req: Request, errors: inout FieldErrors) async throws {
        if errors["code"] == nil, !PlanCode.isValid(input.text("code")) { errors["code"] = req.t("validation.plan_code") }
        if errors["position"] == nil, Int(input.text("position")).map({ $0 < 1 || $0 > 999 }) ?? true {
            errors["position"] = req.t("validation.position")
        }
        if let strategyID = input.uuid("strategy_id"),
            let other = try await PriorityArea.query(on: req.db).filter(\.$strategy.$id == strategyID).filter(
                \.$code == input.text("code").uppercased()
            ).first(),
            other.id != existing?.id
        {
            errors["code"] = req.t("validation.plan_code_taken")
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["code": req.t("validation.plan_code_taken")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<PriorityArea> { PriorityArea.query(on: db).sort(\.$position) }

    static func cells(of a: PriorityArea, _ req: Request) -> [String] {
        [a.code, a.title(req.language), "\(a.position)", a.illustrative ? req.t("option.yes") : ""]
    }

    static func label(of a: PriorityArea) -> String { a.code + " " + a.titleEn }
}

/// Codes of areas, activities and indicators: letters, digits, dots and hyphens.
enum PlanCode {
    static func isValid(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 40 && code.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "." }
    }
}
