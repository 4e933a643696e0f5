import Fluent
import Vapor

/// What a signed-in member edits about themselves: their person record, contact points and password.
struct AccountController: RouteCollection {
    struct ProfileContext: Encodable {
        struct ContactRow: Encodable {
            let id: String
            let kind: String
            let value: String
            let visibility: String
        }
        let chrome: Chrome
        let csrf: String
        let hasPerson: Bool
        let personForm: FormFields
        let personErrors: Bool
        let contacts: [ContactRow]
        let contactForm: FormFields
        let contactErrors: Bool
        let passwordForm: FormFields
        let passwordErrors: Bool
        let notice: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let member = routes.requiring(.focalPoint).grouped("account")
        member.get("profile", use: show)
        member.post("profile", use: updatePerson)
        member.post("contacts", use: addContact)
        member.post("contacts", ":id", "delete", use: deleteContact)
        member.post("password", use: changePassword)
    }

    static func passwordFields() -> [FieldSpec] {
        [
            FieldSpec(name: "current_password", labelKey: "field.current_password", kind: .password, required: true),
            FieldSpec(name: "new_password", labelKey: "field.new_password", kind: .password, required: true, hintKey: "hint.password"),
        ]
    }

    func show(req: Request) async throws -> Response {
        let notice = (try? req.query.get(String.self, at: "saved")) != nil ? req.t("account.saved") : nil
        return try await render(req, notice: notice)
    }

    func updatePerson(req: Request) async throws -> Response {
        let person = try await ownPerson(req)
        let fields = PersonResource.ownFields(req)
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: fields)
        let errors = FormValidator.validate(input, fields: fields, t: req.t)
        guard errors.isEmpty else { return try await render(req, personValues: input, personErrors: errors, status: .unprocessableEntity) }
        let before = PersonResource.values(of: person)
        PersonResource.apply(input, to: person)
        try await req.db.transaction { db in
            try await person.save(on: db)
            try await audit(req, "update", "person", person.savedID, person.nameEn, before, PersonResource.values(of: person), on: db)
        }
        return req.redirect(to: "/account/profile?saved=1")
    }

    func addContact(req: Request) async throws -> Response {
        let person = try await ownPerson(req)
        let fields = ContactPointResource.ownFields(req)
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: fields)
        var errors = FormValidator.validate(input, fields: fields, t: req.t)
        ContactPointResource.checkValue(input, req: req, errors: &errors)
        guard errors.isEmpty else {
            return try await render(req, contactValues: input, contactErrors: errors, status: .unprocessableEntity)
        }
        let point = ContactPoint()
        point.$person.id = person.savedID
        ContactPointResource.apply(input, to: point)
        try await req.db.transaction { db in
            try await point.save(on: db)
            try await audit(
                req, "create", "contact_point", point.savedID, ContactPointResource.label(of: point), [:],
                ContactPointResource.values(of: point), on: db)
        }
        return req.redirect(to: "/account/profile?saved=1")
    }

    func deleteContact(req: Request) async throws -> Response {
        let person = try await ownPerson(req)
        guard let id = req.parameters.get("id", as: UUID.self),
            let point = try await ContactPoint.query(on: req.db).filter(\.$id == id).filter(\.$person.$id == person.savedID).first()
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        try await req.db.transaction { db in
            try await audit(
                req, "delete", "contact_point", id, ContactPointResource.label(of: point), ContactPointResource.values(of: point), [:],
                on: db)
            try await point.delete(on: db)
        }
        return req.redirect(to: "/account/profile?saved=1")
    }

    func changePassword(req: Request) async throws -> Response {
        guard let user = req.currentUser else { throw Abort(.unauthorized) }
        let fields = Self.passwordFields()
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: fields)
        var errors = FormValidator.validate(input, fields: fields, t: req.t)
        if errors["current_password"] == nil,
            try await !req.password.async.verify(input.text("current_password"), created: user.passwordHash)
        {
            errors["current_password"] = req.t("validation.current_password")
        }
        guard errors.isEmpty else { return try await render(req, passwordErrors: errors, status: .unprocessableEntity) }
        user.passwordHash = try await req.password.async.hash(input.text("new_password"))
        try await req.db.transaction { db in
            try await user.save(on: db)
            try await audit(req, "update", "user", user.savedID, user.email, ["password": "…"], ["password": "changed"], on: db)
        }
        SessionFreshnessMiddleware.passwordChanged(req, user: user)
        return req.redirect(to: "/account/profile?saved=1")
    }

    private func ownPerson(_ req: Request) async throws -> Person {
        guard let id = req.currentUser?.$person.id, let person = try await Person.find(id, on: req.db) else {
            throw Abort(.forbidden, reason: req.t("account.no_person"))
        }
        return person
    }

    private func audit(
        _ req: Request, _ action: String, _ entity: String, _ id: UUID, _ summary: String, _ before: [String: String],
        _ after: [String: String],
        on db: any Database
    ) async throws {
        try await AuditEntry(
            actor: req.currentUser, action: action, entityType: entity, entityID: id.uuidString, summary: summary, before: before,
            after: after
        ).save(on: db)
    }

    private func render(
        _ req: Request, personValues: [String: String]? = nil, personErrors: FieldErrors = FieldErrors(),
        contactValues: [String: String] = [:],
        contactErrors: FieldErrors = FieldErrors(), passwordErrors: FieldErrors = FieldErrors(), notice: String? = nil,
        status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        var person: Person?
        var contacts: [ContactPoint] = []
        if let id = req.currentUser?.$person.id {
            person = try await Person.find(id, on: req.db)
            contacts = try await ContactPoint.query(on: req.db).filter(\.$person.$id == id).sort(\.$kind).all()
        }
        let context = ProfileContext(
            chrome: try await Chrome.make(for: req, title: req.t("account.title")),
            csrf: req.csrfToken(),
            hasPerson: person != nil,
            personForm: FormFields(
                fields: FieldView.make(
                    PersonResource.ownFields(req), values: personValues ?? person.map(PersonResource.values(of:)) ?? [:],
                    errors: personErrors, t: req.t)),
            personErrors: !personErrors.isEmpty,
            contacts: contacts.map {
                ProfileContext.ContactRow(
                    id: $0.savedID.uuidString, kind: req.t("contact_kind." + $0.kind.rawValue), value: $0.value,
                    visibility: req.t("visibility." + $0.visibility.rawValue))
            },
            contactForm: FormFields(
                fields: FieldView.make(ContactPointResource.ownFields(req), values: contactValues, errors: contactErrors, t: req.t)),
            contactErrors: !contactErrors.isEmpty,
            passwordForm: FormFields(fields: FieldView.make(Self.passwordFields(), values: [:], errors: passwordErrors, t: req.t)),
            passwordErrors: !passwordErrors.isEmpty,
            notice: notice)
        let response = try await req.view.render("auth/profile", context).encodeResponse(for: req)
        response.status = status
        return response
    }
}
