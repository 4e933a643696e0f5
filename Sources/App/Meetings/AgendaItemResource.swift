import Fluent
import Vapor

struct AgendaItemResource: AdminResource {
    typealias Record = AgendaItem
    static let slug = "agenda-items"
    static let auditEntity = "agenda_item"
    static let columnKeys = ["field.meeting", "field.position", "field.time", "field.title_en", "field.presenter"]

    static func fields(_ req: Request, editing record: AgendaItem?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting", kind: .select(try await RegistryOptions.meetings(req)), required: true),
            FieldSpec(name: "position", labelKey: "field.position", kind: .text, required: true, maxLength: 4, hintKey: "hint.position"),
            FieldSpec(name: "starts_at", labelKey: "field.start_time", kind: .time),
            FieldSpec(name: "ends_at", labelKey: "field.end_time", kind: .time),
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 300),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 300),
            FieldSpec(
                name: "presenter_id", labelKey: "field.presenter",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.people(req), req))),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of item: AgendaItem) -> [String: String] {
        [
            "meeting_id": item.$meeting.id.uuidString, "position": "\(item.position)", "starts_at": item.startsAt, "ends_at": item.endsAt,
            "title_en": item.titleEn, "title_zh": item.titleZh, "presenter_id": item.$presenter.id?.uuidString ?? "",
            "illustrative": item.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to item: AgendaItem) {
        if let meeting = input.uuid("meeting_id") { item.$meeting.id = meeting }
        item.position = Int(input.text("position")) ?? 1
        item.startsAt = input.text("starts_at")
        item.endsAt = input.text("ends_at")
        item.titleEn = input.text("title_en")
        item.titleZh = input.text("title_zh")
        item.$presenter.id = input.uuid("presenter_id")
        item.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: AgendaItem?, req: Request, errors: inout FieldErrors) async throws {
        if errors["position"] == nil, Int(input.text("position")).map({ $0 < 1 || $0 > 999 }) ?? true {
            errors["position"] = req.t("validation.position")
        }
        if !input.text("starts_at").isEmpty, !input.text("ends_at").isEmpty, input.text("ends_at") < input.text("starts_at") {
            errors["ends_at"] = req.t("validation.end_before_start")
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<AgendaItem> {
        AgendaItem.query(on: db).with(\.$meeting).with(\.$presenter).sort(\.$position)
    }

    static func cells(of item: AgendaItem, _ req: Request) -> [String] {
        [
            item.meeting.title(req.language), "\(item.position)", item.startsAt + (item.endsAt.isEmpty ? "" : "–" + item.endsAt),
            item.title(req.language), item.presenter?.name(req.language) ?? "",
        ]
    }

    static func label(of item: AgendaItem) -> String { "\(item.position). \(item.titleEn)" }
}

extension FieldSpec {
    static func yesNo(_ name: String, _ labelKey: String, req: Request) -> FieldSpec {
        FieldSpec(
            name: name, labelKey: labelKey,
            kind: .select([SelectOption(value: "no", label: req.t("option.no")), SelectOption(value: "yes", label: req.t("option.yes"))]),
            required: true)
    }
}
