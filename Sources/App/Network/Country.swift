import Fluent
import Foundation

final class Country: Model, @unchecked Sendable {
    static let schema = "countries"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "code") var code: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "group") var group: CountryGroup
    @OptionalField(key: "membership_since") var membershipSince: String?

    init() {}

    init(code: String, nameEn: String, nameZh: String, group: CountryGroup, membershipSince: String?) {
        self.code = code
        self.nameEn = nameEn
        self.nameZh = nameZh
        self.group = group
        self.membershipSince = membershipSince
    }

    func name(_ language: Language) -> String { Bilingual.pick(en: nameEn, zh: nameZh, language) }
}
