import Fluent
import Vapor

struct DocumentResource: AdminResource {
    typealias Record = Document
    static let slug = "documents"
    static let searchKind: SearchDocument.Kind? = .document
    static let auditEntity = "document"
    static let columnKeys = ["field.title_en", "field.document_type", "field.lifecycle", "field.access", "field.slug"]

    static func fields(_ req: Request, editing record: Document?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 300),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 300),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 120, hintKey: "hint.slug"),
            .choice("type", "field.document_type", DocumentType.self, labelPrefix: "document_type.", t: req.t),
            .choice("lifecycle", "field.lifecycle", DocumentLifecycle.self, labelPrefix: "lifecycle.", t: req.t),
            FieldSpec(name: "adopted_on", labelKey: "field.adopted_on", kind: .date, hintKey: "hint.adopted_on"),
            .choice("access", "field.access", Visibility.self, labelPrefix: "visibility.", t: req.t),
            FieldSpec(name: "description_en", labelKey: "field.description_en", kind: .textarea, maxLength: 4_000),
            FieldSpec(name: "description_zh", labelKey: "field.description_zh", kind: .textarea, maxLength: 4_000),
        ]
    }

    static func values(of d: Document) -> [String: String] {
        [
            "title_en": d.titleEn, "title_zh": d.titleZh, "slug": d.slug, "type": d.type.rawValue, "lifecycle": d.lifecycle.rawValue,
            "adopted_on": d.adoptedOn ?? "", "access": d.access.rawValue, "description_en": d.descriptionEn,
            "description_zh": d.descriptionZh,
        ]
    }

    static func apply(_ input: [String: String], to d: Document) {
        d.titleEn = input.text("title_en")
        d.titleZh = input.text("title_zh")
        d.slug = SlugCheck.requested(in: input, from: "title_en")
        d.type = DocumentType(rawValue: input.text("type")) ?? .letter
        d.lifecycle = DocumentLifecycle(rawValue: input.text("lifecycle")) ?? .draft
        d.adoptedOn = d.lifecycle == .adopted ? input["adopted_on"].nonEmpty : nil
        d.access = Visibility(rawValue: input.text("access")) ?? .secretariat
        d.descriptionEn = input.text("description_en")
        d.descriptionZh = input.text("description_zh")
    }

    static func prepare(_ input: inout [String: String], existing: Document?, on db: any Database) async throws {
        try await SlugCheck.fillIn(&input, from: "title_en", \Document.$slug, existing: existing, on: db)
    }

    static func check(_ input: [String: String], existing: Document?, req: Request, errors: inout FieldErrors) async throws {
        if !input.text("adopted_on").isEmpty, input["lifecycle"] != DocumentLifecycle.adopted.rawValue {
            errors["adopted_on"] = req.t("validation.adopted_only")
        }
        try await SlugCheck.check(
            SlugCheck.requested(in: input, from: "title_en"), \Document.$slug, existing: existing, req: req, errors: &errors)
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        SlugCheck.taken(req)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Document> { Document.query(on: db).sort(\.$titleEn) }

    static func cells(of d: Document, _ req: Request) -> [String] {
        [
            d.title(req.language), req.t("document_type." + d.type.rawValue), req.t("lifecycle." + d.lifecycle.rawValue),
            req.t("visibility." + d.access.rawValue), d.slug,
        ]
    }

    static func label(of d: Document) -> String { d.titleEn }
    static func rowHref(_ d: Document) -> String { "/admin/documents/\(d.savedID.uuidString)/files" }
}
