import Fluent
import Vapor

enum NewsletterAPI {
    struct IssueSummary: Codable {
        let year: Int
        let number: Int
        let publicationDate: String
        let newsletter: BilingualText
        let newsletterSlug: String
        let theme: BilingualText?
        let url: String
        let editions: [EditionEntry]
    }

    struct EditionEntry: Codable {
        let language: String
        let status: String
        let articles: [ArticleEntry]
    }

    struct ArticleEntry: Codable {
        let slug: String
        let language: String
        let title: String
        let url: String
        let bodyMarkdown: String?
        let bodyHTML: String?
        let translationSlug: String?
        /// The standfirst and author line, when the article has them.
        let summary: String?
        let byline: String?
    }
}

/// Published newsletter issues and articles as JSON.
struct NewsletterAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.requiring(.anonymous).grouped("api", "v1")
        api.get("newsletters", use: list)
        api.get(IssueAddress.shortForm, use: issue)
        api.get(IssueAddress.longForm, use: issue)
        api.get("articles", ":slug", use: article)
    }

    private var base: (Request) throws -> String { { try $0.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/") } }

    func list(req: Request) async throws -> Response {
        let issues = try await NewsletterIssue.query(on: req.db).filter(\.$status == .published).sort(\.$year, .descending)
            .sort(\.$number, .descending).all()
        var items: [NewsletterAPI.IssueSummary] = []
        for issue in issues { items.append(try await summary(req, try await IssueRecord.load(issue, on: req.db), full: false)) }
        return try APIResponse.json(items)
    }

    func issue(req: Request) async throws -> Response {
        let address = IssueAddress.parts(of: req)
        guard let year = address.year, let number = Int(address.number),
            let issue = try await IssueAddress.find(newsletter: address.newsletter, year: year, number: number, on: req.db),
            issue.status == .published
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        return try APIResponse.json(try await summary(req, try await IssueRecord.load(issue, on: req.db), full: true))
    }

    func article(req: Request) async throws -> Response {
        guard let article = try await Article.query(on: req.db).filter(\.$slug == (req.parameters.get("slug") ?? "")).first(),
            let editionID = article.$edition.id, let edition = try await Edition.find(editionID, on: req.db),
            try await edition.$issue.get(on: req.db).status == .published
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let translation = try await NewslettersController.translation(of: article, on: req.db, includeUnpublished: false)
        return try APIResponse.json(entry(req, article, translation: translation, full: true))
    }

    private func entry(_ req: Request, _ article: Article, translation: Article?, full: Bool) throws -> NewsletterAPI.ArticleEntry {
        NewsletterAPI.ArticleEntry(
            slug: article.slug, language: article.language.rawValue, title: article.title, url: try base(req) + "/articles/" + article.slug,
            bodyMarkdown: full ? article.bodyMarkdown : nil, bodyHTML: full ? article.bodyHTML : nil, translationSlug: translation?.slug,
            summary: article.summary.flatMap { $0.isEmpty ? nil : $0 }, byline: article.byline.flatMap { $0.isEmpty ? nil : $0 })
    }

    private func summary(_ req: Request, _ record: IssueRecord, full: Bool) async throws -> NewsletterAPI.IssueSummary {
        let all = record.articles.values.flatMap { $0 }
        return NewsletterAPI.IssueSummary(
            year: record.issue.year, number: record.issue.number, publicationDate: record.issue.publicationDate,
            newsletter: BilingualText(en: record.newsletter.nameEn, zh: record.newsletter.nameZh),
            newsletterSlug: record.newsletter.slug,
            theme: record.issue.themeEn == nil && record.issue.themeZh == nil
                ? nil : BilingualText(en: record.issue.themeEn ?? "", zh: record.issue.themeZh ?? ""),
            url: try base(req) + record.issue.path,
            editions: try record.editions.map { edition in
                NewsletterAPI.EditionEntry(
                    language: edition.language.rawValue, status: edition.status.rawValue,
                    articles: try record.articles(edition.language).map { article in
                        let translation = all.first { $0.id == article.$translationOf.id || $0.$translationOf.id == article.id }
                        return try entry(req, article, translation: translation, full: full)
                    })
            })
    }
}
