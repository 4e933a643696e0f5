import Fluent
import Vapor

struct SubscriberResource: AdminResource {
    typealias Record = Subscriber
    static let slug = "subscribers"
    static let searchKind: SearchDocument.Kind? = .subscriber
    static let auditEntity = "subscriber"
    static let columnKeys = ["field.email", "field.name", "field.mail_language", "field.status"]

    static func fields(_ req: Request, editing record: Subscriber?) async throws -> [FieldSpec] {
        let lists = try await MailingList.query(on: req.db).sort(\.$nameEn).all()
        return [
            FieldSpec(name: "email", labelKey: "field.email", kind: .email, required: true, maxLength: 254),
            FieldSpec(name: "name", labelKey: "field.name", kind: .text, maxLength: 120),
            .choice("language", "field.mail_language", SubscriberLanguage.self, labelPrefix: "mail_language.", t: req.t),
            .choice("status", "field.status", SubscriberStatus.self, labelPrefix: "subscriber_status.", t: req.t),
            FieldSpec(
                name: "lists", labelKey: "field.lists",
                kind: .multiSelect(lists.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) })),
        ]
    }

    static func values(of s: Subscriber) -> [String: String] {
        [
            "email": s.email, "name": s.name, "language": s.language.rawValue, "status": s.status.rawValue,
            "lists": s.formListIDs.map(\.uuidString).joined(separator: ","),
        ]
    }

    static func apply(_ input: [String: String], to s: Subscriber) {
        s.email = Subscriber.normalise(input.text("email"))
        s.name = input.text("name")
        s.language = SubscriberLanguage(rawValue: input.text("language")) ?? .en
        let status = SubscriberStatus(rawValue: input.text("status")) ?? .pending
        // A new record's fields are unset: reading one ends the process inside Fluent.
        let previous = s.id == nil ? nil : s.status
        if status == .confirmed, previous != .confirmed { s.confirmedAt = Date() }
        s.status = status
        if previous == nil { s.statusReason = "" }
        s.formListIDs = input.text("lists").split(separator: ",").compactMap { UUID(uuidString: String($0)) }
    }

    static func check(_ input: [String: String], existing: Subscriber?, req: Request, errors: inout FieldErrors) async throws {
        let email = Subscriber.normalise(input.text("email"))
        if errors["email"] == nil, let other = try await Subscriber.query(on: req.db).filter(\.$email == email).first(),
            other.id != existing?.id
        {
            errors["email"] = req.t("validation.email_taken")
        }
        if input.text("name").contains(where: { $0.isNewline }) { errors["name"] = req.t("validation.control_characters") }
        // An unsubscribe or a complaint is the person's own word: only they undo it, by confirming again.
        if let existing, [.unsubscribed, .complained].contains(existing.status), input.text("status") != existing.status.rawValue {
            errors["status"] = req.t("validation.opt_out_by_person")
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["email": req.t("validation.email_taken")])
    }

    /// Staff changes are recorded in the consent ledger too.
    static func afterSave(_ s: Subscriber, input: [String: String], req: Request, on db: any Database) async throws {
        try await Subscription.query(on: db).filter(\.$subscriber.$id == s.savedID).delete()
        let listIDs = input.text("lists").split(separator: ",").compactMap { UUID(uuidString: String($0)) }
        for id in listIDs {
            try await Subscription(subscriberID: s.savedID, listID: id).save(on: db)
        }
        let slugs = try await MailingList.query(on: db).filter(\.$id ~~ listIDs).all().map(\.slug).sorted()
        try await ConsentEvent(
            subscriberID: s.savedID, action: "staff-change", textVersion: "", language: s.language.rawValue,
            source: "admin:" + (req.currentUser?.email ?? ""),
            ipHash: "", detail: "status=\(s.status.rawValue); lists=\(slugs.joined(separator: ","))"
        ).save(on: db)
    }

    static func loadExtras(_ s: Subscriber, on db: any Database) async throws {
        s.formListIDs = try await Subscription.query(on: db).filter(\.$subscriber.$id == s.savedID).all().map(\.$list.id)
    }

    static func relatedLinks(of s: Subscriber, _ req: Request) -> [RelatedLink] {
        let base = "/admin/subscribers/\(s.savedID.uuidString)/consent"
        return [
            RelatedLink(label: req.t("mail.consent_ledger") + " (CSV)", href: base + ".csv"),
            RelatedLink(label: req.t("mail.consent_ledger") + " (JSON)", href: base + ".json"),
        ]
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Subscriber> { Subscriber.query(on: db).sort(\.$email) }

    static func cells(of s: Subscriber, _ req: Request) -> [String] {
        [s.email, s.name, req.t("mail_language." + s.language.rawValue), req.t("subscriber_status." + s.status.rawValue)]
    }

    static func label(of s: Subscriber) -> String { s.email }
    static func rowHref(_ s: Subscriber) -> String { "/admin/subscribers/\(s.savedID.uuidString)/edit" }
}

struct MailingListResource: AdminResource {
    typealias Record = MailingList
    static let slug = "mailing-lists"
    static let auditEntity = "mailing_list"
    static let columnKeys = ["field.name_en", "field.name_zh", "field.slug"]

    static func fields(_ req: Request, editing record: MailingList?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "name_en", labelKey: "field.name_en", kind: .text, required: true, maxLength: 120),
            FieldSpec(name: "name_zh", labelKey: "field.name_zh", kind: .text, maxLength: 120),
            FieldSpec(name: "slug", labelKey: "field.slug", kind: .text, maxLength: 60, hintKey: "hint.slug"),
            .yesNo("focal_points", "field.focal_point_list", req: req),
        ]
    }

    static func values(of l: MailingList) -> [String: String] {
        ["name_en": l.nameEn, "name_zh": l.nameZh, "slug": l.slug, "focal_points": l.focalPoints ? "yes" : "no"]
    }

    static func apply(_ input: [String: String], to l: MailingList) {
        l.nameEn = input.text("name_en")
        l.nameZh = input.text("name_zh")
        l.slug = SlugCheck.requested(in: input, from: "name_en")
        l.focalPoints = input["focal_points"] == "yes"
    }

    static func prepare(_ input: inout [String: String], existing: MailingList?, on db: any Database) async throws {
        try await SlugCheck.fillIn(&input, from: "name_en", \MailingList.$slug, existing: existing, on: db)
    }

    static func check(_ input: [String: String], existing: MailingList?, req: Request, errors: inout FieldErrors) async throws {
        try await SlugCheck.check(
            SlugCheck.requested(in: input, from: "name_en"), \MailingList.$slug, existing: existing, req: req, errors: &errors)
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        SlugCheck.taken(req)
    }

    static func listQuery(on db: any Database) -> QueryBuilder<MailingList> { MailingList.query(on: db).sort(\.$nameEn) }
    static func cells(of l: MailingList, _ req: Request) -> [String] { [l.nameEn, l.nameZh, l.slug] }
    static func label(of l: MailingList) -> String { l.slug }
}
