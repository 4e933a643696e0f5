import Fluent
import Vapor

struct NewsletterResource: AdminResource {
    typealias Record = Newsletter
    static let slug = "newsletters"
    static let auditEntity = "newsletter"
    static let columnKeys = ["field.name_en", "field.name_zh", "field.masthead_en", "field.slug"]

    static func fields(_ req: Request, editing record: Newsletter?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "name_en", labelKey: "field.name_en", kind: .text, required: true, maxLength: 120),
            FieldSpec(name: "name_zh", labelKey: "field.name_zh", kind: .text, maxLength: 120),
            FieldSpec(name: "masthead_en", labelKey: "field.masthead_en", kind: .text, required: true, maxLength: 200),
            FieldSpec(name: "masthead_zh", labelKey: "field.masthead_zh", kind: .text, maxLength: 200),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 120, hintKey: "hint.slug"),
        ]
    }

    static func values(of n: Newsletter) -> [String: String] {
        ["name_en": n.nameEn, "name_zh": n.nameZh, "masthead_en": n.mastheadEn, "masthead_zh": n.mastheadZh, "slug": n.slug]
    }

    static func apply(_ input: [String: String], to n: Newsletter) {
        n.nameEn = input.text("name_en")
        n.nameZh = input.text("name_zh")
        n.mastheadEn = input.text("masthead_en")
        n.mastheadZh = input.text("masthead_zh")
        n.slug = SlugCheck.requested(in: input, from: "name_en")
    }

    static func prepare(_ input: inout [String: String], existing: Newsletter?, on db: any Database) async throws {
        try await SlugCheck.fillIn(&input, from: "name_en", \Newsletter.$slug, existing: existing, on: db)
    }

    static func check(_ input: [String: String], existing: Newsletter?, req: Request, errors: inout FieldErrors) async throws {
        try await SlugCheck.check(
            SlugCheck.requested(in: input, from: "name_en"), \Newsletter.$slug, existing: existing, req: req, errors: &errors)
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        SlugCheck.taken(req)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Newsletter> { Newsletter.query(on: db).sort(\.$nameEn) }
    static func cells(of n: Newsletter, _ req: Request) -> [String] { [n.nameEn, n.nameZh, n.mastheadEn, n.slug] }
    static func label(of n: Newsletter) -> String { n.nameEn }
}
