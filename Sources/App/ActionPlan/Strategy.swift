import Fluent
import Foundation

/// A multi-year strategy and action plan, as the Framework of ASEAN-China Environmental
/// Cooperation Strategy and Action Plan (2021-2025).
final class Strategy: Model, @unchecked Sendable {
    static let schema = "strategies"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "first_year") var firstYear: Int
    @Field(key: "last_year") var lastYear: Int
    @OptionalField(key: "adopted_on") var adoptedOn: String?
    @Field(key: "version") var version: String

    // relationships
    @OptionalParent(key: "document_id") var document: Document?

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
    var years: ClosedRange<Int> { firstYear...max(firstYear, lastYear) }
}

final class PriorityArea: Model, @unchecked Sendable {
    static let schema = "priority_areas"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "position") var position: Int
    @Field(key: "description_en") var descriptionEn: String
    @Field(key: "description_zh") var descriptionZh: String
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "strategy_id") var strategy: Strategy

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
}
