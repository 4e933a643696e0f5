import Foundation

/// What search knows of one record: where it is, its title in each language, its text, what it
/// can be filtered by and who may find it.
struct SearchDocument: Sendable, Equatable {
    enum Kind: String, CaseIterable, Codable, Sendable {
        case article, issue, meeting, document, area, activity, indicator, report, organisation, person, subscriber
    }

    let kind: Kind
    let recordID: UUID
    let url: String
    let titleEn: String
    let titleZh: String
    /// Everything else worth finding, both languages together.
    let text: String
    var year: Int? = nil
    var countries: [String] = []
    var area: String? = nil
    var language: Language? = nil
    /// Who may find it: the record's own visibility.
    let audience: Visibility
    /// A record only one country's focal points (and the secretariat) may read, such as a draft
    /// progress report.
    var countryScope: UUID? = nil
    let updatedAt: Date
}
