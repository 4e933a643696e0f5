import Fluent
import Foundation

final class Organisation: Model, @unchecked Sendable {
    static let schema = "organisations"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String
    @Field(key: "acronym") var acronym: String
    @Field(key: "kind") var kind: OrganisationKind

    // relationships
    @OptionalParent(key: "country_id") var country: Country?
    @OptionalParent(key: "parent_id") var parent: Organisation?

    init() {}

    init(nameEn: String, nameZh: String = "", acronym: String = "", kind: OrganisationKind, countryID: UUID?, parentID: UUID? = nil) {
        self.nameEn = nameEn
        self.nameZh = nameZh
        self.acronym = acronym
        self.kind = kind
        self.$country.id = countryID
        self.$parent.id = parentID
    }

    func name(_ language: Language) -> String { Bilingual.pick(en: nameEn, zh: nameZh, language) }
}
