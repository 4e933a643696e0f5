import Fluent
import Foundation

/// What an activity achieved in a year, from one country or from the secretariat: drafted and
/// submitted by focal points for their own country, validated by staff.
final class ProgressReport: Model, @unchecked Sendable {
    static let schema = "progress_reports"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "year") var year: Int
    @Field(key: "narrative_en") var narrativeEn: String
    @Field(key: "narrative_zh") var narrativeZh: String
    @Field(key: "status") var status: ReportStatus
    @Field(key: "author") var author: String
    @Field(key: "validated_by") var validatedBy: String
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "activity_id") var activity: Activity
    @OptionalParent(key: "country_id") var country: Country?

    init() {}
}

/// A validated reporting year of an activity that no longer changes.
final class ReportingLock: Model, @unchecked Sendable {
    static let schema = "reporting_locks"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "year") var year: Int
    @Field(key: "locked_by") var lockedBy: String

    // relationships
    @Parent(key: "activity_id") var activity: Activity

    init() {}
}
