import Fluent
import Vapor

struct MeetingSessionResource: AdminResource {
    typealias Record = MeetingSession
    static let slug = "meeting-sessions"
    static let auditEntity = "meeting_session"
    static let columnKeys = ["field.meeting", "field.position", "field.day", "field.title_en"]

    static func fields(_ req: Request, editing record: MeetingSession?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting", kind: .select(try await RegistryOptions.meetings(req)), required: true),
            FieldSpec(name: "position", labelKey: "field.position", kind: .text, required: true, maxLength: 4, hintKey: "hint.position"),
            FieldSpec(name: "day", labelKey: "field.day", kind: .date, required: true),
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 200),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 200),
        ]
    }

    static func values(of s: MeetingSession) -> [String: String] {
        ["meeting_id": s.$meeting.id.uuidString, "position": "\(s.position)", "day": s.day, "title_en": s.titleEn, "title_zh": s.titleZh]
    }

    static func apply(_ input: [String: String], to s: MeetingSession) {
        if let meeting = input.uuid("meeting_id") { s.$meeting.id = meeting }
        s.position = Int(input.text("position")) ?? 1
        s.day = input.text("day")
        s.titleEn = input.text("title_en")
        s.titleZh = input.text("title_zh")
    }

    static func check(_ input: [String: String], existing: MeetingSession?, req: Request, errors: inout FieldErrors) async throws {
        if errors["position"] == nil, Int(input.text("position")).map({ $0 < 1 || $0 > 999 }) ?? true {
            errors["position"] = req.t("validation.position")
        }
        guard errors["day"] == nil, let meetingID = input.uuid("meeting_id"), let meeting = try await Meeting.find(meetingID, on: req.db),
            let start = meeting.startsAt
        else { return }
        let first = MeetingTime.local(start, in: meeting.zone).date
        let last =
            meeting.endsAt.map { meeting.allDay ? MeetingTime.lastDay($0, in: meeting.zone) : MeetingTime.local($0, in: meeting.zone).date }
            ?? first
        if input.text("day") < first || input.text("day") > last { errors["day"] = req.t("validation.day_outside_meeting") }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<MeetingSession> {
        MeetingSession.query(on: db).with(\.$meeting).sort(\.$day).sort(\.$position)
    }

    static func cells(of s: MeetingSession, _ req: Request) -> [String] {
        [s.meeting.title(req.language), "\(s.position)", LocalizedDate.format(s.day, req.language) ?? s.day, s.title(req.language)]
    }

    static func label(of s: MeetingSession) -> String { s.titleEn }
}
