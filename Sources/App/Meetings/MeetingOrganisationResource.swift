import Fluent
import Vapor

struct MeetingOrganisationResource: AdminResource {
    typealias Record = MeetingOrganisation
    static let slug = "meeting-organisations"
    static let auditEntity = "meeting_organisation"
    static let columnKeys = ["field.meeting", "field.organisation", "field.role"]

    static func fields(_ req: Request, editing record: MeetingOrganisation?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "meeting_id", labelKey: "field.meeting", kind: .select(try await RegistryOptions.meetings(req)), required: true),
            FieldSpec(
                name: "organisation_id", labelKey: "field.organisation", kind: .select(try await RegistryOptions.organisations(req)),
                required: true),
            .choice("role", "field.role", MeetingOrganisationRole.self, labelPrefix: "meeting_org_role.", t: req.t),
        ]
    }

    static func values(of m: MeetingOrganisation) -> [String: String] {
        ["meeting_id": m.$meeting.id.uuidString, "organisation_id": m.$organisation.id.uuidString, "role": m.role.rawValue]
    }

    static func apply(_ input: [String: String], to m: MeetingOrganisation) {
        if let meeting = input.uuid("meeting_id") { m.$meeting.id = meeting }
        if let org = input.uuid("organisation_id") { m.$organisation.id = org }
        m.role = MeetingOrganisationRole(rawValue: input.text("role")) ?? .organiser
        if m.id == nil { m.position = 0 }
    }

    static func check(_ input: [String: String], existing: MeetingOrganisation?, req: Request, errors: inout FieldErrors) async throws {
        guard let meetingID = input.uuid("meeting_id"), let orgID = input.uuid("organisation_id"),
            let role = MeetingOrganisationRole(rawValue: input.text("role"))
        else { return }
        let same = try await MeetingOrganisation.query(on: req.db).filter(\.$meeting.$id == meetingID).filter(\.$organisation.$id == orgID)
            .filter(\.$role == role).first()
        if let same, same.id != existing?.id { errors["organisation_id"] = req.t("validation.already_listed") }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["organisation_id": req.t("validation.already_listed")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<MeetingOrganisation> {
        MeetingOrganisation.query(on: db).with(\.$meeting).with(\.$organisation)
    }

    static func cells(of m: MeetingOrganisation, _ req: Request) -> [String] {
        [m.meeting.title(req.language), m.organisation.name(req.language), req.t("meeting_org_role." + m.role.rawValue)]
    }

    static func label(of m: MeetingOrganisation) -> String { m.role.rawValue }
}
