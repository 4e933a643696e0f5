import Crypto
import Fluent
import SMTPKit
import Vapor

/// Subscribing with double opt-in, confirming, choosing language and lists, and unsubscribing —
/// all by signed links, without a password. Link scanners only ever GET: every change is a POST.
struct SubscriptionController: RouteCollection {
    static let consentTextVersion = "subscribe-2026-11"

    struct FormContext: Encodable {
        let chrome: Chrome
        let csrf: String
        let form: FormFields
        let hasErrors: Bool
        let notice: String?
        let consentText: String
    }

    struct TokenPageContext: Encodable {
        let chrome: Chrome
        let csrf: String
        let heading: String
        let text: String
        let action: String?
        let button: String?
        let form: FormFields?
        let done: Bool
    }

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.requiring(.anonymous)
        open.get("subscribe", use: form)
        open.post("subscribe", use: subscribe)
        open.get("subscribe", "confirm", ":token", use: confirmPage)
        open.post("subscribe", "confirm", ":token", use: confirm)
        open.get("mail", "preferences", ":token", use: preferencesPage)
        open.post("mail", "preferences", ":token", use: savePreferences)
        open.get("mail", "unsubscribe", ":token", use: unsubscribePage)
        // Mail programs post "List-Unsubscribe=One-Click" without our cookies (RFC 8058): the signed
        // token in the address is the proof, so this one form is exempt from the CSRF check.
        open.post("mail", "unsubscribe", ":token", use: unsubscribe).csrfExempt = true
    }

    private func fields(_ req: Request) async throws -> [FieldSpec] {
        let lists = try await MailingList.query(on: req.db).filter(\.$focalPoints == false).sort(\.$nameEn).all()
        return [
            FieldSpec(name: "email", labelKey: "field.email", kind: .email, required: true, maxLength: 254),
            FieldSpec(name: "name", labelKey: "field.name", kind: .text, maxLength: 120),
            .choice("language", "field.mail_language", SubscriberLanguage.self, labelPrefix: "mail_language.", t: req.t),
            FieldSpec(
                name: "lists", labelKey: "field.lists",
                kind: .multiSelect(lists.map { SelectOption(value: $0.slug, label: $0.name(req.language)) }), required: true),
        ]
    }

    func form(req: Request) async throws -> View {
        // The home page's subscribe box brings the address along; it is checked when the form is sent.
        let email = String(
            ((try? req.query.get(String.self, at: "email")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(254))
        return try await render(
            req, values: ["language": req.language.rawValue, "lists": "newsletter", "email": email], errors: FieldErrors(), notice: nil)
    }

    func subscribe(req: Request) async throws -> Response {
        let specs = try await fields(req)
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: specs)
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        let email = Subscriber.normalise(input.text("email"))
        if errors["email"] == nil, !MailAddress.isValidEnvelopeAddress(email) { errors["email"] = req.t("validation.email") }
        if input.text("name").contains(where: \.isNewline) { errors["name"] = req.t("validation.header_injection") }
        // Said before anything is stored, and the same for every such address, known or not: a
        // link promised to an address the server cannot take would never arrive.
        if errors["email"] == nil, !email.allSatisfy(\.isASCII), let engine = req.application.mailEngine,
            (try? await engine.acceptsInternationalAddresses()) == false
        {
            errors["email"] = req.t("validation.email_needs_smtputf8")
        }
        guard errors.isEmpty else {
            return try await render(req, values: input, errors: errors, notice: nil).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let throttle = req.application.subscribeThrottle
        let client = try "ip:" + Self.ipHash(req)
        guard throttle.allows(client) else {
            return try await render(req, values: input, errors: FieldErrors(), notice: req.t("subscribe.too_many"))
                .encodeResponse(status: .tooManyRequests, for: req)
        }
        throttle.recordFailure(client)
        let lists = try await MailingList.query(on: req.db).filter(\.$slug ~~ input.text("lists").split(separator: ",").map(String.init))
            .all()
        let existing = try await Subscriber.query(on: req.db).filter(\.$email == email).first()
        // The answer is the same whoever the address belongs to. Someone already confirmed is not
        // asked again. Anyone else known (pending, unsubscribed, bounced, complained) keeps their
        // record as it is — status, name and language change only when they confirm through the
        // link sent to them — and at most one link goes to an address in the throttle's window.
        if existing?.status != .confirmed {
            let subscriber = existing ?? Subscriber(email: email, name: input.text("name"), language: .en, status: .pending)
            if existing == nil { subscriber.language = SubscriberLanguage(rawValue: input.text("language")) ?? .en }
            try await req.db.transaction { db in
                try await subscriber.save(on: db)
                for list in lists
                where try await Subscription.query(on: db).filter(\.$subscriber.$id == subscriber.savedID).filter(
                    \.$list.$id == list.savedID
                )
                .count()
                    == 0
                {
                    try await Subscription(subscriberID: subscriber.savedID, listID: list.savedID).save(on: db)
                }
                try await ConsentEvent(
                    subscriberID: subscriber.savedID, action: existing == nil ? "subscribe" : "subscribe-request",
                    textVersion: Self.consentTextVersion, language: req.language.rawValue,
                    source: "subscribe-form", ipHash: Self.ipHash(req), detail: lists.map(\.slug).joined(separator: ",")
                ).save(on: db)
            }
            let mailbox = req.application.confirmationThrottle
            if mailbox.allows(email) {
                mailbox.recordFailure(email)
                try await sendConfirmation(to: subscriber, req: req)
            }
        }
        return try await render(req, values: [:], errors: FieldErrors(), notice: req.t("subscribe.check_mail")).encodeResponse(for: req)
    }

    private func sendConfirmation(to subscriber: Subscriber, req: Request) async throws {
        guard let engine = req.application.mailEngine else {
            req.logger.warning("No SMTP server configured: the confirmation for \(subscriber.email) was not sent")
            return
        }
        let token = SignedToken.make(
            purpose: "confirm", subject: subscriber.savedID, expires: Date().addingTimeInterval(72 * 3600),
            secret: try req.application.focalConfig.sessionSecret)
        let language: Language = subscriber.language == .zh ? .zh : .en
        let link =
            try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/") + "/subscribe/confirm/" + token + "?lang="
            + language.rawValue
        let text = req.application.localizer.text("subscribe.confirm_mail", language, ["link": link])
        let message = MailMessage(
            from: try MailAddress(engine.settings.fromAddress, name: engine.settings.fromName),
            to: [try MailAddress(subscriber.email, name: subscriber.name)],
            subject: req.application.localizer.text("subscribe.confirm_subject", language), text: text,
            messageID:
                "confirm.\(UUID().uuidString.lowercased())@\(try req.application.focalConfig.baseURL.host ?? "focal")"
        )
        do {
            try await engine.sendSingle(message)
        } catch {
            req.logger.report(error: error)
        }
    }

    private func subscriber(_ req: Request, purpose: String) async throws -> Subscriber {
        let id: UUID
        let secret = try req.application.focalConfig.sessionSecret
        do {
            id = try SignedToken.verify(req.parameters.get("token") ?? "", purpose: purpose, secret: secret)
        } catch .expired {
            throw Abort(.gone, reason: req.t("mail.link_expired"))
        } catch {
            throw Abort(.forbidden, reason: req.t("mail.link_invalid"))
        }
        guard let subscriber = try await Subscriber.find(id, on: req.db) else { throw Abort(.gone, reason: req.t("mail.link_invalid")) }
        return subscriber
    }

    func confirmPage(req: Request) async throws -> View {
        let subscriber = try await subscriber(req, purpose: "confirm")
        return try await page(
            req, heading: req.t("subscribe.confirm_heading"), text: subscriber.email, action: req.url.path,
            button: req.t("subscribe.confirm_button"),
            done: subscriber.status == .confirmed)
    }

    func confirm(req: Request) async throws -> View {
        let subscriber = try await subscriber(req, purpose: "confirm")
        // The person, through the link sent to their address: this alone undoes an unsubscribe,
        // a complaint or a bounce.
        if subscriber.status != .confirmed {
            subscriber.status = .confirmed
            subscriber.confirmedAt = Date()
            try await req.db.transaction { db in
                try await subscriber.save(on: db)
                try await ConsentEvent(
                    subscriberID: subscriber.savedID, action: "confirm", textVersion: Self.consentTextVersion,
                    language: req.language.rawValue,
                    source: "confirmation-link", ipHash: Self.ipHash(req)
                ).save(on: db)
            }
        }
        return try await page(req, heading: req.t("subscribe.confirmed"), text: subscriber.email, action: nil, button: nil, done: true)
    }

    func preferencesPage(req: Request) async throws -> View {
        let subscriber = try await subscriber(req, purpose: "preferences")
        let memberships = try await Subscription.query(on: req.db).filter(\.$subscriber.$id == subscriber.savedID).with(\.$list).all()
        let values = [
            "language": subscriber.language.rawValue, "lists": memberships.map(\.list.slug).joined(separator: ","), "name": subscriber.name,
        ]
        return try await page(
            req, heading: req.t("mail.preferences"), text: subscriber.email, action: req.url.path, button: req.t("form.save"),
            form: try await preferenceFields(req, values: values, errors: FieldErrors()), done: false)
    }

    private func preferenceFields(_ req: Request, values: [String: String], errors: FieldErrors) async throws -> FormFields {
        let specs = try await fields(req).filter { $0.name != "email" }.map { spec in
            spec.name == "lists" ? FieldSpec(name: spec.name, labelKey: spec.labelKey, kind: spec.kind, required: false) : spec
        }
        return FormFields(fields: FieldView.make(specs, values: values, errors: errors, t: req.t))
    }

    func savePreferences(req: Request) async throws -> Response {
        let subscriber = try await subscriber(req, purpose: "preferences")
        let specs = try await fields(req).filter { $0.name != "email" }.map { spec in
            spec.name == "lists" ? FieldSpec(name: spec.name, labelKey: spec.labelKey, kind: spec.kind, required: false) : spec
        }
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: specs)
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        if input.text("name").contains(where: \.isNewline) { errors["name"] = req.t("validation.header_injection") }
        guard errors.isEmpty else {
            return try await page(
                req, heading: req.t("mail.preferences"), text: subscriber.email, action: req.url.path, button: req.t("form.save"),
                form: try await preferenceFields(req, values: input, errors: errors), done: false
            ).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let chosen = try await MailingList.query(on: req.db).filter(\.$slug ~~ input.text("lists").split(separator: ",").map(String.init))
            .all()
        try await req.db.transaction { db in
            subscriber.name = input.text("name")
            subscriber.language = SubscriberLanguage(rawValue: input.text("language")) ?? subscriber.language
            try await subscriber.save(on: db)
            let publicLists = try await MailingList.query(on: db).filter(\.$focalPoints == false).all().compactMap(\.id)
            try await Subscription.query(on: db).filter(\.$subscriber.$id == subscriber.savedID).filter(\.$list.$id ~~ publicLists).delete()
            for list in chosen { try await Subscription(subscriberID: subscriber.savedID, listID: list.savedID).save(on: db) }
            try await ConsentEvent(
                subscriberID: subscriber.savedID, action: "preferences", textVersion: Self.consentTextVersion,
                language: req.language.rawValue,
                source: "preference-page", ipHash: Self.ipHash(req),
                detail: "language=\(subscriber.language.rawValue); lists=\(chosen.map(\.slug).joined(separator: ","))"
            ).save(on: db)
        }
        return req.redirect(to: req.url.path + "?saved=1")
    }

    func unsubscribePage(req: Request) async throws -> View {
        let subscriber = try await subscriber(req, purpose: "unsubscribe")
        return try await page(
            req, heading: req.t("mail.unsubscribe_heading"), text: subscriber.email, action: req.url.path,
            button: req.t("mail.unsubscribe"),
            done: subscriber.status == .unsubscribed)
    }

    /// The one-click POST of RFC 8058 and the button of the confirmation page both land here.
    func unsubscribe(req: Request) async throws -> Response {
        let subscriber = try await subscriber(req, purpose: "unsubscribe")
        if subscriber.status != .unsubscribed {
            subscriber.status = .unsubscribed
            subscriber.statusReason = "unsubscribed"
            let oneClick = (try? req.content.get(String.self, at: "List-Unsubscribe")) == "One-Click"
            try await req.db.transaction { db in
                try await subscriber.save(on: db)
                try await ConsentEvent(
                    subscriberID: subscriber.savedID, action: "unsubscribe", textVersion: Self.consentTextVersion,
                    language: req.language.rawValue,
                    source: oneClick ? "list-unsubscribe-one-click" : "unsubscribe-page", ipHash: Self.ipHash(req)
                ).save(on: db)
            }
        }
        return try await page(req, heading: req.t("mail.unsubscribed"), text: subscriber.email, action: nil, button: nil, done: true)
            .encodeResponse(for: req)
    }

    static func ipHash(_ req: Request) throws -> String {
        let address = req.clientAddress
        let digest = HMAC<SHA256>.authenticationCode(
            for: Data(address.utf8), using: SymmetricKey(data: try req.application.focalConfig.sessionSecret))
        return Data(digest).prefix(16).map { String(format: "%02x", $0) }.joined()
    }

    private func render(_ req: Request, values: [String: String], errors: FieldErrors, notice: String?) async throws -> View {
        let context = FormContext(
            chrome: try await Chrome.make(for: req, title: req.t("subscribe.title")), csrf: req.csrfToken(),
            form: FormFields(fields: FieldView.make(try await fields(req), values: values, errors: errors, t: req.t)),
            hasErrors: !errors.isEmpty,
            notice: notice, consentText: req.t("subscribe.consent_text"))
        return try await req.view.render("mail/subscribe", context)
    }

    private func page(
        _ req: Request, heading: String, text: String, action: String?, button: String?, form: FormFields? = nil, done: Bool
    ) async throws -> View {
        let context = TokenPageContext(
            chrome: try await Chrome.make(for: req, title: heading), csrf: req.csrfToken(), heading: heading, text: text,
            action: done ? nil : action,
            button: button, form: form, done: done)
        return try await req.view.render("mail/token-page", context)
    }
}
