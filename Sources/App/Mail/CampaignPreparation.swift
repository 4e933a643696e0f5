import Fluent
import Foundation
import SMTPKit
import SQLKit
import Vapor

/// Turns a campaign into its recipients (one delivery row per address) and its message templates.
enum CampaignPreparation {
    enum Problem: Error, Equatable {
        case notFound
        case nothingToSend
        case noRecipients
        case tooLarge(Int)
        /// Readers may only be sent an issue they can read on the web.
        case issueNotPublished
        /// An invitation needs a date: its calendar entry would be empty.
        case meetingWithoutDate
    }

    /// Whether the campaign has something real to send at `time`: a published issue (or one
    /// scheduled to be published by then), or a meeting with a date. Test sends need neither.
    static func checkReady(_ campaign: Campaign, sendingAt time: Date, on db: any Database) async throws {
        switch campaign.kind {
        case .newsletter:
            guard let issueID = campaign.$issue.id, let issue = try await NewsletterIssue.find(issueID, on: db) else {
                throw Problem.nothingToSend
            }
            let readable = issue.status == .published || (issue.status == .scheduled && (issue.scheduledAt ?? .distantFuture) <= time)
            guard readable else { throw Problem.issueNotPublished }
        case .invitation, .reminder:
            guard let meetingID = campaign.$meeting.id, let meeting = try await Meeting.find(meetingID, on: db) else {
                throw Problem.nothingToSend
            }
            guard meeting.startsAt != nil else { throw Problem.meetingWithoutDate }
        }
    }

    /// Gmail clips messages beyond about 102 KB; the HTML part must stay below it.
    static let clippingLimit = 100 * 1024

    static func composer(for campaignID: UUID, app: Application) async throws -> MailComposer {
        let db = app.db
        guard let campaign = try await Campaign.query(on: db).filter(\.$id == campaignID).with(\.$list).first() else {
            throw Problem.notFound
        }
        let base = try app.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        let host = try app.focalConfig.baseURL.host ?? "focal.localhost"
        let centre = try await CentreProfile.query(on: db).first().map(CentreSnapshot.init) ?? CentreSnapshot()
        let settings = app.mailEngine?.settings
        let from = try MailAddress(
            campaign.senderAddress.isEmpty ? (settings?.fromAddress ?? "newsletter@\(host)") : campaign.senderAddress,
            name: !campaign.senderName.isEmpty
                ? campaign.senderName : !(settings?.fromName ?? "").isEmpty ? (settings?.fromName ?? "") : centre.nameEn)
        var templates: [SubscriberLanguage: MailComposer.Template] = [:]
        var meetingSnapshot: MeetingSnapshot?
        switch campaign.kind {
        case .newsletter:
            guard let issueID = campaign.$issue.id, let issue = try await NewsletterIssue.find(issueID, on: db) else {
                throw Problem.nothingToSend
            }
            templates = CampaignTemplates.newsletter(
                try await IssueRecord.load(issue, on: db), campaign: campaign, centre: centre, baseURL: base, localizer: app.localizer)
        case .invitation, .reminder:
            guard let meetingID = campaign.$meeting.id, let meeting = try await Meeting.find(meetingID, on: db) else {
                throw Problem.nothingToSend
            }
            let record = try await MeetingRecord.load(meeting, on: db)
            templates = CampaignTemplates.invitation(meeting, record: record, campaign: campaign, baseURL: base, localizer: app.localizer)
            meetingSnapshot = MeetingSnapshot(
                slug: meeting.slug, expiry: MeetingLinks.expiry(for: meeting),
                event: MeetingCalendar.event(
                    for: meeting, centre: centre, baseURL: try app.focalConfig.baseURL, includeVideo: true, language: .en,
                    localizer: app.localizer),
                title: meeting.titleEn)
        }
        if let largest = templates.values.map({ $0.html.utf8.count }).max(), largest > clippingLimit { throw Problem.tooLarge(largest) }
        return MailComposer(
            campaign: CampaignSnapshot(
                id: campaignID, kind: campaign.kind, listSlug: campaign.list?.slug ?? "newsletter",
                listName: campaign.list?.nameEn ?? "Newsletter"),
            templates: templates, baseURL: base, secret: try app.focalConfig.sessionSecret, from: from, host: host, meeting: meetingSnapshot
        )
    }

    /// Creates the campaign's delivery rows once, from its list (or its meeting's participants).
    /// Repeating it adds nobody twice: one row per address per campaign is a unique key.
    @discardableResult
    static func materialize(_ campaign: Campaign, on db: any Database) async throws -> Int {
        let campaignID = try campaign.requireID()
        var rows: [(email: String, name: String, language: SubscriberLanguage, subscriber: UUID?, participation: UUID?)] = []
        switch campaign.kind {
        case .newsletter where !campaign.selectedAddresses.isEmpty:
            try await (try db.sql).raw(
                """
                INSERT INTO \(ident: Delivery.schema) (campaign_id, subscriber_id, email, name, language, status, attempts, last_error, claimed_by)
                SELECT \(bind: campaignID), s.id, s.email, s.name, s.language, \(bind: DeliveryStatus.pending.rawValue), 0, '', ''
                FROM \(ident: Subscriber.schema) s
                WHERE s.email IN (\(binds: campaign.selectedAddresses)) AND s.status = \(bind: SubscriberStatus.confirmed.rawValue)
                  AND s.email NOT IN (SELECT email FROM \(ident: Delivery.schema) WHERE campaign_id = \(bind: campaignID))
                """
            ).run()
        case .newsletter:
            guard let listID = campaign.$list.id, let list = try await MailingList.find(listID, on: db) else { throw Problem.noRecipients }
            if list.focalPoints { try await FocalPointSubscribers.sync(list: list, on: db) }
            // One statement, so a list of any size costs no memory here.
            try await (try db.sql).raw(
                """
                INSERT INTO \(ident: Delivery.schema) (campaign_id, subscriber_id, email, name, language, status, attempts, last_error, claimed_by)
                SELECT \(bind: campaignID), s.id, s.email, s.name, s.language, \(bind: DeliveryStatus.pending.rawValue), 0, '', ''
                FROM \(ident: Subscription.schema) m JOIN \(ident: Subscriber.schema) s ON s.id = m.subscriber_id
                WHERE m.list_id = \(bind: listID) AND s.status = \(bind: SubscriberStatus.confirmed.rawValue)
                  AND s.email NOT IN (SELECT email FROM \(ident: Delivery.schema) WHERE campaign_id = \(bind: campaignID))
                """
            ).run()
        case .invitation, .reminder:
            guard let meetingID = campaign.$meeting.id else { throw Problem.noRecipients }
            let wanted: [RegistrationStatus] = campaign.kind == .invitation ? [.invited] : [.registered, .approved]
            let participations = try await Participation.query(on: db).filter(\.$meeting.$id == meetingID).filter(\.$registration ~~ wanted)
                .with(\.$person).all()
            let emails = try await ContactPoint.query(on: db).filter(\.$kind == .email).filter(
                \.$person.$id ~~ participations.map(\.$person.id)
            ).all()
            let optedOut = Set(
                try await Subscriber.query(on: db).filter(\.$status ~~ [.unsubscribed, .bounced, .complained]).all().map(\.email))
            for participation in participations {
                guard let email = emails.first(where: { $0.$person.id == participation.$person.id })?.value,
                    !optedOut.contains(Subscriber.normalise(email))
                else { continue }
                let language: SubscriberLanguage = participation.person.preferredLanguage == .zh ? .zh : .en
                rows.append((Subscriber.normalise(email), participation.person.name(.en), language, nil, participation.id))
            }
        }
        var seen = Set<String>()
        if !rows.isEmpty {
            seen = Set(try await Delivery.query(on: db).filter(\.$campaign.$id == campaignID).all().map(\.email))
        }
        let fresh = rows.filter { seen.insert($0.email).inserted }
        let sql = try db.sql
        for chunk in stride(from: 0, to: fresh.count, by: 400).map({ Array(fresh[$0..<min($0 + 400, fresh.count)]) }) {
            var insert = sql.insert(into: Delivery.schema).columns(
                "campaign_id", "subscriber_id", "participation_id", "email", "name", "language", "status", "attempts", "last_error",
                "claimed_by")
            for row in chunk {
                insert = insert.values(
                    SQLBind(campaignID), SQLBind(row.subscriber), SQLBind(row.participation), SQLBind(row.email), SQLBind(row.name),
                    SQLBind(row.language.rawValue), SQLBind(DeliveryStatus.pending.rawValue), SQLBind(0), SQLBind(""), SQLBind(""))
            }
            try await insert.run()
        }
        campaign.total = try await Delivery.query(on: db).filter(\.$campaign.$id == campaignID).count()
        try await campaign.save(on: db)
        guard campaign.total > 0 else { throw Problem.noRecipients }
        return fresh.count
    }

    /// Puts a campaign on its way: recipients fixed, status sending.
    static func start(_ campaign: Campaign, on db: any Database) async throws {
        try await checkReady(campaign, sendingAt: Date(), on: db)
        try await materialize(campaign, on: db)
        campaign.status = .sending
        campaign.startedAt = campaign.startedAt ?? Date()
        try await campaign.save(on: db)
    }
}

/// The network's active focal points are subscribers through their person record: each gets a
/// subscriber row (confirmed, in their preferred language) unless one exists already — an
/// unsubscribed or bounced one stays so, which is how a focal point opts out.
enum FocalPointSubscribers {
    /// Every focal-point list brought up to date: run whenever appointments or contact details
    /// change, so focal points are subscribers as soon as they are appointed.
    static func syncAll(on db: any Database) async throws {
        for list in try await MailingList.query(on: db).filter(\.$focalPoints == true).all() { try await sync(list: list, on: db) }
    }

    static func sync(list: MailingList, on db: any Database) async throws {
        let appointments = try await FocalPointAppointment.query(on: db).serving().with(\.$person).all()
        let people = Dictionary(appointments.map { ($0.$person.id, $0.person) }, uniquingKeysWith: { a, _ in a })
        let emails = try await ContactPoint.query(on: db).filter(\.$kind == .email).filter(\.$person.$id ~~ Array(people.keys)).all()
        for (personID, person) in people {
            guard let email = emails.first(where: { $0.$person.id == personID }).map({ Subscriber.normalise($0.value) }) else { continue }
            let subscriber: Subscriber
            if let existing = try await Subscriber.query(on: db).filter(\.$email == email).first() {
                subscriber = existing
                if subscriber.$person.id == nil {
                    subscriber.$person.id = personID
                    try await subscriber.save(on: db)
                }
            } else {
                subscriber = Subscriber(
                    email: email, name: person.name(.en), language: person.preferredLanguage == .zh ? .zh : .en, status: .confirmed)
                subscriber.$person.id = personID
                subscriber.confirmedAt = Date()
                try await subscriber.save(on: db)
                try await ConsentEvent(
                    subscriberID: subscriber.savedID, action: "subscribe", textVersion: "focal-point-appointment",
                    language: subscriber.language.rawValue,
                    source: "registry", ipHash: "", detail: "active focal point"
                ).save(on: db)
            }
            if try await Subscription.query(on: db).filter(\.$subscriber.$id == subscriber.savedID).filter(\.$list.$id == list.savedID)
                .count() == 0
            {
                try await Subscription(subscriberID: subscriber.savedID, listID: list.savedID).save(on: db)
            }
        }
    }
}
