import Fluent
import Vapor

/// One language's Atom feed: the articles of every published issue in that language. Where an
/// issue's edition in that language has no articles yet (awaiting translation), one entry for the
/// issue says so and links to the edition that readers can read, so the feed never looks empty
/// while the issue is out.
enum NewsletterFeed {
    /// Every newsletter's issues, or one newsletter's (its own feed, with its own id and links).
    static func build(_ req: Request, language: Language, newsletter: Newsletter? = nil) async throws -> AtomFeed {
        var query = NewsletterIssue.query(on: req.db).filter(\.$status == .published)
        if let newsletterID = newsletter?.id { query = query.filter(\.$newsletter.$id == newsletterID) }
        let published = try await query.with(\.$newsletter).all()
        let editions = try await Edition.query(on: req.db).filter(\.$issue.$id ~~ published.compactMap(\.id)).all()
        let articles = try await Article.query(on: req.db).filter(\.$edition.$id ~~ editions.compactMap(\.id)).all()
        let newsletters = try await Newsletter.query(on: req.db).sort(\.$createdAt).all()
        let base = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        let centre = try await CentreSnapshot.current(req)
        let text = { (key: String) in req.application.localizer.text(key, language) }

        var entries: [AtomFeed.Entry] = []
        for issue in published {
            let own = editions.first { $0.$issue.id == issue.id && $0.language == language }
            let other = editions.first { $0.$issue.id == issue.id && $0.language == language.other }
            let ownArticles = articles.filter { own != nil && $0.$edition.id == own?.id }
            let otherArticles = articles.filter { other != nil && $0.$edition.id == other?.id }
            let date = issueDate(issue)
            if !ownArticles.isEmpty {
                entries += ownArticles.map { article in
                    let translation = otherArticles.first { $0.id == article.$translationOf.id || $0.$translationOf.id == article.id }
                    return articleEntry(article, translation: translation, issue: issue, date: date, base: base, language: language)
                }
            } else if let own, !otherArticles.isEmpty {
                let links = otherArticles.map { article in
                    "<li><a hreflang=\"\(article.language.htmlTag)\" href=\"" + HTMLEntities.escape(base + "/articles/" + article.slug)
                        + "\">" + HTMLEntities.escape(article.title) + "</a></li>"
                }
                entries.append(
                    AtomFeed.Entry(
                        id: AtomFeed.urn(try own.requireID()),
                        title: IssueRecord.issueLine(year: issue.year, number: issue.number, language),
                        links: [
                            .init(href: base + issue.path + "?lang=" + language.rawValue, hreflang: language),
                            .init(href: base + issue.path + "?lang=" + language.other.rawValue, hreflang: language.other),
                        ],
                        published: date,
                        updated: ([date, own.updatedAt] + otherArticles.map(\.updatedAt)).compactMap { $0 }.max() ?? date,
                        summary: text("newsletters.edition_awaiting"),
                        contentHTML: "<p>" + HTMLEntities.escape(text("newsletters.edition_awaiting")) + "</p><ul>" + links.joined()
                            + "</ul>",
                        language: language))
            }
        }
        let sorted = entries.sorted { ($0.published, $0.id) > ($1.published, $1.id) }.prefix(50)
        let firstNewsletter = newsletters.first?.id ?? UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
        let path = newsletter.map { "/newsletters/" + $0.slug } ?? "/newsletters"
        return AtomFeed(
            id: AtomFeed.urn(
                AtomFeed.derivedUUID(
                    from: newsletter?.id ?? firstNewsletter,
                    name: (newsletter == nil ? "newsletter-feed-" : "one-newsletter-feed-") + language.rawValue)),
            title: ((newsletter ?? published.first?.newsletter)?.name(language) ?? text("newsletters.title")) + " · "
                + Bilingual.pick(en: centre.nameEn, zh: centre.nameZh, language),
            selfLink: base + path + "/feed.atom?lang=" + language.rawValue,
            alternateLink: .init(href: base + path + "?lang=" + language.rawValue, hreflang: language),
            author: Bilingual.pick(en: centre.nameEn, zh: centre.nameZh, language), language: language, entries: Array(sorted),
            emptySince: newsletters.compactMap { $0.updatedAt ?? $0.createdAt }.max() ?? Date())
    }

    /// The date printed on the issue, which is what readers know it by (Publish may be clicked
    /// later, or the issue imported years after it came out).
    static func issueDate(_ issue: NewsletterIssue) -> Date {
        MeetingTime.instant(date: issue.publicationDate, time: nil, in: .gmt) ?? issue.publishedAt ?? issue.createdAt ?? Date()
    }

    static func articleEntry(
        _ article: Article, translation: Article?, issue: NewsletterIssue, date: Date, base: String, language: Language
    ) -> AtomFeed.Entry {
        var links = [AtomFeed.Link(href: base + "/articles/" + article.slug, hreflang: article.language)]
        if let translation { links.append(.init(href: base + "/articles/" + translation.slug, hreflang: translation.language)) }
        return AtomFeed.Entry(
            id: article.id.map(AtomFeed.urn) ?? base + "/articles/" + article.slug, title: article.title, links: links,
            published: date, updated: max(article.updatedAt ?? date, date),
            summary: IssueRecord.issueLine(year: issue.year, number: issue.number, language) + " · "
                + String(MarkdownRenderer.plainText(article.bodyMarkdown).prefix(280)),
            contentHTML: NewslettersController.leadImageHTML(article, base: base) + article.bodyHTML, language: article.language)
    }
}
