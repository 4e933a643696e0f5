import Fluent
import Foundation

/// One sending of a newsletter edition or a meeting invitation to a list or a selection.
final class Campaign: Model, @unchecked Sendable {
    static let schema = "campaigns"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "kind") var kind: CampaignKind
    @Field(key: "subject_en") var subjectEn: String
    @Field(key: "subject_zh") var subjectZh: String
    @Field(key: "preheader_en") var preheaderEn: String
    @Field(key: "preheader_zh") var preheaderZh: String
    @Field(key: "sender_name") var senderName: String
    @Field(key: "sender_address") var senderAddress: String
    @Field(key: "status") var status: CampaignStatus
    @OptionalField(key: "scheduled_at") var scheduledAt: Date?
    @OptionalField(key: "started_at") var startedAt: Date?
    @OptionalField(key: "finished_at") var finishedAt: Date?
    @Field(key: "total") var total: Int
    @Field(key: "created_by") var createdBy: String
    /// Chosen subscribers' addresses, one per line, instead of a list ("" when a list is the audience).
    @Field(key: "selection") var selection: String
    /// Why sending stopped by itself (the mail server refused or stayed away); nil when staff paused.
    @OptionalField(key: "pause_reason") var pauseReason: String?

    // relationships
    @OptionalParent(key: "issue_id") var issue: NewsletterIssue?
    @OptionalParent(key: "meeting_id") var meeting: Meeting?
    @OptionalParent(key: "list_id") var list: MailingList?

    init() {}

    var selectedAddresses: [String] { selection.split(whereSeparator: \.isNewline).map(String.init) }

    func subject(_ language: Language) -> String { Bilingual.pick(en: subjectEn, zh: subjectZh, language) }
    func preheader(_ language: Language) -> String { Bilingual.pick(en: preheaderEn, zh: preheaderZh, language) }
}

/// One recipient of one campaign: the row that makes sending resumable and exactly-once.
final class Delivery: Model, @unchecked Sendable {
    static let schema = "deliveries"

    // managed fields
    @ID(custom: .id, generatedBy: .database) var id: Int?

    // data fields
    @Field(key: "email") var email: String
    @Field(key: "name") var name: String
    @Field(key: "language") var language: SubscriberLanguage
    @Field(key: "status") var status: DeliveryStatus
    @Field(key: "attempts") var attempts: Int
    @OptionalField(key: "next_attempt_at") var nextAttemptAt: Date?
    @Field(key: "last_error") var lastError: String
    @Field(key: "claimed_by") var claimedBy: String
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @OptionalField(key: "sent_at") var sentAt: Date?

    // relationships
    @Parent(key: "campaign_id") var campaign: Campaign
    @OptionalParent(key: "subscriber_id") var subscriber: Subscriber?
    @OptionalParent(key: "participation_id") var participation: Participation?

    init() {}
}
