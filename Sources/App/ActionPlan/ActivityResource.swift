import Fluent
import Vapor

struct ActivityResource: AdminResource {
    typealias Record = Activity
    static let slug = "activities"
    static let searchKind: SearchDocument.Kind? = .activity
    static let auditEntity = "activity"
    static let columnKeys = ["plan.activity_code", "field.title_en", "field.priority_area", "field.status", "field.illustrative"]

    static func fields(_ req: Request, editing record: Activity?) async throws -> [FieldSpec] {
        let areas = try await PriorityArea.query(on: req.db).sort(\.$position).all()
        let activities = try await Activity.query(on: req.db).sort(\.$code).all().filter { $0.id != record?.id }
        return [
            FieldSpec(name: "code", labelKey: "plan.activity_code", kind: .text, required: true, maxLength: 40, hintKey: "hint.plan_code"),
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 300),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 300),
            FieldSpec(name: "description_en", labelKey: "field.description_en", kind: .textarea, maxLength: 6_000),
            FieldSpec(name: "description_zh", labelKey: "field.description_zh", kind: .textarea, maxLength: 6_000),
            FieldSpec(
                name: "priority_area_id", labelKey: "field.priority_area",
                kind: .select(areas.map { SelectOption(value: $0.savedID.uuidString, label: $0.code + " " + $0.title(req.language)) }),
                required: true),
            FieldSpec(
                name: "lead_organisation_id", labelKey: "field.lead_organisation",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.organisations(req), req))),
            FieldSpec(
                name: "parent_id", labelKey: "field.parent_activity",
                kind: .select(
                    RegistryOptions.optional(
                        activities.map { SelectOption(value: $0.savedID.uuidString, label: $0.code + " " + $0.title(req.language)) }, req))),
            .choice("status", "field.status", ActivityStatus.self, labelPrefix: "activity_status.", t: req.t),
            FieldSpec(name: "planned_start", labelKey: "field.planned_start", kind: .date),
            FieldSpec(name: "planned_end", labelKey: "field.planned_end", kind: .date),
            FieldSpec(name: "actual_start", labelKey: "field.actual_start", kind: .date),
            FieldSpec(name: "actual_end", labelKey: "field.actual_end", kind: .date),
            FieldSpec(
                name: "goals", labelKey: "field.goals",
                kind: .multiSelect(
                    SustainableDevelopmentGoals.all.map {
                        SelectOption(value: "\($0.number)", label: "\($0.number). " + $0.title(req.language))
                    })),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of a: Activity) -> [String: String] {
        [
            "code": a.code, "title_en": a.titleEn, "title_zh": a.titleZh, "description_en": a.descriptionEn,
            "description_zh": a.descriptionZh,
            "priority_area_id": a.$priorityArea.id.uuidString, "lead_organisation_id": a.$leadOrganisation.id?.uuidString ?? "",
            "parent_id": a.$parent.id?.uuidString ?? "", "status": a.status.rawValue, "planned_start": a.plannedStart ?? "",
            "planned_end": a.plannedEnd ?? "", "actual_start": a.actualStart ?? "", "actual_end": a.actualEnd ?? "", "goals": a.goalsText,
            "illustrative": a.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to a: Activity) {
        a.code = input.text("code").uppercased()
        a.titleEn = input.text("title_en")
        a.titleZh = input.text("title_zh")
        a.descriptionEn = input.text("description_en")
        a.descriptionZh = input.text("description_zh")
        if let area = input.uuid("priority_area_id") { a.$priorityArea.id = area }
        a.$leadOrganisation.id = input.uuid("lead_organisation_id")
        a.$parent.id = input.uuid("parent_id")
        a.status = ActivityStatus(rawValue: input.text("status")) ?? .pipeline
        a.plannedStart = input["planned_start"].nonEmpty
        a.plannedEnd = input["planned_end"].nonEmpty
        a.actualStart = input["actual_start"].nonEmpty
        a.actualEnd = input["actual_end"].nonEmpty
        a.goalsText = input.text("goals")
        a.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: Activity?, req: Request, errors: inout FieldErrors) async throws {
        let code = input.text("code").uppercased()
        if errors["code"] == nil, !PlanCode.isValid(code) { errors["code"] = req.t("validation.plan_code") }
        if errors["code"] == nil, let other = try await Activity.query(on: req.db).filter(\.$code == code).first(), other.id != existing?.id
        {
            errors["code"] = req.t("validation.plan_code_taken")
        }
        for (start, end) in [("planned_start", "planned_end"), ("actual_start", "actual_end")] {
            if let s = CalendarDate(input.text(start)), let e = CalendarDate(input.text(end)), e < s {
                errors[end] = req.t("validation.end_before_start")
            }
        }
        // Dates must fall within the strategy's period.
        if let areaID = input.uuid("priority_area_id"), let area = try await PriorityArea.find(areaID, on: req.db) {
            let strategy = try await area.$strategy.get(on: req.db)
            for field in ["planned_start", "planned_end", "actual_start", "actual_end"] where errors[field] == nil {
                if let date = CalendarDate(input.text(field)), !(strategy.firstYear - 1...strategy.lastYear + 1).contains(date.year) {
                    errors[field] = req.t(
                        "validation.outside_strategy", ["first": "\(strategy.firstYear)", "last": "\(strategy.lastYear)"])
                }
            }
        }
        if let selfID = existing?.id, var next = input.uuid("parent_id") {
            let parents = Dictionary(uniqueKeysWithValues: try await Activity.query(on: req.db).all().map { ($0.savedID, $0.$parent.id) })
            var seen: Set<UUID> = []
            while true {
                if next == selfID {
                    errors["parent_id"] = req.t("validation.activity_cycle")
                    break
                }
                guard seen.insert(next).inserted, let up = parents[next] ?? nil else { break }
                next = up
            }
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["code": req.t("validation.plan_code_taken")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Activity> { Activity.query(on: db).with(\.$priorityArea).sort(\.$code) }

    static func cells(of a: Activity, _ req: Request) -> [String] {
        [
            a.code, a.title(req.language), a.priorityArea.code, req.t("activity_status." + a.status.rawValue),
            a.illustrative ? req.t("option.yes") : "",
        ]
    }

    static func label(of a: Activity) -> String { a.code + " " + a.titleEn }
}

struct ActivityParticipantResource: AdminResource {
    typealias Record = ActivityParticipant
    static let slug = "activity-participants"
    static let auditEntity = "activity_participant"
    static let columnKeys = ["field.activity", "field.country", "field.organisation", "field.role"]

    static func fields(_ req: Request, editing record: ActivityParticipant?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "activity_id", labelKey: "field.activity", kind: .select(try await ActionPlanOptions.activities(req)), required: true),
            FieldSpec(
                name: "country_id", labelKey: "field.country",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.countries(req), req))),
            FieldSpec(
                name: "organisation_id", labelKey: "field.organisation",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.organisations(req), req))),
            .choice("role", "field.role", ActivityRole.self, labelPrefix: "activity_role.", t: req.t),
        ]
    }

    static func values(of p: ActivityParticipant) -> [String: String] {
        [
            "activity_id": p.$activity.id.uuidString, "country_id": p.$country.id?.uuidString ?? "",
            "organisation_id": p.$organisation.id?.uuidString ?? "", "role": p.role.rawValue,
        ]
    }

    static func apply(_ input: [String: String], to p: ActivityParticipant) {
        if let activity = input.uuid("activity_id") { p.$activity.id = activity }
        p.$country.id = input.uuid("country_id")
        p.$organisation.id = input.uuid("organisation_id")
        p.role = ActivityRole(rawValue: input.text("role")) ?? .implementing
    }

    static func check(_ input: [String: String], existing: ActivityParticipant?, req: Request, errors: inout FieldErrors) async throws {
        if input.uuid("country_id") == nil, input.uuid("organisation_id") == nil {
            errors["country_id"] = req.t("validation.country_or_organisation")
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<ActivityParticipant> {
        ActivityParticipant.query(on: db).with(\.$activity).with(\.$country).with(\.$organisation)
    }

    static func cells(of p: ActivityParticipant, _ req: Request) -> [String] {
        [
            p.activity.code, p.country?.name(req.language) ?? "", p.organisation?.name(req.language) ?? "",
            req.t("activity_role." + p.role.rawValue),
        ]
    }

    static func label(of p: ActivityParticipant) -> String { p.role.rawValue }
}

struct ActivityEvidenceResource: AdminResource {
    typealias Record = ActivityEvidence
    static let slug = "activity-evidence"
    static let auditEntity = "activity_evidence"
    static let columnKeys = ["field.activity", "field.evidence"]

    static func fields(_ req: Request, editing record: ActivityEvidence?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "activity_id", labelKey: "field.activity", kind: .select(try await ActionPlanOptions.activities(req)), required: true),
            FieldSpec(
                name: "evidence", labelKey: "field.evidence", kind: .select(try await ActionPlanOptions.evidence(req)), required: true),
            FieldSpec(name: "note_en", labelKey: "field.note", kind: .text, maxLength: 300),
        ]
    }

    static func values(of e: ActivityEvidence) -> [String: String] {
        ["activity_id": e.$activity.id.uuidString, "evidence": e.target.rawValue + ":" + e.targetID.uuidString, "note_en": e.noteEn]
    }

    static func apply(_ input: [String: String], to e: ActivityEvidence) {
        if let activity = input.uuid("activity_id") { e.$activity.id = activity }
        let parts = input.text("evidence").split(separator: ":", maxSplits: 1).map(String.init)
        if parts.count == 2, let target = EvidenceTarget(rawValue: parts[0]), let id = UUID(uuidString: parts[1]) {
            e.target = target
            e.targetID = id
        }
        e.noteEn = input.text("note_en")
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["evidence": req.t("validation.already_listed")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<ActivityEvidence> { ActivityEvidence.query(on: db).with(\.$activity) }

    static func cells(of e: ActivityEvidence, _ req: Request) -> [String] {
        [e.activity.code, req.t("evidence_target." + e.target.rawValue) + (e.noteEn.isEmpty ? "" : ": " + e.noteEn)]
    }

    static func label(of e: ActivityEvidence) -> String { e.target.rawValue }
}

enum ActionPlanOptions {
    static func activities(_ req: Request) async throws -> [SelectOption] {
        try await Activity.query(on: req.db).sort(\.$code).all().map {
            SelectOption(value: $0.savedID.uuidString, label: $0.code + " " + $0.title(req.language))
        }
    }

    /// Meetings, their decisions and action items, documents and articles, as "kind:id" values.
    static func evidence(_ req: Request) async throws -> [SelectOption] {
        let l = req.language
        let meetings = try await Meeting.query(on: req.db).sort(\.$startsAt, .descending).all()
        let outcomes = try await MeetingOutcome.query(on: req.db).with(\.$meeting).all()
        let documents = try await Document.query(on: req.db).sort(\.$titleEn).all()
        let articles = try await Article.query(on: req.db).sort(\.$title).all()
        return meetings.map {
            SelectOption(
                value: "meeting:" + $0.savedID.uuidString, label: req.t("evidence_target.meeting") + req.t("punct.colon") + $0.title(l))
        }
            + outcomes.map {
                SelectOption(
                    value: "outcome:" + $0.savedID.uuidString,
                    label: req.t("evidence_target.outcome") + req.t("punct.colon") + $0.meeting.title(l) + " · "
                        + String($0.text(l).prefix(80)))
            }
            + documents.map {
                SelectOption(
                    value: "document:" + $0.savedID.uuidString,
                    label: req.t("evidence_target.document") + req.t("punct.colon") + $0.title(l))
            }
            + articles.map {
                SelectOption(
                    value: "article:" + $0.savedID.uuidString, label: req.t("evidence_target.article") + req.t("punct.colon") + $0.title)
            }
    }
}
