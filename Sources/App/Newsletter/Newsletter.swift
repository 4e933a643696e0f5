import Fluent
import Foundation

/// A newsletter title with its masthead, as the centre's "Newsletter".
final class Newsletter: Model, @unchecked Sendable {
    static let schema = "newsletters"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String
    /// The publisher's name over the title, in each language.
    @Field(key: "masthead_en") var mastheadEn: String
    @Field(key: "masthead_zh") var mastheadZh: String

    init() {}

    func name(_ language: Language) -> String { Bilingual.pick(en: nameEn, zh: nameZh, language) }
}

/// "Issue 7, 2021": numbered within its year, with a date, a status and one edition per language.
final class NewsletterIssue: Model, @unchecked Sendable {
    static let schema = "newsletter_issues"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "year") var year: Int
    @Field(key: "number") var number: Int
    @Field(key: "publication_date") var publicationDate: String
    @Field(key: "status") var status: IssueStatus
    @OptionalField(key: "scheduled_at") var scheduledAt: Date?
    @OptionalField(key: "published_at") var publishedAt: Date?
    @Field(key: "illustrative") var illustrative: Bool
    /// What the issue is about, over its contents ("The ASEAN-China Year of Sustainable Development").
    @OptionalField(key: "theme_en") var themeEn: String?
    @OptionalField(key: "theme_zh") var themeZh: String?
    /// The public address, kept by `IssueAddress` whenever the issue or its newsletter is saved.
    @Field(key: "path") var path: String
    /// Who submitted the issue for review: another editor publishes it.
    @OptionalField(key: "submitted_by_id") var submittedByID: UUID?

    // relationships
    @Parent(key: "newsletter_id") var newsletter: Newsletter
    @Children(for: \.$issue) var editions: [Edition]

    init() {}

    func theme(_ language: Language) -> String { Bilingual.pick(en: themeEn ?? "", zh: themeZh ?? "", language) }
}

final class Edition: Model, @unchecked Sendable {
    static let schema = "editions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "language") var language: Language
    @Field(key: "status") var status: EditionStatus

    // relationships
    @Parent(key: "issue_id") var issue: NewsletterIssue

    init() {}

    init(issueID: UUID, language: Language, status: EditionStatus) {
        self.$issue.id = issueID
        self.language = language
        self.status = status
    }
}
