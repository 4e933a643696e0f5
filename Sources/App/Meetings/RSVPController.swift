import Fluent
import Vapor

/// Answering an invitation: by the signed link in the invitation or signed in. Focal points may
/// also register further members of their delegation.
struct RSVPController: RouteCollection {
    enum Answer: String, CaseIterable {
        case register
        case decline
        case withdraw
    }

    struct RSVPPageContext: Encodable {
        struct Member: Encodable {
            let name: String
            let organisation: String
            let registration: String
        }
        let chrome: Chrome
        let csrf: String
        let action: String
        let meeting: MeetingSummaryEntry
        let name: String
        let represents: String
        let registration: String
        let canRegister: Bool
        let canDecline: Bool
        let canWithdraw: Bool
        let consent: Bool
        let closed: Bool
        let notice: String?
        let error: String?
        let mayRegisterDelegation: Bool
        let delegation: [Member]
        let delegationForm: FormFields
        let delegationErrors: Bool
        let calendarHref: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.requiring(.anonymous)
        open.get("rsvp", ":token", use: showByToken)
        open.post("rsvp", ":token", use: answerByToken)
        open.post("rsvp", ":token", "delegation", use: delegationByToken)
        let member = routes.requiring(.focalPoint)
        member.get("meetings", ":slug", "rsvp", use: showSignedIn)
        member.post("meetings", ":slug", "rsvp", use: answerSignedIn)
        member.post("meetings", ":slug", "rsvp", "delegation", use: delegationSignedIn)
    }

    /// The participation a signed link stands for; forged, malformed and expired links are refused.
    static func participation(_ req: Request, token: String, purpose: String) async throws -> Participation {
        let id: UUID
        let secret = try req.application.focalConfig.sessionSecret
        do {
            id = try SignedToken.verify(token, purpose: purpose, secret: secret)
        } catch .expired {
            throw Abort(.gone, reason: req.t("rsvp.link_expired"))
        } catch {
            throw Abort(.forbidden, reason: req.t("rsvp.link_invalid"))
        }
        guard
            let participation = try await Participation.query(on: req.db).filter(\.$id == id).with(\.$person).with(\.$country)
                .with(\.$organisation).with(\.$meeting).first()
        else { throw Abort(.gone, reason: req.t("rsvp.link_invalid")) }
        return participation
    }

    private func signedIn(_ req: Request) async throws -> Participation {
        guard let personID = req.currentUser?.$person.id,
            let meeting = try await Meeting.query(on: req.db).filter(\.$slug == (req.parameters.get("slug") ?? "")).first(),
            let participation = try await Participation.query(on: req.db).filter(\.$meeting.$id == meeting.savedID)
                .filter(\.$person.$id == personID).with(\.$person).with(\.$country).with(\.$organisation).with(\.$meeting).first()
        else { throw Abort(.notFound, reason: req.t("rsvp.not_invited")) }
        return participation
    }

    func showByToken(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        return try await render(req, try await Self.participation(req, token: token, purpose: "rsvp"), action: "/rsvp/" + token)
    }

    func answerByToken(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        return try await answer(req, try await Self.participation(req, token: token, purpose: "rsvp"), action: "/rsvp/" + token)
    }

    func delegationByToken(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        return try await registerMember(req, try await Self.participation(req, token: token, purpose: "rsvp"), action: "/rsvp/" + token)
    }

    func showSignedIn(req: Request) async throws -> Response {
        let participation = try await signedIn(req)
        return try await render(req, participation, action: "/meetings/\(participation.meeting.slug)/rsvp")
    }

    func answerSignedIn(req: Request) async throws -> Response {
        let participation = try await signedIn(req)
        return try await answer(req, participation, action: "/meetings/\(participation.meeting.slug)/rsvp")
    }

    func delegationSignedIn(req: Request) async throws -> Response {
        let participation = try await signedIn(req)
        return try await registerMember(req, participation, action: "/meetings/\(participation.meeting.slug)/rsvp")
    }

    private func isClosed(_ meeting: Meeting) -> Bool {
        meeting.status == .held || meeting.status == .cancelled
    }

    private func answer(_ req: Request, _ participation: Participation, action: String) async throws -> Response {
        struct Form: Content {
            var answer: String?
            var consent: String?
        }
        let form = try req.content.decode(Form.self)
        req.publicPagesChanged = nil
        guard let answer = form.answer.flatMap(Answer.init(rawValue:)) else {
            return try await render(req, participation, action: action, error: req.t("rsvp.choose_answer"), status: .unprocessableEntity)
        }
        guard !isClosed(participation.meeting) else {
            return try await render(req, participation, action: action, error: req.t("rsvp.closed"), status: .conflict)
        }
        let before = ParticipationResource.values(of: participation)
        switch (answer, participation.registration) {
        case (.register, .approved): break
        case (.register, _): participation.registration = .registered
        case (.decline, .invited), (.decline, .registered): participation.registration = .declined
        case (.withdraw, .registered), (.withdraw, .approved): participation.registration = .withdrawn
        default:
            return try await render(req, participation, action: action, error: req.t("rsvp.not_possible"), status: .conflict)
        }
        participation.publicListConsent = answer == .register && form.consent == "yes"
        participation.respondedAt = Date()
        // An answer shows on the meeting's pages (who is registered, the public list) and
        // nowhere else: the plan's figures count attendance, which the secretariat records.
        req.publicPagesChanged = .sections(["meetings", "meetings.ics"])
        try await req.db.transaction { db in
            try await participation.save(on: db)
            try await AuditEntry(
                actor: req.currentUser, actorLabel: "invitation link of " + participation.person.nameEn, action: "update",
                entityType: "participation", entityID: participation.savedID.uuidString, summary: participation.person.nameEn,
                before: before,
                after: ParticipationResource.values(of: participation)
            ).save(on: db)
        }
        return try await render(req, participation, action: action, notice: req.t("rsvp.saved"))
    }

    static func delegationFields(_ req: Request, countryID: UUID?) async throws -> [FieldSpec] {
        let organisations = try await Organisation.query(on: req.db).filter(\.$country.$id == countryID).sort(\.$nameEn).all()
        return [
            FieldSpec(name: "name_en", labelKey: "field.person_name_en", kind: .text, required: true, maxLength: 120),
            FieldSpec(name: "name_zh", labelKey: "field.person_name_zh", kind: .text, maxLength: 120),
            FieldSpec(name: "honorific", labelKey: "field.honorific", kind: .text, maxLength: 40),
            FieldSpec(name: "email", labelKey: "field.email", kind: .email, required: true, maxLength: 254),
            FieldSpec(
                name: "organisation_id", labelKey: "field.organisation",
                kind: .select(
                    RegistryOptions.optional(
                        organisations.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) }, req))),
            FieldSpec(
                name: "role", labelKey: "field.role",
                kind: .select(
                    [ParticipantRole.delegate, .headOfDelegation, .observer].map {
                        SelectOption(value: $0.rawValue, label: req.t("participant_role." + $0.rawValue))
                    }), required: true),
        ]
    }

    /// Only the country's active focal points speak for its delegation.
    static func mayRegisterDelegation(_ participation: Participation, on db: any Database) async throws -> Bool {
        guard let countryID = participation.$country.id else { return false }
        return try await FocalPointAppointment.query(on: db).filter(\.$country.$id == countryID)
            .filter(\.$person.$id == participation.$person.id).serving().count() > 0
    }

    private func registerMember(_ req: Request, _ participation: Participation, action: String) async throws -> Response {
        guard try await Self.mayRegisterDelegation(participation, on: req.db), let countryID = participation.$country.id else {
            throw Abort(.forbidden, reason: req.t("rsvp.not_focal_point"))
        }
        guard !isClosed(participation.meeting) else {
            return try await render(req, participation, action: action, error: req.t("rsvp.closed"), status: .conflict)
        }
        let fields = try await Self.delegationFields(req, countryID: countryID)
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: fields)
        var errors = FormValidator.validate(input, fields: fields, t: req.t)
        let email = User.normalise(input.text("email"))
        // The address finds nobody in the registry for the caller: a focal point registers a new
        // person of their delegation by the name they type, and learns nothing of who else uses
        // that address. Only the same address already in their own country's delegation is refused.
        let sameAddress = try await ContactPoint.query(on: req.db).filter(\.$kind == .email).filter(\.$value == email).all()
            .map(\.$person.id)
        if !sameAddress.isEmpty,
            try await Participation.query(on: req.db).filter(\.$meeting.$id == participation.$meeting.id)
                .filter(\.$country.$id == countryID).filter(\.$person.$id ~~ sameAddress).count() > 0
        {
            errors["email"] = req.t("validation.duplicate_participation")
        }
        guard errors.isEmpty else {
            return try await render(
                req, participation, action: action, delegationValues: input, delegationErrors: errors, status: .unprocessableEntity)
        }
        try await req.db.transaction { db in
            let person = Person(nameEn: input.text("name_en"), nameZh: input.text("name_zh"), honorific: input.text("honorific"))
            try await person.save(on: db)
            try await ContactPoint(personID: person.savedID, kind: .email, value: email, visibility: .secretariat).save(on: db)
            let member = Participation(
                meetingID: participation.$meeting.id, personID: person.savedID, countryID: countryID,
                organisationID: input.uuid("organisation_id"),
                roles: [ParticipantRole(rawValue: input.text("role")) ?? .delegate], registration: .registered)
            member.$registeredBy.id = participation.id
            try await member.save(on: db)
            try await AuditEntry(
                actor: req.currentUser, actorLabel: "invitation link of " + participation.person.nameEn, action: "create",
                entityType: "participation", entityID: member.savedID.uuidString, summary: person.nameEn, before: [:],
                after: ParticipationResource.values(of: member)
            ).save(on: db)
        }
        return try await render(req, participation, action: action, notice: req.t("rsvp.member_added"))
    }

    private func render(
        _ req: Request, _ participation: Participation, action: String, notice: String? = nil, error: String? = nil,
        delegationValues: [String: String] = ["role": "delegate"], delegationErrors: FieldErrors = FieldErrors(),
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let meeting = participation.meeting
        let mayRegister = try await Self.mayRegisterDelegation(participation, on: req.db)
        let members = try await Participation.query(on: req.db).filter(\.$registeredBy.$id == participation.savedID).with(\.$person)
            .with(\.$organisation).all()
        let registration = participation.registration
        let context = RSVPPageContext(
            chrome: try await Chrome.make(for: req, title: req.t("rsvp.title") + " · " + meeting.title(req.language)),
            csrf: req.csrfToken(), action: action, meeting: MeetingPresenter(request: req).summary(meeting),
            name: participation.person.name(req.language),
            represents: participation.country?.name(req.language) ?? participation.organisation?.name(req.language) ?? "",
            registration: req.t("registration." + registration.rawValue),
            canRegister: registration != .registered && registration != .approved,
            canDecline: registration == .invited || registration == .registered,
            canWithdraw: registration == .registered || registration == .approved,
            consent: participation.publicListConsent, closed: isClosed(meeting), notice: notice, error: error,
            mayRegisterDelegation: mayRegister,
            delegation: members.map {
                .init(
                    name: $0.person.name(req.language), organisation: $0.organisation?.name(req.language) ?? "",
                    registration: req.t("registration." + $0.registration.rawValue))
            },
            delegationForm: FormFields(
                fields: FieldView.make(
                    try await Self.delegationFields(req, countryID: participation.$country.id), values: delegationValues,
                    errors: delegationErrors,
                    t: req.t)),
            delegationErrors: !delegationErrors.isEmpty,
            calendarHref: participation.isRegistered && meeting.startsAt != nil
                ? MeetingLinks.calendar(for: participation, meeting: meeting, secret: try req.application.focalConfig.sessionSecret) : nil)
        let response = try await req.view.render("meetings/rsvp", context).encodeResponse(for: req)
        response.status = status
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
