import Fluent
import Foundation

final class Person: Model, @unchecked Sendable {
    static let schema = "people"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "honorific") var honorific: String
    @OptionalField(key: "preferred_language") var preferredLanguage: Language?
    /// Demo records the seed does not give are marked, never shown as fact.
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Children(for: \.$person) var contactPoints: [ContactPoint]
    @Children(for: \.$person) var positions: [Position]

    init() {}

    init(nameEn: String, nameZh: String = "", honorific: String = "", preferredLanguage: Language? = nil, illustrative: Bool = false) {
        self.nameEn = nameEn
        self.nameZh = nameZh
        self.honorific = honorific
        self.preferredLanguage = preferredLanguage
        self.illustrative = illustrative
    }

    func name(_ language: Language) -> String { Bilingual.pick(en: nameEn, zh: nameZh, language) }
}
