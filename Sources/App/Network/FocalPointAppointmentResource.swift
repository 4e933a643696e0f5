import Fluent
import Vapor

struct FocalPointAppointmentResource: AdminResource {
    typealias Record = FocalPointAppointment
    static let slug = "focal-points"
    static let auditEntity = "focal_point"
    static let canEnd = true
    static let columnKeys = [
        "field.country", "field.role_type", "field.rank", "field.person", "field.status", "field.start_date", "field.end_date",
    ]

    static func fields(_ req: Request, editing record: FocalPointAppointment?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "country_id", labelKey: "field.country", kind: .select(try await RegistryOptions.countries(req)), required: true),
            .choice("role_type", "field.role_type", FocalPointRoleType.self, labelPrefix: "focal_role.", t: req.t),
            .choice("rank", "field.rank", FocalPointRank.self, labelPrefix: "focal_rank.", t: req.t),
            FieldSpec(name: "person_id", labelKey: "field.person", kind: .select(try await RegistryOptions.people(req)), required: true),
            .choice("status", "field.status", AppointmentStatus.self, labelPrefix: "appointment_status.", t: req.t),
            FieldSpec(name: "start_date", labelKey: "field.start_date", kind: .date),
            FieldSpec(name: "end_date", labelKey: "field.end_date", kind: .date),
            FieldSpec(
                name: "nomination_letter", labelKey: "field.nomination_letter", kind: .text, maxLength: 200,
                hintKey: "hint.nomination_letter"),
            FieldSpec(
                name: "illustrative", labelKey: "field.illustrative",
                kind: .select([
                    SelectOption(value: "no", label: req.t("option.no")), SelectOption(value: "yes", label: req.t("option.yes")),
                ]),
                required: true, hintKey: "hint.illustrative"),
        ]
    }

    static func values(of appointment: FocalPointAppointment) -> [String: String] {
        [
            "country_id": appointment.$country.id.uuidString, "role_type": appointment.roleType.rawValue, "rank": appointment.rank.rawValue,
            "person_id": appointment.$person.id.uuidString, "status": appointment.status.rawValue,
            "start_date": appointment.startDate ?? "",
            "end_date": appointment.endDate ?? "", "nomination_letter": appointment.nominationLetter,
            "illustrative": appointment.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to appointment: FocalPointAppointment) {
        if let country = input.uuid("country_id") { appointment.$country.id = country }
        if let person = input.uuid("person_id") { appointment.$person.id = person }
        appointment.roleType = FocalPointRoleType(rawValue: input.text("role_type")) ?? .national
        appointment.rank = FocalPointRank(rawValue: input.text("rank")) ?? .primary
        appointment.status = AppointmentStatus(rawValue: input.text("status")) ?? .nominated
        appointment.startDate = input["start_date"].nonEmpty
        appointment.endDate = input["end_date"].nonEmpty
        appointment.nominationLetter = input.text("nomination_letter")
        appointment.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: FocalPointAppointment?, req: Request, errors: inout FieldErrors) async throws {
        let today = CalendarDate.today()
        let status = AppointmentStatus(rawValue: input.text("status"))
        let start = input.text("start_date")
        let end = input.text("end_date")
        if errors["start_date"] == nil, errors["end_date"] == nil, !start.isEmpty, !end.isEmpty, end < start {
            errors["end_date"] = req.t("validation.end_before_start")
        }
        if status == .active, errors["start_date"] == nil, !start.isEmpty, start > today {
            errors["start_date"] = req.t("validation.appointment_not_begun")
        }
        if status == .active, errors["end_date"] == nil, !end.isEmpty, end < today {
            errors["end_date"] = req.t("validation.appointment_past_end")
        }
        if status == .ended, errors["end_date"] == nil, !end.isEmpty, end > today {
            errors["end_date"] = req.t("validation.appointment_end_future")
        }
        guard errors.isEmpty, input["status"] == AppointmentStatus.active.rawValue, input["rank"] == FocalPointRank.primary.rawValue,
            let countryID = input.uuid("country_id"), let roleType = FocalPointRoleType(rawValue: input.text("role_type"))
        else { return }
        let holders = try await FocalPointAppointment.query(on: req.db)
            .filter(\.$country.$id == countryID).filter(\.$roleType == roleType)
            .filter(\.$status == .active).filter(\.$rank == .primary).with(\.$person).all()
        if let holder = holders.first(where: { $0.id != existing?.id }) {
            errors["status"] = req.t("validation.active_primary_taken", ["name": holder.person.name(req.language)])
        }
    }

    /// The partial unique index caught a concurrent appointment the check above could not see.
    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["status": req.t("validation.active_primary_taken", ["name": req.t("entity.focal_point")])])
    }

    /// Focal points are subscribers through their person record (issue: "unless they opt out").
    static func afterSave(_ record: Record, input: [String: String], req: Request, on db: any Database) async throws {
        try await FocalPointSubscribers.syncAll(on: db)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<FocalPointAppointment> {
        FocalPointAppointment.query(on: db).join(Country.self, on: \FocalPointAppointment.$country.$id == \Country.$id)
            .sort(Country.self, \.$nameEn).sort(\.$roleType).sort(\.$rank).with(\.$country).with(\.$person)
    }

    static func cells(of appointment: FocalPointAppointment, _ req: Request) -> [String] {
        [
            appointment.country.name(req.language), req.t("focal_role." + appointment.roleType.rawValue),
            req.t("focal_rank." + appointment.rank.rawValue),
            appointment.person.name(req.language) + (appointment.illustrative ? " (" + req.t("illustrative.badge") + ")" : ""),
            req.t("appointment_status." + appointment.status.rawValue), LocalizedDate.format(appointment.startDate, req.language) ?? "",
            LocalizedDate.format(appointment.endDate, req.language) ?? "",
        ]
    }

    static func label(of appointment: FocalPointAppointment) -> String {
        appointment.roleType.rawValue + " / " + appointment.rank.rawValue + " / " + appointment.status.rawValue
    }

    static func isEnded(_ appointment: FocalPointAppointment) -> Bool { appointment.status == .ended }

    static func end(_ appointment: FocalPointAppointment, on date: String) {
        appointment.status = .ended
        appointment.endDate = date
        if let start = appointment.startDate, start > date { appointment.startDate = date }
    }
}
