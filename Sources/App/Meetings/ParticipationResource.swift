import Fluent
import Vapor

struct ParticipationResource: AdminResource {
    typealias Record = Participation
    static let slug = "participations"
    static let auditEntity = "participation"
    static let columnKeys = ["field.meeting", "field.person", "field.represents", "field.roles", "field.registration", "field.attendance"]

    static func fields(_ req: Request, editing record: Participation?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting", kind: .select(try await RegistryOptions.meetings(req)), required: true),
            FieldSpec(name: "person_id", labelKey: "field.person", kind: .select(try await RegistryOptions.people(req)), required: true),
            FieldSpec(
                name: "country_id", labelKey: "field.representing_country",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.countries(req), req))),
            FieldSpec(
                name: "organisation_id", labelKey: "field.representing_organisation",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.organisations(req), req))),
            FieldSpec(
                name: "roles", labelKey: "field.roles",
                kind: .multiSelect(
                    ParticipantRole.allCases.map { SelectOption(value: $0.rawValue, label: req.t("participant_role." + $0.rawValue)) }),
                required: true),
            .choice("registration", "field.registration", RegistrationStatus.self, labelPrefix: "registration.", t: req.t),
            .choice("attendance", "field.attendance", AttendanceStatus.self, labelPrefix: "attendance.", required: false, t: req.t),
            .yesNo("public_list_consent", "field.public_list_consent", req: req),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of p: Participation) -> [String: String] {
        [
            "meeting_id": p.$meeting.id.uuidString, "person_id": p.$person.id.uuidString, "country_id": p.$country.id?.uuidString ?? "",
            "organisation_id": p.$organisation.id?.uuidString ?? "", "roles": p.rolesText, "registration": p.registration.rawValue,
            "attendance": p.attendance?.rawValue ?? "", "public_list_consent": p.publicListConsent ? "yes" : "no",
            "illustrative": p.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to p: Participation) {
        if let meeting = input.uuid("meeting_id") { p.$meeting.id = meeting }
        if let person = input.uuid("person_id") { p.$person.id = person }
        p.$country.id = input.uuid("country_id")
        p.$organisation.id = input.uuid("organisation_id")
        p.rolesText = input.text("roles")
        p.registration = RegistrationStatus(rawValue: input.text("registration")) ?? .invited
        p.attendance = AttendanceStatus(rawValue: input.text("attendance"))
        p.publicListConsent = input["public_list_consent"] == "yes"
        p.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: Participation?, req: Request, errors: inout FieldErrors) async throws {
        // Someone who declined or withdrew was not there: "present" contradicts the registration.
        if errors["attendance"] == nil, input.text("attendance") == AttendanceStatus.present.rawValue,
            [RegistrationStatus.declined.rawValue, RegistrationStatus.withdrawn.rawValue].contains(input.text("registration"))
        {
            errors["attendance"] = req.t("validation.present_but_declined")
        }
        guard let meetingID = input.uuid("meeting_id"), let personID = input.uuid("person_id") else { return }
        let duplicate = try await Participation.query(on: req.db).filter(\.$meeting.$id == meetingID).filter(\.$person.$id == personID)
            .first()
        if let duplicate, duplicate.id != existing?.id { errors["person_id"] = req.t("validation.duplicate_participation") }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["person_id": req.t("validation.duplicate_participation")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Participation> {
        // Newest meeting first, then by name: the order of a list that spans every meeting.
        Participation.query(on: db).join(Meeting.self, on: \Participation.$meeting.$id == \Meeting.$id)
            .join(Person.self, on: \Participation.$person.$id == \Person.$id).sort(Meeting.self, \.$startsAt, .descending)
            .sort(Person.self, \.$nameEn).with(\.$meeting).with(\.$person).with(\.$country).with(\.$organisation)
    }

    static func cells(of p: Participation, _ req: Request) -> [String] {
        [
            p.meeting.title(req.language), p.person.name(req.language) + (p.illustrative ? " (" + req.t("illustrative.badge") + ")" : ""),
            p.country?.name(req.language) ?? p.organisation?.name(req.language) ?? "",
            p.roles.map { req.t("participant_role." + $0.rawValue) }.joined(separator: req.t("punct.list")),
            req.t("registration." + p.registration.rawValue),
            p.attendance.map { req.t("attendance." + $0.rawValue) } ?? "",
        ]
    }

    static func label(of p: Participation) -> String { p.$person.value?.nameEn ?? p.$person.id.uuidString }
}
