import Fluent
import Vapor

/// "Copy for WeChat": an article in the form the official-account editor keeps when it is pasted,
/// with a preview of exactly what will be copied.
struct WeChatCopyController: RouteCollection {
    struct PageContext: Encodable {
        let chrome: Chrome
        let title: String
        let editHref: String
        let previewHref: String
        let html: String
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "articles", ":id", "wechat")
        staff.get(use: page)
        staff.get("preview", use: preview)
    }

    func page(req: Request) async throws -> View {
        let (article, html) = try await copy(req)
        let id = try article.requireID().uuidString
        let context = PageContext(
            chrome: try await Chrome.make(for: req, title: req.t("wechat.title")), title: article.title,
            editHref: "/admin/articles/\(id)/edit", previewHref: "/admin/articles/\(id)/wechat/preview", html: html)
        return try await req.view.render("newsletters/wechat", context)
    }

    /// The copied HTML, alone, as the frame on the copy page shows it.
    func preview(req: Request) async throws -> Response {
        let (article, html) = try await copy(req)
        let page =
            "<!doctype html><html lang=\"\(article.language.htmlTag)\"><head><meta charset=\"utf-8\"><title>"
            + HTMLEntities.escape(article.title) + "</title></head><body style=\"margin:0;padding:16px;max-width:600px;\">" + html
            + "</body></html>"
        return SandboxedPreview.response(html: page)
    }

    private func copy(_ req: Request) async throws -> (Article, String) {
        guard let id = req.parameters.get("id", as: UUID.self), let article = try await Article.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        let base = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        var source = base + "/articles/" + article.slug
        if let editionID = article.$edition.id, let edition = try await Edition.find(editionID, on: req.db),
            let issue = try await NewsletterIssue.find(edition.$issue.id, on: req.db)
        {
            let newsletter = try await issue.$newsletter.get(on: req.db)
            source =
                newsletter.name(article.language) + " · " + IssueRecord.issueLine(year: issue.year, number: issue.number, article.language)
                + " · " + source
        }
        let html = WeChatCopy.html(
            title: article.title, bodyHTML: article.bodyHTML,
            leadImage: article.leadImageKey == nil ? nil : (base + "/articles/" + article.slug + "/image", article.leadImageAlt),
            source: source, language: article.language, base: base, summary: article.summary ?? "", byline: article.byline ?? "",
            correction: IssuePresenter.correction(article, request: req))
        return (article, html)
    }
}
