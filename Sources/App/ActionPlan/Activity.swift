import Fluent
import Foundation

final class Activity: Model, @unchecked Sendable {
    static let schema = "activities"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "description_en") var descriptionEn: String
    @Field(key: "description_zh") var descriptionZh: String
    @Field(key: "status") var status: ActivityStatus
    @OptionalField(key: "planned_start") var plannedStart: String?
    @OptionalField(key: "planned_end") var plannedEnd: String?
    @OptionalField(key: "actual_start") var actualStart: String?
    @OptionalField(key: "actual_end") var actualEnd: String?
    /// Comma-separated numbers of the Sustainable Development Goals it serves.
    @Field(key: "goals") var goalsText: String
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "priority_area_id") var priorityArea: PriorityArea
    @OptionalParent(key: "lead_organisation_id") var leadOrganisation: Organisation?
    /// The larger activity this one is part of.
    @OptionalParent(key: "parent_id") var parent: Activity?

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }

    var goals: [Int] { goalsText.split(separator: ",").compactMap { Int($0) }.sorted() }
}

/// A country or organisation taking part in an activity, in one of IATI's roles.
final class ActivityParticipant: Model, @unchecked Sendable {
    static let schema = "activity_participants"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "role") var role: ActivityRole

    // relationships
    @Parent(key: "activity_id") var activity: Activity
    @OptionalParent(key: "country_id") var country: Country?
    @OptionalParent(key: "organisation_id") var organisation: Organisation?

    init() {}
}

/// A meeting, decision, document or article that shows what was agreed or done for an activity.
final class ActivityEvidence: Model, @unchecked Sendable {
    static let schema = "activity_evidence"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "target") var target: EvidenceTarget
    @Field(key: "target_id") var targetID: UUID
    @Field(key: "note_en") var noteEn: String

    // relationships
    @Parent(key: "activity_id") var activity: Activity

    init() {}

    init(activityID: UUID, target: EvidenceTarget, targetID: UUID, note: String = "") {
        self.$activity.id = activityID
        self.target = target
        self.targetID = targetID
        self.noteEn = note
    }
}
