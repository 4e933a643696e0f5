import Foundation

struct ArticleEntry: Encodable {
    let title: String
    let slug: String
    let href: String
    let bodyHTML: String
    var leadImageHref: String?
    let leadImageAlt: String
    let illustrative: Bool
    /// The summary, or else the opening of the text, for tables of contents.
    let excerpt: String
    let summary: String
    let byline: String
    /// "Corrected on 1 December 2026: …", under the article wherever it is shown.
    let correction: String?
}

struct IssuePageContext: Encodable {
    let chrome: Chrome
    let mastheadZh: String
    let mastheadEn: String
    let newsletterName: String
    /// The newsletter's name in the other language, when it has one, beside this language's.
    let newsletterOtherName: String?
    let theme: String
    let feedHref: String
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
    /// The printed edition's way back to the web: its address, in words and as a QR code.
    var webAddress: String? = nil
    var qrCodeSVG: String? = nil
    /// In a printed edition awaiting translation: where the other language's edition is read.
    var otherEditionAddress: String? = nil
    var otherEditionPDF: String? = nil
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
        /// Named only when there is more than one newsletter.
        let newsletterName: String?
        let theme: String
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
    struct NewsletterLink: Encodable {
        let name: String
        let href: String
    }
    let chrome: Chrome
    let heading: String
    /// A newsletter's name in the other language, beside this one's.
    let otherName: String?
    let years: [Year]
    let feedHref: String
    /// With several newsletters, the all-issues archive links to each one's own.
    let newsletters: [NewsletterLink]
}
