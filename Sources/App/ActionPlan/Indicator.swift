import Fluent
import Foundation

/// What is measured for an activity or for a priority area as a whole.
final class Indicator: Model, @unchecked Sendable {
    static let schema = "indicators"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "measure") var measure: IndicatorMeasure
    @Field(key: "unit_label") var unitLabel: String
    @Field(key: "direction") var direction: IndicatorDirection
    @OptionalField(key: "baseline_value") var baselineValue: Double?
    @Field(key: "baseline_text") var baselineText: String
    @OptionalField(key: "baseline_year") var baselineYear: Int?
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @OptionalParent(key: "activity_id") var activity: Activity?
    @OptionalParent(key: "priority_area_id") var priorityArea: PriorityArea?

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }

    /// The unit every output shows: a percentage's is always "%", whatever the label field holds.
    var unit: String { measure == .percentage ? "%" : unitLabel }
}

/// The target of an indicator for one reporting year.
final class IndicatorTarget: Model, @unchecked Sendable {
    static let schema = "indicator_targets"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "year") var year: Int
    @OptionalField(key: "value") var value: Double?
    @Field(key: "text") var text: String

    // relationships
    @Parent(key: "indicator_id") var indicator: Indicator

    init() {}
}

/// A measured value of an indicator for one year, for the whole activity or for one country.
final class IndicatorActual: Model, @unchecked Sendable {
    static let schema = "indicator_actuals"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "year") var year: Int
    @OptionalField(key: "value") var value: Double?
    @Field(key: "text") var text: String
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "indicator_id") var indicator: Indicator
    @OptionalParent(key: "country_id") var country: Country?
    @OptionalParent(key: "report_id") var report: ProgressReport?

    init() {}
}
