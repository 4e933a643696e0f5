import Vapor

/// Builds an issue's page, as readers, the preview and the PDF see it.
struct IssuePresenter {
    let request: Request

    /// On the issue page an article's title is a level-2 heading, so its text's own headings go
    /// one level down (`nested`); on the article's page the title is the level-1 heading.
    func article(_ article: Article, nested: Bool = false) -> ArticleEntry {
        ArticleEntry(
            title: article.title, slug: article.slug, href: "/articles/" + article.slug,
            bodyHTML: nested ? MarkdownRenderer.headingsOneLevelDown(article.bodyHTML) : article.bodyHTML,
            leadImageHref: article.leadImageKey == nil ? nil : "/articles/\(article.slug)/image", leadImageAlt: article.leadImageAlt,
            illustrative: article.illustrative,
            excerpt: (article.summary ?? "").isEmpty
                ? FrontPage.excerpt(article.bodyHTML, characters: article.language == .zh ? 90 : 220) : article.summary ?? "",
            summary: article.summary ?? "", byline: article.byline ?? "", correction: Self.correction(article, request: request))
    }

    /// A published correction, dated by day in the article's language.
    static func correction(_ article: Article, request: Request) -> String? {
        guard let note = article.correctionNote, let date = article.correctedAt else { return nil }
        return request.application.localizer.text(
            "article.correction", article.language, ["date": LocalizedDate.day(date, article.language), "note": note])
    }

    func page(_ record: IssueRecord, language: Language, preview: Bool, inlineCSS: String? = nil) async throws -> IssuePageContext {
        let issue = record.issue
        let edition = record.edition(language)
        let articles = record.articles(language)
        let awaiting = edition == nil || edition?.status == .awaitingTranslation || articles.isEmpty
        let other = record.articles(language.other)
        let issueLine = IssueRecord.issueLine(year: issue.year, number: issue.number, language)
        var chrome = try await Chrome.make(
            for: request, title: record.newsletter.name(language) + " · " + issueLine,
            showsIllustrativeNote: issue.illustrative || articles.contains(where: \.illustrative))
        chrome.footerWithoutContact = true
        let name = record.newsletter.name(language)
        let otherName = record.newsletter.name(language.other)
        return IssuePageContext(
            chrome: chrome, mastheadZh: record.newsletter.mastheadZh, mastheadEn: record.newsletter.mastheadEn,
            newsletterName: name, newsletterOtherName: otherName == name ? nil : otherName, theme: issue.theme(language),
            feedHref: "/newsletters/feed.atom?lang=" + language.rawValue, issueLine: issueLine,
            date: LocalizedDate.format(issue.publicationDate, language) ?? issue.publicationDate,
            articles: articles.map { article($0, nested: true) }, awaitingTranslation: awaiting,
            otherEditionHref: other.isEmpty ? nil : issue.path + "?lang=" + language.other.rawValue,
            otherArticles: awaiting ? other.map { article($0) } : [], pdfHref: issue.path + ".pdf?lang=" + language.rawValue,
            preview: preview,
            status: request.t("issue_status." + issue.status.rawValue), illustrative: issue.illustrative, inlineCSS: inlineCSS)
    }
}
