import Fluent
import Foundation

/// A recurring line of meetings, as the annual focal point meetings.
final class MeetingSeries: Model, @unchecked Sendable {
    static let schema = "meeting_series"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String

    init() {}

    init(slug: String, nameEn: String, nameZh: String = "") {
        self.slug = slug
        self.nameEn = nameEn
        self.nameZh = nameZh
    }

    func name(_ language: Language) -> String { Bilingual.pick(en: nameEn, zh: nameZh, language) }
}
