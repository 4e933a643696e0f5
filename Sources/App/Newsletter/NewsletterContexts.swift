import Foundation

struct ArticleEntry: Encodable {
    let title: String
    let slug: String
    let href: String
    let bodyHTML: String
    var leadImageHref: String?
    let leadImageAlt: String
    let illustrative: Bool
}

struct IssuePageContext: Encodable {
    let chrome: Chrome
    let mastheadZh: String
    let mastheadEn: String
    let newsletterName: String
    let issueLine: String
    let date: String
    var articles: [ArticleEntry]
    let awaitingTranslation: Bool
    let otherEditionHref: String?
    let otherArticles: [ArticleEntry]
    let pdfHref: String
    let preview: Bool
    let status: String
    let illustrative: Bool
    /// Inlined for the PDF, which is printed from a file with no server to fetch assets from.
    let inlineCSS: String?
}

struct ArticlePageContext: Encodable {
    let chrome: Chrome
    let article: ArticleEntry
    let articleLang: String
    let issueLine: String
    let issueHref: String
    let date: String
    let canonical: String
    let translationHref: String?
    let translationHreflang: String?
    let meetings: [MeetingSummaryEntry]
    let documents: [DocumentEntry]
}

struct NewsletterArchiveContext: Encodable {
    struct IssueLink: Encodable {
        let issueLine: String
        let href: String
        let date: String
        let titles: [String]
        let otherLanguageTitles: [String]
        let awaitingTranslation: Bool
        let illustrative: Bool
    }
    struct Year: Encodable {
        let year: Int
        let issues: [IssueLink]
    }
    let chrome: Chrome
    let years: [Year]
    let feedHref: String
}
