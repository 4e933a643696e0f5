import Fluent
import Vapor

struct MeetingOutcomeResource: AdminResource {
    typealias Record = MeetingOutcome
    static let slug = "meeting-outcomes"
    static let auditEntity = "meeting_outcome"
    static let columnKeys = ["field.meeting", "field.outcome_kind", "field.text_en", "field.owner", "field.due_date", "field.status"]

    static func fields(_ req: Request, editing record: MeetingOutcome?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting", kind: .select(try await RegistryOptions.meetings(req)), required: true),
            .choice("kind", "field.outcome_kind", OutcomeKind.self, labelPrefix: "outcome_kind.", t: req.t),
            FieldSpec(name: "position", labelKey: "field.position", kind: .text, required: true, maxLength: 4, hintKey: "hint.position"),
            FieldSpec(name: "text_en", labelKey: "field.text_en", kind: .textarea, required: true, maxLength: 4_000),
            FieldSpec(name: "text_zh", labelKey: "field.text_zh", kind: .textarea, maxLength: 4_000),
            FieldSpec(
                name: "owner_country_id", labelKey: "field.owner_country",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.countries(req), req))),
            FieldSpec(
                name: "owner_organisation_id", labelKey: "field.owner_organisation",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.organisations(req), req))),
            FieldSpec(name: "due_date", labelKey: "field.due_date", kind: .date),
            .choice("status", "field.status", OutcomeStatus.self, labelPrefix: "outcome_status.", t: req.t),
        ]
    }

    static func values(of o: MeetingOutcome) -> [String: String] {
        [
            "meeting_id": o.$meeting.id.uuidString, "kind": o.kind.rawValue, "position": "\(o.position)", "text_en": o.textEn,
            "text_zh": o.textZh, "owner_country_id": o.$ownerCountry.id?.uuidString ?? "",
            "owner_organisation_id": o.$ownerOrganisation.id?.uuidString ?? "", "due_date": o.dueDate ?? "", "status": o.status.rawValue,
        ]
    }

    static func apply(_ input: [String: String], to o: MeetingOutcome) {
        if let meeting = input.uuid("meeting_id") { o.$meeting.id = meeting }
        o.kind = OutcomeKind(rawValue: input.text("kind")) ?? .decision
        o.position = Int(input.text("position")) ?? 1
        o.textEn = input.text("text_en")
        o.textZh = input.text("text_zh")
        o.$ownerCountry.id = input.uuid("owner_country_id")
        o.$ownerOrganisation.id = input.uuid("owner_organisation_id")
        o.dueDate = input["due_date"].nonEmpty
        o.status = OutcomeStatus(rawValue: input.text("status")) ?? .open
    }

    static func check(_ input: [String: String], existing: MeetingOutcome?, req: Request, errors: inout FieldErrors) async throws {
        if errors["position"] == nil, Int(input.text("position")).map({ $0 < 1 || $0 > 999 }) ?? true {
            errors["position"] = req.t("validation.position")
        }
        if input["kind"] == OutcomeKind.actionItem.rawValue, input.uuid("owner_country_id") == nil,
            input.uuid("owner_organisation_id") == nil
        {
            errors["owner_country_id"] = req.t("validation.action_item_owner")
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<MeetingOutcome> {
        MeetingOutcome.query(on: db).with(\.$meeting).with(\.$ownerCountry).with(\.$ownerOrganisation).sort(\.$position)
    }

    static func cells(of o: MeetingOutcome, _ req: Request) -> [String] {
        [
            o.meeting.title(req.language), req.t("outcome_kind." + o.kind.rawValue), String(o.text(req.language).prefix(140)),
            o.ownerCountry?.name(req.language) ?? o.ownerOrganisation?.name(req.language) ?? "",
            LocalizedDate.format(o.dueDate, req.language) ?? "", req.t("outcome_status." + o.status.rawValue),
        ]
    }

    static func label(of o: MeetingOutcome) -> String { String(o.textEn.prefix(80)) }
}
