import Fluent
import Vapor

struct MeetingSeriesResource: AdminResource {
    typealias Record = MeetingSeries
    static let slug = "meeting-series"
    static let auditEntity = "meeting_series"
    static let columnKeys = ["field.name_en", "field.name_zh", "field.slug"]

    static func fields(_ req: Request, editing record: MeetingSeries?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "name_en", labelKey: "field.name_en", kind: .text, required: true, maxLength: 200),
            FieldSpec(name: "name_zh", labelKey: "field.name_zh", kind: .text, maxLength: 200),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 120, hintKey: "hint.slug"),
        ]
    }

    static func values(of s: MeetingSeries) -> [String: String] { ["name_en": s.nameEn, "name_zh": s.nameZh, "slug": s.slug] }

    static func apply(_ input: [String: String], to s: MeetingSeries) {
        s.nameEn = input.text("name_en")
        s.nameZh = input.text("name_zh")
        s.slug = SlugCheck.requested(in: input, from: "name_en")
    }

    static func prepare(_ input: inout [String: String], existing: MeetingSeries?, on db: any Database) async throws {
        try await SlugCheck.fillIn(&input, from: "name_en", \MeetingSeries.$slug, existing: existing, on: db)
    }

    static func check(_ input: [String: String], existing: MeetingSeries?, req: Request, errors: inout FieldErrors) async throws {
        try await SlugCheck.check(
            SlugCheck.requested(in: input, from: "name_en"), \MeetingSeries.$slug, existing: existing, req: req, errors: &errors)
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        SlugCheck.taken(req)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<MeetingSeries> { MeetingSeries.query(on: db).sort(\.$nameEn) }

    static func cells(of s: MeetingSeries, _ req: Request) -> [String] { [s.nameEn, s.nameZh, s.slug] }

    static func label(of s: MeetingSeries) -> String { s.nameEn }
}
