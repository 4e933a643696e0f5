import Foundation
import SMTPKit

/// Writes campaign messages: the parts shared by all recipients are rendered once per language,
/// then each recipient's name and personal links are filled in.
struct MailComposer: Sendable {
    struct Template: Sendable {
        let subject: String
        let preheader: String
        let html: String
        let text: String
    }

    struct Recipient: Sendable {
        let deliveryID: Int
        let email: String
        let name: String
        let language: SubscriberLanguage
        let subscriberID: UUID?
        let participationID: UUID?
    }

    let campaign: CampaignSnapshot
    let templates: [SubscriberLanguage: Template]
    let baseURL: String
    let secret: [UInt8]
    let from: MailAddress
    let host: String
    let meeting: MeetingSnapshot?
    /// The templates cut at their placeholders once, so each message is a join, not a search.
    let slotted: [SubscriberLanguage: (html: SlottedText, text: SlottedText)]

    init(
        campaign: CampaignSnapshot, templates: [SubscriberLanguage: Template], baseURL: String, secret: [UInt8], from: MailAddress,
        host: String,
        meeting: MeetingSnapshot?
    ) {
        self.campaign = campaign
        self.templates = templates
        self.baseURL = baseURL
        self.secret = secret
        self.from = from
        self.host = host
        self.meeting = meeting
        slotted = templates.mapValues { (SlottedText($0.html), SlottedText($0.text)) }
    }

    func message(for recipient: Recipient) throws -> MailMessage {
        guard let template = templates[recipient.language] ?? templates[.en] ?? templates.values.first else {
            throw MissingTemplate()
        }
        let language = recipient.language == .zh ? Language.zh : .en
        let expiry = Date().addingTimeInterval(400 * 86_400)
        // A test send or a meeting participant has no subscription to manage: the links lead to
        // the subscribe page, and no List-Unsubscribe header is sent.
        let languageQuery = "?lang=" + language.rawValue
        let unsubscribe =
            recipient.subscriberID.map {
                baseURL + "/mail/unsubscribe/" + SignedToken.make(purpose: "unsubscribe", subject: $0, expires: expiry, secret: secret)
                    + languageQuery
            } ?? baseURL + "/subscribe" + languageQuery
        let preferences =
            recipient.subscriberID.map {
                baseURL + "/mail/preferences/" + SignedToken.make(purpose: "preferences", subject: $0, expires: expiry, secret: secret)
                    + languageQuery
            } ?? baseURL + "/subscribe" + languageQuery
        var rsvp = ""
        var calendar = ""
        if let participationID = recipient.participationID, let meeting {
            let end = meeting.expiry
            rsvp = baseURL + "/rsvp/" + SignedToken.make(purpose: "rsvp", subject: participationID, expires: end, secret: secret)
            calendar =
                baseURL + "/meetings/\(meeting.slug)/my-calendar/"
                + SignedToken.make(purpose: "calendar", subject: participationID, expires: end, secret: secret) + ".ics"
        }
        let values: [String: String] = [
            "GREETING": Self.greeting(name: recipient.name, language: language), "UNSUBSCRIBE_URL": unsubscribe,
            "PREFERENCES_URL": preferences,
            "RSVP_URL": rsvp, "CALENDAR_URL": calendar,
        ]
        guard let parts = slotted[recipient.language] ?? slotted[.en] ?? slotted.values.first else { throw MissingTemplate() }
        var message = MailMessage(
            from: from, to: [try MailAddress(recipient.email, name: recipient.name)], subject: template.subject,
            text: parts.text.fill(values, escape: { $0 }), html: parts.html.fill(values, escape: HTMLEntities.escape),
            messageID: recipient.deliveryID < 0
                ? "test-\(UUID().uuidString.lowercased())@\(host)"
                : "\(campaign.id.uuidString.lowercased()).\(recipient.deliveryID)@\(host)")
        if campaign.kind == .newsletter, recipient.subscriberID != nil {
            message.headers = [
                (
                    "List-Id",
                    "\(campaign.listName.filter { $0.isASCII && $0 != "<" && $0 != ">" && $0 != "\"" }) <\(campaign.listSlug).\(host)>"
                ),
                ("List-Unsubscribe", "<\(unsubscribe)>"),
                ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ]
        } else if let meeting, let participationID = recipient.participationID {
            message.attachments = [
                MailMessage.Attachment(
                    filename: "invitation.ics", contentType: "text/calendar; charset=utf-8; method=REQUEST",
                    data: Data(
                        meeting.invitation(to: recipient, participationID: participationID, includeVideo: campaign.kind == .reminder).utf8))
            ]
        }
        return message
    }

    static func greeting(name: String, language: Language) -> String {
        switch language {
        case .en: return name.isEmpty ? "Dear reader," : "Dear \(name),"
        case .zh: return name.isEmpty ? "尊敬的读者：" : "尊敬的\(name)："
        }
    }
}

/// What composing needs of a campaign, read once.
struct CampaignSnapshot: Sendable {
    let id: UUID
    let kind: CampaignKind
    let listSlug: String
    let listName: String
}

/// What an invitation needs of its meeting: its calendar entry, filled per participant.
struct MeetingSnapshot: Sendable {
    let slug: String
    let expiry: Date
    let event: ICalendar.Event?
    let title: String

    func invitation(to recipient: MailComposer.Recipient, participationID: UUID, includeVideo: Bool) -> String {
        guard var event else { return "" }
        if !includeVideo { event.conference = nil }
        event.attendee = (recipient.name, recipient.email)
        var calendar = ICalendar(name: title)
        calendar.method = "REQUEST"
        calendar.events = [event]
        return calendar.render()
    }
}

/// A text with `{{NAME}}` placeholders, split once into literal pieces and slots.
struct SlottedText: Sendable {
    enum Piece: Sendable {
        case literal(String)
        case slot(String)
    }

    let pieces: [Piece]
    let size: Int

    init(_ text: String) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            pieces.append(.literal(String(rest[..<open.lowerBound])))
            pieces.append(.slot(String(rest[open.upperBound..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        pieces.append(.literal(String(rest)))
        self.pieces = pieces
        size = text.utf8.count
    }

    func fill(_ values: [String: String], escape: (String) -> String) -> String {
        var out = ""
        out.reserveCapacity(size + 512)
        for piece in pieces {
            switch piece {
            case .literal(let text): out += text
            case .slot(let name): out += values[name].map(escape) ?? "{{" + name + "}}"
            }
        }
        return out
    }
}

/// A campaign prepared without any template (never by the campaign screens, which require one).
struct MissingTemplate: Error {}
