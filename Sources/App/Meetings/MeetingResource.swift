import Fluent
import Vapor

struct MeetingResource: AdminResource {
    typealias Record = Meeting
    static let slug = "meetings"
    static let searchKind: SearchDocument.Kind? = .meeting
    static let auditEntity = "meeting"
    static let columnKeys = ["field.title_en", "field.meeting_type", "field.status", "field.when", "field.slug"]

    static func fields(_ req: Request, editing record: Meeting?) async throws -> [FieldSpec] {
        let meetings = try await Meeting.query(on: req.db).sort(\.$titleEn).all().filter { $0.id != record?.id }
        let series = try await MeetingSeries.query(on: req.db).sort(\.$nameEn).all()
        let none = SelectOption(value: "", label: req.t("option.none"))
        return [
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 250),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 250),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 120, hintKey: "hint.slug"),
            .choice("type", "field.meeting_type", MeetingType.self, labelPrefix: "meeting_type.", t: req.t),
            .choice("status", "field.status", MeetingStatus.self, labelPrefix: "meeting_status.", t: req.t),
            .choice("mode", "field.mode", MeetingMode.self, labelPrefix: "meeting_mode.", t: req.t),
            FieldSpec(
                name: "time_zone", labelKey: "field.time_zone", kind: .text, required: true, maxLength: 64, hintKey: "hint.time_zone"),
            FieldSpec(name: "start_date", labelKey: "field.start_date", kind: .date),
            FieldSpec(name: "start_time", labelKey: "field.start_time", kind: .time, hintKey: "hint.times"),
            FieldSpec(name: "end_date", labelKey: "field.end_date", kind: .date),
            FieldSpec(name: "end_time", labelKey: "field.end_time", kind: .time),
            FieldSpec(name: "venue_en", labelKey: "field.venue_en", kind: .text, maxLength: 250),
            FieldSpec(name: "venue_zh", labelKey: "field.venue_zh", kind: .text, maxLength: 250),
            FieldSpec(name: "video_link", labelKey: "field.video_link", kind: .url, maxLength: 500, hintKey: "hint.video_link"),
            FieldSpec(
                name: "languages", labelKey: "field.languages",
                kind: .multiSelect(Language.allCases.map { SelectOption(value: $0.rawValue, label: req.t("language." + $0.rawValue)) })),
            .choice("visibility", "field.visibility", Visibility.self, labelPrefix: "visibility.", t: req.t),
            FieldSpec(
                name: "parent_id", labelKey: "field.parent_meeting",
                kind: .select([none] + meetings.map { SelectOption(value: $0.savedID.uuidString, label: $0.title(req.language)) })),
            FieldSpec(
                name: "series_id", labelKey: "field.series",
                kind: .select([none] + series.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) })),
            FieldSpec(name: "summary_en", labelKey: "field.summary_en", kind: .textarea, maxLength: 4_000),
            FieldSpec(name: "summary_zh", labelKey: "field.summary_zh", kind: .textarea, maxLength: 4_000),
            FieldSpec(name: "discussion_en", labelKey: "field.discussion_en", kind: .textarea, maxLength: 8_000),
            FieldSpec(name: "discussion_zh", labelKey: "field.discussion_zh", kind: .textarea, maxLength: 8_000),
        ]
    }

    static func values(of meeting: Meeting) -> [String: String] {
        var values = [
            "title_en": meeting.titleEn, "title_zh": meeting.titleZh, "slug": meeting.slug, "type": meeting.type.rawValue,
            "status": meeting.status.rawValue, "mode": meeting.mode.rawValue, "time_zone": meeting.timeZone, "venue_en": meeting.venueEn,
            "venue_zh": meeting.venueZh, "video_link": meeting.videoLink, "languages": meeting.languages,
            "visibility": meeting.visibility.rawValue, "parent_id": meeting.$parent.id?.uuidString ?? "",
            "series_id": meeting.$series.id?.uuidString ?? "", "summary_en": meeting.summaryEn, "summary_zh": meeting.summaryZh,
            "discussion_en": meeting.discussionEn, "discussion_zh": meeting.discussionZh,
            "start_date": "", "start_time": "", "end_date": "", "end_time": "",
        ]
        if let start = meeting.startsAt {
            let local = MeetingTime.local(start, in: meeting.zone)
            values["start_date"] = local.date
            values["start_time"] = meeting.allDay ? "" : local.time
        }
        if let end = meeting.endsAt {
            let local = MeetingTime.local(end, in: meeting.zone)
            values["end_date"] = meeting.allDay ? MeetingTime.lastDay(end, in: meeting.zone) : local.date
            values["end_time"] = meeting.allDay ? "" : local.time
        }
        return values
    }

    static func apply(_ input: [String: String], to meeting: Meeting) {
        meeting.titleEn = input.text("title_en")
        meeting.titleZh = input.text("title_zh")
        meeting.slug = SlugCheck.requested(in: input, from: "title_en")
        meeting.type = MeetingType(rawValue: input.text("type")) ?? .workshop
        meeting.status = MeetingStatus(rawValue: input.text("status")) ?? .planned
        meeting.mode = MeetingMode(rawValue: input.text("mode")) ?? .inPerson
        meeting.timeZone = input.text("time_zone")
        let zone = meeting.zone
        meeting.allDay = input.text("start_time").isEmpty
        let startDate = input["start_date"].nonEmpty
        let endDate = input["end_date"].nonEmpty ?? startDate
        meeting.startsAt = startDate.flatMap {
            MeetingTime.instant(date: $0, time: meeting.allDay ? nil : input.text("start_time"), in: zone)
        }
        if meeting.allDay {
            meeting.endsAt = endDate.flatMap { MeetingTime.instant(date: $0, time: nil, in: zone) }.map { $0.addingTimeInterval(86_400) }
        } else {
            let endTime = input["end_time"].nonEmpty ?? input.text("start_time")
            meeting.endsAt = endDate.flatMap { MeetingTime.instant(date: $0, time: endTime, in: zone) }
        }
        meeting.venueEn = input.text("venue_en")
        meeting.venueZh = input.text("venue_zh")
        meeting.videoLink = input.text("video_link")
        meeting.languages = input.text("languages")
        meeting.visibility = Visibility(rawValue: input.text("visibility")) ?? .public
        meeting.$parent.id = input.uuid("parent_id")
        meeting.$series.id = input.uuid("series_id")
        meeting.summaryEn = input.text("summary_en")
        meeting.summaryZh = input.text("summary_zh")
        meeting.discussionEn = input.text("discussion_en")
        meeting.discussionZh = input.text("discussion_zh")
    }

    static func prepare(_ input: inout [String: String], existing: Meeting?, on db: any Database) async throws {
        try await SlugCheck.fillIn(&input, from: "title_en", \Meeting.$slug, existing: existing, on: db)
    }

    static func check(_ input: [String: String], existing: Meeting?, req: Request, errors: inout FieldErrors) async throws {
        let zoneName = input.text("time_zone")
        if errors["time_zone"] == nil, TimeZone(identifier: zoneName) == nil || !zoneName.contains("/") && zoneName != "UTC" {
            errors["time_zone"] = req.t("validation.time_zone")
        }
        for (time, date) in [("start_time", "start_date"), ("end_time", "end_date")]
        where !input.text(time).isEmpty && input.text(date).isEmpty {
            if time == "start_time" || input.text("start_date").isEmpty { errors[date] = req.t("validation.date_for_time") }
        }
        if !input.text("end_time").isEmpty, input.text("start_time").isEmpty {
            errors["start_time"] = req.t("validation.start_time_needed")
        }
        if input.text("start_date").isEmpty, !input.text("end_date").isEmpty { errors["start_date"] = req.t("validation.required") }
        if errors.isEmpty, let zone = TimeZone(identifier: zoneName), !input.text("start_time").isEmpty {
            let start = MeetingTime.instant(date: input.text("start_date"), time: input.text("start_time"), in: zone)
            let end = MeetingTime.instant(
                date: input["end_date"].nonEmpty ?? input.text("start_date"), time: input["end_time"].nonEmpty ?? input.text("start_time"),
                in: zone)
            if let start, let end, end < start { errors["end_time"] = req.t("validation.end_before_start") }
        }
        try await SlugCheck.check(
            SlugCheck.requested(in: input, from: "title_en"), \Meeting.$slug, existing: existing, req: req, errors: &errors)
        if let selfID = existing?.id, var next = input.uuid("parent_id") {
            let parents = Dictionary(uniqueKeysWithValues: try await Meeting.query(on: req.db).all().map { ($0.savedID, $0.$parent.id) })
            var seen: Set<UUID> = []
            while true {
                if next == selfID {
                    errors["parent_id"] = req.t("validation.meeting_parent_cycle")
                    break
                }
                guard seen.insert(next).inserted, let up = parents[next] ?? nil else { break }
                next = up
            }
        }
    }

    static func beforeSave(_ meeting: Meeting, input: [String: String], req: Request) async throws {
        meeting.sequence = meeting.id == nil ? 0 : meeting.sequence + 1
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        SlugCheck.taken(req)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Meeting> { Meeting.query(on: db).sort(\.$startsAt, .descending) }

    static func cells(of meeting: Meeting, _ req: Request) -> [String] {
        [
            meeting.title(req.language), req.t("meeting_type." + meeting.type.rawValue), req.t("meeting_status." + meeting.status.rawValue),
            MeetingTime.describe(meeting, req.language) ?? "", meeting.slug,
        ]
    }

    static func label(of meeting: Meeting) -> String { meeting.titleEn }
    static func rowHref(_ meeting: Meeting) -> String { "/admin/meetings/\(meeting.savedID.uuidString)" }
}
