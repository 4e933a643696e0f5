import Fluent
import Vapor

struct StatementResource: AdminResource {
    typealias Record = Statement
    static let slug = "statements"
    static let auditEntity = "statement"
    static let columnKeys = ["field.meeting", "field.position", "field.speaker", "field.summary_en"]

    static func fields(_ req: Request, editing record: Statement?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting", kind: .select(try await RegistryOptions.meetings(req)), required: true),
            FieldSpec(name: "speaker_id", labelKey: "field.speaker", kind: .select(try await RegistryOptions.people(req)), required: true),
            FieldSpec(name: "position", labelKey: "field.position", kind: .text, required: true, maxLength: 4, hintKey: "hint.position"),
            FieldSpec(name: "summary_en", labelKey: "field.summary_en", kind: .textarea, required: true, maxLength: 6_000),
            FieldSpec(name: "summary_zh", labelKey: "field.summary_zh", kind: .textarea, maxLength: 6_000),
        ]
    }

    static func values(of s: Statement) -> [String: String] {
        [
            "meeting_id": s.$meeting.id.uuidString, "speaker_id": s.$speaker.id.uuidString, "position": "\(s.position)",
            "summary_en": s.summaryEn, "summary_zh": s.summaryZh,
        ]
    }

    static func apply(_ input: [String: String], to s: Statement) {
        if let meeting = input.uuid("meeting_id") { s.$meeting.id = meeting }
        if let speaker = input.uuid("speaker_id") { s.$speaker.id = speaker }
        s.position = Int(input.text("position")) ?? 1
        s.summaryEn = input.text("summary_en")
        s.summaryZh = input.text("summary_zh")
    }

    static func check(_ input: [String: String], existing: Statement?, req: Request, errors: inout FieldErrors) async throws {
        if errors["position"] == nil, Int(input.text("position")).map({ $0 < 1 || $0 > 999 }) ?? true {
            errors["position"] = req.t("validation.position")
        }
        // A statement is part of a meeting's record: its speaker is one of the meeting's participants.
        if errors["speaker_id"] == nil, let meetingID = input.uuid("meeting_id"), let speakerID = input.uuid("speaker_id"),
            try await Participation.query(on: req.db).filter(\.$meeting.$id == meetingID).filter(\.$person.$id == speakerID).count() == 0
        {
            errors["speaker_id"] = req.t("validation.speaker_not_participant")
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Statement> {
        Statement.query(on: db).with(\.$meeting).with(\.$speaker).sort(\.$position)
    }

    static func cells(of s: Statement, _ req: Request) -> [String] {
        [s.meeting.title(req.language), "\(s.position)", s.speaker.name(req.language), String(s.summary(req.language).prefix(140))]
    }

    static func label(of s: Statement) -> String { "\(s.position). " + String(s.summaryEn.prefix(60)) }
}
