enum IssueStatus: String, Codable, CaseIterable, Sendable {
    case draft
    case inReview = "in_review"
    case scheduled
    case published
}

enum EditionStatus: String, Codable, CaseIterable, Sendable {
    /// Its articles are the edition.
    case ready
    /// No text yet in this language: readers are told so and pointed to the other edition.
    case awaitingTranslation = "awaiting_translation"
}

/// What an article reports on.
enum ArticleLinkTarget: String, Codable, CaseIterable, Sendable {
    case meeting
    case document
    case activity
}
