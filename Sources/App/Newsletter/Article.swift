import Fluent
import Foundation

final class Article: Model, @unchecked Sendable {
    static let schema = "articles"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Raised by every save; a save naming an older version is refused instead of overwriting.
    @Field(key: "version") var version: Int

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "language") var language: Language
    @Field(key: "title") var title: String
    @Field(key: "body_markdown") var bodyMarkdown: String
    /// The sanitised rendering of the body, kept so pages need no Markdown work.
    @Field(key: "body_html") var bodyHTML: String
    @Field(key: "position") var position: Int
    /// The standfirst: a sentence or two under the title, and the excerpt in tables of contents.
    @OptionalField(key: "summary") var summary: String?
    @OptionalField(key: "byline") var byline: String?
    @OptionalField(key: "lead_image_key") var leadImageKey: String?
    @Field(key: "lead_image_type") var leadImageType: String
    @Field(key: "lead_image_alt") var leadImageAlt: String
    @Field(key: "illustrative") var illustrative: Bool
    /// A saved change to a published article, which readers see once it is published.
    @OptionalField(key: "pending_title") var pendingTitle: String?
    @OptionalField(key: "pending_body_markdown") var pendingBodyMarkdown: String?
    @OptionalField(key: "pending_summary") var pendingSummary: String?
    @OptionalField(key: "pending_byline") var pendingByline: String?
    /// Shown to readers with the date of the change that it explains.
    @OptionalField(key: "correction_note") var correctionNote: String?
    @OptionalField(key: "corrected_at") var correctedAt: Date?

    // relationships
    @OptionalParent(key: "edition_id") var edition: Edition?
    /// The article this one translates (or is translated by): one link joins a pair.
    @OptionalParent(key: "translation_of_id") var translationOf: Article?

    init() {}

    var hasPendingChange: Bool { pendingTitle != nil || pendingBodyMarkdown != nil || pendingSummary != nil || pendingByline != nil }

    /// What the editor shows: the saved change where there is one, otherwise the public text.
    var editedSummary: String { pendingSummary ?? summary ?? "" }
    var editedByline: String { pendingByline ?? byline ?? "" }
}

final class ArticleRevision: Model, @unchecked Sendable {
    static let schema = "article_revisions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "number") var number: Int
    @Field(key: "title") var title: String
    @Field(key: "body_markdown") var bodyMarkdown: String
    @Field(key: "editor") var editor: String

    // relationships
    @Parent(key: "article_id") var article: Article

    init() {}

    init(articleID: UUID, number: Int, title: String, bodyMarkdown: String, editor: String) {
        self.$article.id = articleID
        self.number = number
        self.title = title
        self.bodyMarkdown = bodyMarkdown
        self.editor = editor
    }
}

final class ArticleLink: Model, @unchecked Sendable {
    static let schema = "article_links"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "target") var target: ArticleLinkTarget
    @Field(key: "target_id") var targetID: UUID

    // relationships
    @Parent(key: "article_id") var article: Article

    init() {}

    init(articleID: UUID, target: ArticleLinkTarget, targetID: UUID) {
        self.$article.id = articleID
        self.target = target
        self.targetID = targetID
    }
}
