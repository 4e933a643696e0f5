import Fluent
import Foundation

/// A person's post in an organisation: "Director" of the Department of International Cooperation.
final class Position: Model, @unchecked Sendable {
    static let schema = "positions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @OptionalField(key: "start_date") var startDate: String?
    @OptionalField(key: "end_date") var endDate: String?

    // relationships
    @Parent(key: "person_id") var person: Person
    @Parent(key: "organisation_id") var organisation: Organisation

    init() {}

    init(personID: UUID, organisationID: UUID, titleEn: String, titleZh: String = "", startDate: String? = nil, endDate: String? = nil) {
        self.$person.id = personID
        self.$organisation.id = organisationID
        self.titleEn = titleEn
        self.titleZh = titleZh
        self.startDate = startDate
        self.endDate = endDate
    }

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }

    /// A position ended today is no longer current.
    var isCurrent: Bool { endDate.map { $0 > CalendarDate.today() } ?? true }
}
