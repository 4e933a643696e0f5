import Fluent
import Vapor

/// Staff's working page for one meeting: invitations by country, attendance, and links to every
/// part of the record.
struct MeetingAdminController: RouteCollection {
    struct HubContext: Encodable {
        struct Row: Encodable {
            let cells: [String]
            let editHref: String
        }
        struct Section: Encodable {
            let heading: String
            let rows: [Row]
            let newHref: String
        }
        struct ParticipantRow: Encodable {
            let id: String
            let name: String
            let represents: String
            let roles: String
            let registration: String
            let attendance: String
            let editHref: String
            let rsvpLink: String
            let illustrative: Bool
        }
        struct CountryOption: Encodable {
            let id: String
            let name: String
            let invited: Bool
            let activeFocalPoints: Int
        }
        let chrome: Chrome
        let csrf: String
        let meetingID: String
        let title: String
        let publicHref: String
        let editHref: String
        let when: String?
        let status: String
        let hubHref: String
        let sections: [Section]
        let participants: [ParticipantRow]
        let countries: [CountryOption]
        let people: [SelectOption]
        let summary: AttendanceEntry?
        let canDraftArticle: Bool
        let issues: [SelectOption]
        let notice: String?
        let error: String?
    }

    struct AttendanceContext: Encodable {
        struct Cell: Encodable {
            let name: String
            let value: String
        }
        struct Row: Encodable {
            let name: String
            let represents: String
            let field: String
            let value: String
            let sessions: [Cell]
            let illustrative: Bool
            /// Why the submitted sheet was refused on this row.
            var error: String? = nil
        }
        let chrome: Chrome
        let csrf: String
        let title: String
        let hubHref: String
        let action: String
        let sessionTitles: [String]
        let options: [SelectOption]
        let rows: [Row]
        var hasErrors = false
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "meetings", ":id")
        staff.get(use: hub)
        staff.post("invite-countries", use: inviteCountries)
        staff.post("invite-person", use: invitePerson)
        staff.get("attendance", use: attendanceForm)
        staff.post("attendance", use: saveAttendance)
    }

    private func meeting(_ req: Request) async throws -> Meeting {
        guard let id = req.parameters.get("id", as: UUID.self), let meeting = try await Meeting.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return meeting
    }

    func hub(req: Request) async throws -> View {
        try await renderHub(
            req, meeting: try await meeting(req), notice: (try? req.query.get(String.self, at: "notice")).map { req.t("hub." + $0) })
    }

    private func renderHub(_ req: Request, meeting: Meeting, notice: String? = nil, error: String? = nil) async throws -> View {
        let record = try await MeetingRecord.load(meeting, on: req.db)
        let id = meeting.savedID.uuidString
        let hub = "/admin/meetings/" + id
        let back = "?return=" + (hub.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? hub)
        let prefill = "?meeting_id=\(id)&return=" + (hub.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? hub)
        let l = req.language
        let secret = try req.application.focalConfig.sessionSecret
        let countries = try await Country.query(on: req.db).sort(\.$nameEn).all()
        let active = try await FocalPointAppointment.query(on: req.db).serving().all()
        let invited = Set(record.invitedCountries.compactMap(\.id))
        let context = HubContext(
            chrome: try await Chrome.make(for: req, title: meeting.title(l)), csrf: req.csrfToken(), meetingID: id, title: meeting.title(l),
            publicHref: "/meetings/" + meeting.slug, editHref: "/admin/meetings/\(id)/edit" + back, when: MeetingTime.describe(meeting, l),
            status: req.t("meeting_status." + meeting.status.rawValue), hubHref: hub,
            sections: [
                .init(
                    heading: req.t("hub.organisations"),
                    rows: record.organisations.map {
                        .init(
                            cells: [$0.organisation.name(l), req.t("meeting_org_role." + $0.role.rawValue)],
                            editHref: "/admin/meeting-organisations/\($0.savedID.uuidString)/edit" + back)
                    }, newHref: "/admin/meeting-organisations/new" + prefill),
                .init(
                    heading: req.t("meeting.agenda"),
                    rows: record.agenda.map {
                        .init(
                            cells: ["\($0.position)", $0.startsAt, $0.title(l), $0.presenter?.name(l) ?? ""],
                            editHref: "/admin/agenda-items/\($0.savedID.uuidString)/edit" + back)
                    }, newHref: "/admin/agenda-items/new" + prefill),
                .init(
                    heading: req.t("hub.sessions"),
                    rows: record.sessions.map {
                        .init(
                            cells: [LocalizedDate.format($0.day, l) ?? $0.day, $0.title(l)],
                            editHref: "/admin/meeting-sessions/\($0.savedID.uuidString)/edit" + back)
                    }, newHref: "/admin/meeting-sessions/new" + prefill),
                .init(
                    heading: req.t("meeting.statements"),
                    rows: record.statements.map {
                        .init(
                            cells: ["\($0.position)", $0.speaker.name(l), String($0.summary(l).prefix(120))],
                            editHref: "/admin/statements/\($0.savedID.uuidString)/edit" + back)
                    }, newHref: "/admin/statements/new" + prefill),
                .init(
                    heading: req.t("meeting.outcomes"),
                    rows: record.outcomes.map {
                        .init(
                            cells: [
                                req.t("outcome_kind." + $0.kind.rawValue), String($0.text(l).prefix(120)),
                                req.t("outcome_status." + $0.status.rawValue),
                            ],
                            editHref: "/admin/meeting-outcomes/\($0.savedID.uuidString)/edit" + back)
                    }, newHref: "/admin/meeting-outcomes/new" + prefill),
                .init(
                    heading: req.t("meeting.documents"),
                    rows: try await DocumentLink.query(on: req.db).filter(\.$target == .meeting).filter(\.$targetID == meeting.savedID)
                        .with(\.$document).all().map {
                            .init(cells: [$0.document.title(l)], editHref: "/admin/document-links/\($0.savedID.uuidString)/edit" + back)
                        }, newHref: "/admin/document-links/new" + prefill),
            ],
            participants: try record.participations.map { p in
                .init(
                    id: p.savedID.uuidString, name: p.person.name(l), represents: p.country?.name(l) ?? p.organisation?.name(l) ?? "",
                    roles: p.roles.map { req.t("participant_role." + $0.rawValue) }.joined(separator: req.t("punct.list")),
                    registration: req.t("registration." + p.registration.rawValue),
                    attendance: p.attendance.map { req.t("attendance." + $0.rawValue) } ?? "—",
                    editHref: "/admin/participations/\(p.savedID.uuidString)/edit" + back,
                    rsvpLink: try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
                        + MeetingLinks.rsvp(for: p, meeting: meeting, secret: secret),
                    illustrative: p.illustrative)
            },
            countries: countries.map { country in
                .init(
                    id: country.savedID.uuidString, name: country.name(l), invited: invited.contains(country.savedID),
                    activeFocalPoints: active.filter { $0.$country.id == country.id }.count)
            },
            people: try await RegistryOptions.people(req),
            summary: MeetingPresenter(request: req).attendance(record), canDraftArticle: meeting.status == .held,
            issues: try await NewsletterIssue.query(on: req.db).filter(\.$status != .published).sort(\.$year, .descending)
                .sort(\.$number, .descending).all().map {
                    SelectOption(value: $0.savedID.uuidString, label: IssueRecord.issueLine(year: $0.year, number: $0.number, l))
                },
            notice: notice, error: error)
        return try await req.view.render("meetings/admin-hub", context)
    }

    /// Invites member states: each gets an invitation record, and its currently active focal
    /// points are invited in person. Countries and people already invited are left as they are.
    func inviteCountries(req: Request) async throws -> Response {
        let meeting = try await meeting(req)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        let chosen = raw.keys.filter { $0.hasPrefix("country__") }.compactMap { UUID(uuidString: String($0.dropFirst("country__".count))) }
        let countries = try await Country.query(on: req.db).filter(\.$id ~~ chosen).all()
        guard !countries.isEmpty, countries.count == chosen.count else {
            return try await renderHub(req, meeting: meeting, error: req.t("hub.choose_countries")).encodeResponse(
                status: .unprocessableEntity, for: req)
        }
        try await req.db.transaction { db in
            try await MeetingInvitations.invite(countries: countries, to: meeting, by: req.currentUser, on: db)
        }
        return req.redirect(to: "/admin/meetings/\(meeting.savedID.uuidString)?notice=invited")
    }

    func invitePerson(req: Request) async throws -> Response {
        let meeting = try await meeting(req)
        let fields = [
            FieldSpec(name: "person_id", labelKey: "field.person", kind: .select(try await RegistryOptions.people(req)), required: true),
            .choice("role", "field.role", ParticipantRole.self, labelPrefix: "participant_role.", t: req.t),
        ]
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: fields)
        var errors = FormValidator.validate(input, fields: fields, t: req.t)
        if let personID = input.uuid("person_id"),
            try await Participation.query(on: req.db).filter(\.$meeting.$id == meeting.savedID).filter(\.$person.$id == personID).count()
                > 0
        {
            errors["person_id"] = req.t("validation.duplicate_participation")
        }
        guard errors.isEmpty, let personID = input.uuid("person_id") else {
            return try await renderHub(req, meeting: meeting, error: errors.messages.values.sorted().joined(separator: " "))
                .encodeResponse(status: .unprocessableEntity, for: req)
        }
        let position = try await Position.query(on: req.db).filter(\.$person.$id == personID).with(\.$organisation).all().first(
            where: \.isCurrent)
        try await req.db.transaction { db in
            let participation = Participation(
                meetingID: meeting.savedID, personID: personID, countryID: position?.organisation.$country.id,
                organisationID: position?.$organisation.id, roles: [ParticipantRole(rawValue: input.text("role")) ?? .delegate],
                registration: .invited)
            try await participation.save(on: db)
            try await AuditEntry(
                actor: req.currentUser, action: "create", entityType: "participation", entityID: participation.savedID.uuidString,
                summary: meeting.titleEn, before: [:], after: ParticipationResource.values(of: participation)
            ).save(on: db)
        }
        return req.redirect(to: "/admin/meetings/\(meeting.savedID.uuidString)?notice=invited")
    }

    func attendanceForm(req: Request) async throws -> Response {
        let meeting = try await meeting(req)
        return try await renderAttendance(req, meeting, try await MeetingRecord.load(meeting, on: req.db), submitted: nil, errors: [:])
    }

    /// The sheet as stored, or as submitted with a message on each refused row.
    private func renderAttendance(
        _ req: Request, _ meeting: Meeting, _ record: MeetingRecord, submitted: [String: String]?, errors: [String: String]
    ) async throws -> Response {
        let options =
            [SelectOption(value: "", label: "—")]
            + AttendanceStatus.allCases.map { SelectOption(value: $0.rawValue, label: req.t("attendance." + $0.rawValue)) }
        let l = req.language
        let rows = record.participations.filter { $0.registration != .declined && $0.registration != .withdrawn }.map { p in
            let field = "a__" + p.savedID.uuidString
            return AttendanceContext.Row(
                name: p.person.name(l), represents: p.country?.name(l) ?? p.organisation?.name(l) ?? "", field: field,
                value: Self.acceptable(submitted?[field]) ?? p.attendance?.rawValue ?? "",
                sessions: record.sessions.map { session in
                    let name = "s__\(session.savedID.uuidString)__\(p.savedID.uuidString)"
                    return AttendanceContext.Cell(
                        name: name,
                        value: Self.acceptable(submitted?[name])
                            ?? record.sessionAttendance.first { $0.$session.id == session.id && $0.$participation.id == p.id }?.status
                            .rawValue ?? "")
                },
                illustrative: p.illustrative, error: errors[field])
        }
        let context = AttendanceContext(
            chrome: try await Chrome.make(for: req, title: req.t("hub.attendance")), csrf: req.csrfToken(), title: meeting.title(l),
            hubHref: "/admin/meetings/" + meeting.savedID.uuidString, action: "/admin/meetings/\(meeting.savedID.uuidString)/attendance",
            sessionTitles: record.sessions.map { (LocalizedDate.format($0.day, l) ?? $0.day) + " · " + $0.title(l) }, options: options,
            rows: rows, hasErrors: !errors.isEmpty)
        let response = try await req.view.render("meetings/attendance", context).encodeResponse(for: req)
        response.status = errors.isEmpty ? .ok : .unprocessableEntity
        return response
    }

    /// A submitted value shown again only when it is one of the choices: a refused one would show
    /// as "—" and, saved again, erase what is stored.
    private static func acceptable(_ value: String?) -> String? {
        guard let value, value.isEmpty || AttendanceStatus(rawValue: value) != nil else { return nil }
        return value
    }

    /// Saves the whole attendance sheet at once; an unknown value refuses the sheet, names the
    /// participant and changes nothing.
    func saveAttendance(req: Request) async throws -> Response {
        let meeting = try await meeting(req)
        let record = try await MeetingRecord.load(meeting, on: req.db)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        var changes: [(Participation, AttendanceStatus?)] = []
        var sessionValues: [(UUID, UUID, AttendanceStatus?)] = []
        var errors: [String: String] = [:]
        for p in record.participations {
            let field = "a__" + p.savedID.uuidString
            guard let value = raw[field] else { continue }
            if !value.isEmpty, AttendanceStatus(rawValue: value) == nil {
                errors[field] = req.t("validation.choice")
                continue
            }
            changes.append((p, AttendanceStatus(rawValue: value)))
            for session in record.sessions {
                guard let cell = raw["s__\(session.savedID.uuidString)__\(p.savedID.uuidString)"] else { continue }
                if !cell.isEmpty, AttendanceStatus(rawValue: cell) == nil {
                    errors[field] = req.t("validation.choice") + " (" + session.title(req.language) + ")"
                    continue
                }
                sessionValues.append((session.savedID, p.savedID, AttendanceStatus(rawValue: cell)))
            }
        }
        guard errors.isEmpty else { return try await renderAttendance(req, meeting, record, submitted: raw, errors: errors) }
        let before = AttendanceSummary(record)
        let sheet = changes
        let sessionSheet = sessionValues
        try await req.db.transaction { db in
            for (participation, status) in sheet where participation.attendance != status {
                participation.attendance = status
                try await participation.save(on: db)
            }
            for (sessionID, participationID, status) in sessionSheet {
                try await SessionAttendance.query(on: db).filter(\.$session.$id == sessionID).filter(
                    \.$participation.$id == participationID
                ).delete()
                if let status {
                    try await SessionAttendance(sessionID: sessionID, participationID: participationID, status: status).save(on: db)
                }
            }
            let after = try await AttendanceSummary(MeetingRecord.load(meeting, on: db))
            try await AuditEntry(
                actor: req.currentUser, action: "update", entityType: "attendance", entityID: meeting.savedID.uuidString,
                summary: meeting.titleEn,
                before: ["delegates_present": "\(before.delegatesPresent)", "states_represented": "\(before.statesRepresented)"],
                after: ["delegates_present": "\(after.delegatesPresent)", "states_represented": "\(after.statesRepresented)"]
            ).save(on: db)
        }
        return req.redirect(to: "/admin/meetings/\(meeting.savedID.uuidString)?notice=attendance_saved")
    }
}
