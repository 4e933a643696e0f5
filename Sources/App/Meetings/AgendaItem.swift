import Fluent
import Foundation

final class AgendaItem: Model, @unchecked Sendable {
    static let schema = "agenda_items"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "position") var position: Int
    /// Local time of day in the meeting's zone, "HH:mm", when set.
    @Field(key: "starts_at") var startsAt: String
    @Field(key: "ends_at") var endsAt: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting
    @OptionalParent(key: "presenter_id") var presenter: Person?

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
}
