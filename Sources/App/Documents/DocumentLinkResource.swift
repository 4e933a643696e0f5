import Fluent
import Vapor

/// Attaches a document to a meeting or to one item of a meeting's agenda.
struct DocumentLinkResource: AdminResource {
    typealias Record = DocumentLink
    static let slug = "document-links"
    static let auditEntity = "document_link"
    static let columnKeys = ["field.document", "field.link_target", "field.linked_to"]

    static func fields(_ req: Request, editing record: DocumentLink?) async throws -> [FieldSpec] {
        let documents = try await Document.query(on: req.db).sort(\.$titleEn).all()
        let items = try await AgendaItem.query(on: req.db).with(\.$meeting).sort(\.$position).all()
        return [
            FieldSpec(
                name: "document_id", labelKey: "field.document",
                kind: .select(documents.map { SelectOption(value: $0.savedID.uuidString, label: $0.title(req.language)) }), required: true),
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.meetings(req), req))),
            FieldSpec(
                name: "agenda_item_id", labelKey: "field.agenda_item",
                kind: .select(
                    RegistryOptions.optional(
                        items.map {
                            SelectOption(
                                value: $0.savedID.uuidString,
                                label: $0.meeting.title(req.language) + " · \($0.position). " + $0.title(req.language))
                        },
                        req)), hintKey: "hint.link_one"),
        ]
    }

    static func values(of link: DocumentLink) -> [String: String] {
        [
            "document_id": link.$document.id.uuidString, "meeting_id": link.target == .meeting ? link.targetID.uuidString : "",
            "agenda_item_id": link.target == .agendaItem ? link.targetID.uuidString : "",
        ]
    }

    static func apply(_ input: [String: String], to link: DocumentLink) {
        if let document = input.uuid("document_id") { link.$document.id = document }
        if let item = input.uuid("agenda_item_id") {
            link.target = .agendaItem
            link.targetID = item
        } else if let meeting = input.uuid("meeting_id") {
            link.target = .meeting
            link.targetID = meeting
        }
    }

    static func check(_ input: [String: String], existing: DocumentLink?, req: Request, errors: inout FieldErrors) async throws {
        if (input.uuid("meeting_id") == nil) == (input.uuid("agenda_item_id") == nil) { errors["meeting_id"] = req.t("hint.link_one") }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["document_id": req.t("validation.already_listed")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<DocumentLink> { DocumentLink.query(on: db).with(\.$document) }

    static func cells(of link: DocumentLink, _ req: Request) -> [String] {
        [link.document.title(req.language), req.t("link_target." + link.target.rawValue), link.targetID.uuidString]
    }

    static func label(of link: DocumentLink) -> String { link.target.rawValue + " " + link.targetID.uuidString }
}
