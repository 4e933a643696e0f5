import Fluent
import Foundation
import SMTPKit

final class Subscriber: Model, @unchecked Sendable {
    static let schema = "subscribers"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    /// Normalised: trimmed and lowercased, so one mailbox is one subscriber.
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "language") var language: SubscriberLanguage
    @Field(key: "status") var status: SubscriberStatus
    @Field(key: "status_reason") var statusReason: String
    @OptionalField(key: "confirmed_at") var confirmedAt: Date?

    // relationships
    /// Set for focal points and others of the registry, who are subscribers through their record.
    @OptionalParent(key: "person_id") var person: Person?

    /// The lists being edited in the admin form; not a column.
    var formListIDs: [UUID] = []

    init() {}

    init(email: String, name: String, language: SubscriberLanguage, status: SubscriberStatus) {
        self.email = Subscriber.normalise(email)
        self.name = name
        self.language = language
        self.status = status
        self.statusReason = ""
    }

    /// Trimmed, lower-cased, and an internationalised domain in its ASCII form (IDNA), so the
    /// address is stored once however it was typed and can be mailed without SMTPUTF8.
    static func normalise(_ email: String) -> String {
        let lowered = email.trimmedOfWhitespace.lowercased()
        guard !lowered.allSatisfy(\.isASCII) else { return lowered }
        return MailAddress.asciiDomainForm(lowered) ?? lowered
    }
}

final class MailingList: Model, @unchecked Sendable {
    static let schema = "mailing_lists"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String
    /// The list of the network's active focal points, filled from the registry when a campaign starts.
    @Field(key: "focal_points") var focalPoints: Bool

    init() {}

    func name(_ language: Language) -> String { Bilingual.pick(en: nameEn, zh: nameZh, language) }
}

final class Subscription: Model, @unchecked Sendable {
    static let schema = "subscriptions"

    // managed fields
    @ID(key: .id) var id: UUID?

    // relationships
    @Parent(key: "subscriber_id") var subscriber: Subscriber
    @Parent(key: "list_id") var list: MailingList

    init() {}

    init(subscriberID: UUID, listID: UUID) {
        self.$subscriber.id = subscriberID
        self.$list.id = listID
    }
}

/// What a subscriber agreed to or withdrew, when and where: append-only, never edited.
final class ConsentEvent: Model, @unchecked Sendable {
    static let schema = "consent_events"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Field(key: "occurred_at") var occurredAt: Date

    // data fields
    @Field(key: "action") var action: String
    /// The version of the consent text shown, as "subscribe-2026-11".
    @Field(key: "text_version") var textVersion: String
    @Field(key: "language") var language: String
    @Field(key: "source") var source: String
    /// SHA-256 of the client address with the site secret, so the address itself is not kept.
    @Field(key: "ip_hash") var ipHash: String
    @Field(key: "detail") var detail: String

    // relationships
    @Parent(key: "subscriber_id") var subscriber: Subscriber

    init() {}

    init(subscriberID: UUID, action: String, textVersion: String, language: String, source: String, ipHash: String, detail: String = "") {
        self.$subscriber.id = subscriberID
        self.occurredAt = Date()
        self.action = action
        self.textVersion = textVersion
        self.language = language
        self.source = source
        self.ipHash = ipHash
        self.detail = detail
    }
}
