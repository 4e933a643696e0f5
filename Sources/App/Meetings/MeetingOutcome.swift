import Fluent
import Foundation

/// A decision, conclusion or action item of a meeting; action items have an owner, a due date
/// and a status that later reporting follows.
final class MeetingOutcome: Model, @unchecked Sendable {
    static let schema = "meeting_outcomes"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "kind") var kind: OutcomeKind
    @Field(key: "position") var position: Int
    @Field(key: "text_en") var textEn: String
    @Field(key: "text_zh") var textZh: String
    @OptionalField(key: "due_date") var dueDate: String?
    @Field(key: "status") var status: OutcomeStatus

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting
    @OptionalParent(key: "owner_country_id") var ownerCountry: Country?
    @OptionalParent(key: "owner_organisation_id") var ownerOrganisation: Organisation?

    init() {}

    func text(_ language: Language) -> String { Bilingual.pick(en: textEn, zh: textZh, language) }
}
