import Fluent
import Vapor

/// The newsletter for readers: the archive, each issue in both languages, articles, the Atom feed
/// and the PDF edition.
struct NewslettersController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.publicPages()
        pages.get("newsletters", use: archive)
        pages.get("newsletters", "feed.atom", use: feed)
        // One newsletter's own archive and feed; the parameter shares its name with the issue
        // addresses', whose second component is a year, never "feed.atom".
        pages.get("newsletters", ":newsletterOrYear", use: newsletterArchive)
        pages.get("newsletters", ":newsletterOrYear", "feed.atom", use: newsletterFeed)
        pages.get(IssueAddress.shortForm, use: issue)
        pages.get(IssueAddress.longForm, use: issue)
        pages.get("articles", ":slug", use: article)
        routes.requiring(.anonymous).get("articles", ":slug", "image", use: leadImage)
    }

    func archive(req: Request) async throws -> View {
        try await archive(req, of: nil)
    }

    func newsletterArchive(req: Request) async throws -> View {
        try await archive(req, of: try await Self.newsletter(req))
    }

    func newsletterFeed(req: Request) async throws -> Response {
        let newsletter = try await Self.newsletter(req)
        let language = LanguageMiddleware.explicitChoice(req) ?? req.language
        return Self.atom(try await NewsletterFeed.build(req, language: language, newsletter: newsletter))
    }

    private static func newsletter(_ req: Request) async throws -> Newsletter {
        guard
            let newsletter = try await Newsletter.query(on: req.db).filter(\.$slug == (req.parameters.get("newsletterOrYear") ?? ""))
                .first()
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        return newsletter
    }

    /// Every published issue, or one newsletter's.
    private func archive(_ req: Request, of newsletter: Newsletter?) async throws -> View {
        var query = NewsletterIssue.query(on: req.db).filter(\.$status == .published)
        if let newsletterID = newsletter?.id { query = query.filter(\.$newsletter.$id == newsletterID) }
        let issues = try await query.sort(\.$year, .descending).sort(\.$number, .descending).all()
        let editions = try await Edition.query(on: req.db).filter(\.$issue.$id ~~ issues.compactMap(\.id)).all()
        let articles = try await Article.query(on: req.db).filter(\.$edition.$id ~~ editions.compactMap(\.id)).sort(\.$position).all()
        let l = req.language
        let newsletters = try await Newsletter.query(on: req.db).all()
        func newsletterName(_ issue: NewsletterIssue) -> String? {
            guard newsletters.count > 1, newsletter == nil else { return nil }
            return newsletters.first { $0.id == issue.$newsletter.id }?.name(l)
        }
        func titles(_ issue: NewsletterIssue, _ language: Language) -> [String] {
            let edition = editions.first { $0.$issue.id == issue.id && $0.language == language }
            return articles.filter { $0.$edition.id == edition?.id && edition != nil }.map(\.title)
        }
        let years = Dictionary(grouping: issues, by: \.year).keys.sorted(by: >).map { year in
            NewsletterArchiveContext.Year(
                year: year,
                issues: issues.filter { $0.year == year }.map { issue in
                    let mine = titles(issue, l)
                    return .init(
                        issueLine: IssueRecord.issueLine(year: issue.year, number: issue.number, l),
                        newsletterName: newsletterName(issue), theme: issue.theme(l), href: issue.path,
                        date: LocalizedDate.format(issue.publicationDate, l) ?? issue.publicationDate, titles: mine,
                        otherLanguageTitles: mine.isEmpty ? titles(issue, l.other) : [], awaitingTranslation: mine.isEmpty,
                        illustrative: issue.illustrative)
                })
        }
        let heading = newsletter?.name(l) ?? req.t("newsletters.title")
        let otherName = newsletter?.name(l.other)
        let context = NewsletterArchiveContext(
            chrome: try await Chrome.make(for: req, title: heading, showsIllustrativeNote: issues.contains(where: \.illustrative)),
            heading: heading, otherName: otherName == heading ? nil : otherName,
            years: years,
            feedHref: (newsletter.map { "/newsletters/\($0.slug)/feed.atom" } ?? "/newsletters/feed.atom") + "?lang=" + l.rawValue,
            newsletters: newsletter != nil || newsletters.count < 2
                ? [] : newsletters.map { .init(name: $0.name(l), href: "/newsletters/" + $0.slug) })
        return try await req.view.render("newsletters/archive", context)
    }

    func issue(req: Request) async throws -> Response {
        let address = IssueAddress.parts(of: req)
        let wantsPDF = address.number.hasSuffix(".pdf")
        guard let year = address.year, let number = Int(wantsPDF ? String(address.number.dropLast(4)) : address.number),
            let issue = try await IssueAddress.find(newsletter: address.newsletter, year: year, number: number, on: req.db),
            issue.status == .published
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let record = try await IssueRecord.load(issue, on: req.db)
        // The first newsletter's issues are also found by its slug; they are read at their own address.
        if address.newsletter != nil, !(req.url.path == issue.path || req.url.path == issue.path + ".pdf") {
            return req.redirect(
                to: issue.path + (wantsPDF ? ".pdf" : "") + (req.url.query.map { "?" + $0 } ?? ""), redirectType: .permanent)
        }
        if wantsPDF { return try await IssuePDF.response(req, record: record, language: req.language) }
        let context = try await IssuePresenter(request: req).page(record, language: req.language, preview: false)
        return try await req.view.render("newsletters/issue", context).encodeResponse(for: req)
    }

    func article(req: Request) async throws -> View {
        guard let article = try await Article.query(on: req.db).filter(\.$slug == (req.parameters.get("slug") ?? "")).first(),
            let editionID = article.$edition.id, let edition = try await Edition.find(editionID, on: req.db)
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let issue = try await edition.$issue.get(on: req.db)
        guard issue.status == .published || req.role.isStaff else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let translation = try await Self.translation(of: article, on: req.db, includeUnpublished: req.role.isStaff)
        let base = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        let links = try await ArticleLink.query(on: req.db).filter(\.$article.$id == article.savedID).all()
        let meetings = try await Meeting.query(on: req.db).filter(\.$id ~~ links.filter { $0.target == .meeting }.map(\.targetID))
            .filter(\.$visibility ~~ Visibility.visible(to: req.role)).all()
        let documents = try await Document.query(on: req.db).filter(\.$id ~~ links.filter { $0.target == .document }.map(\.targetID))
            .filter(\.$access ~~ Visibility.visible(to: req.role)).all()
        let presenter = MeetingPresenter(request: req)
        // The article is in its own language, whatever the interface language.
        var chrome = try await Chrome.make(for: req, title: article.title, showsIllustrativeNote: article.illustrative)
        chrome.canonical = base + "/articles/" + article.slug
        chrome.alternates =
            [.init(hreflang: article.language.htmlTag, href: base + "/articles/" + article.slug)]
            + (translation.map { [.init(hreflang: $0.language.htmlTag, href: base + "/articles/" + $0.slug)] } ?? [])
        let context = ArticlePageContext(
            chrome: chrome,
            article: IssuePresenter(request: req).article(article), articleLang: article.language.htmlTag,
            // The way back is part of the page, in the reader's language; the article keeps its own.
            issueLine: IssueRecord.issueLine(year: issue.year, number: issue.number, req.language),
            issueHref: issue.path + "?lang=" + article.language.rawValue,
            date: LocalizedDate.format(issue.publicationDate, req.language) ?? issue.publicationDate,
            canonical: base + "/articles/" + article.slug,
            translationHref: translation.map { base + "/articles/" + $0.slug },
            translationHreflang: translation?.language.htmlTag,
            meetings: meetings.map(presenter.summary), documents: documents.map(presenter.document))
        return try await req.view.render("newsletters/article", context)
    }

    /// Feed readers show the article's lead image above its text, by absolute URL.
    static func leadImageHTML(_ article: Article, base: String) -> String {
        guard article.leadImageKey != nil else { return "" }
        return "<p><img src=\"" + HTMLEntities.escape(base + "/articles/" + article.slug + "/image") + "\" alt=\""
            + HTMLEntities.escape(article.leadImageAlt) + "\"></p>"
    }

    func leadImage(req: Request) async throws -> Response {
        guard let article = try await Article.query(on: req.db).filter(\.$slug == (req.parameters.get("slug") ?? "")).first(),
            let key = article.leadImageKey, try await Self.isPublished(article, on: req.db) || req.role.isStaff
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let response = try await req.application.fileStorage.response(for: key, request: req)
        response.headers.replaceOrAdd(name: .contentType, value: article.leadImageType)
        return response
    }

    func feed(req: Request) async throws -> Response {
        let language = LanguageMiddleware.explicitChoice(req) ?? req.language
        return Self.atom(try await NewsletterFeed.build(req, language: language))
    }

    private static func atom(_ feed: AtomFeed) -> Response {
        let response = Response(status: .ok, body: .init(string: feed.render()))
        response.headers.replaceOrAdd(name: .contentType, value: "application/atom+xml; charset=utf-8")
        return response
    }

    /// The article's translation, if there is one readers may see (staff also see unpublished ones).
    static func translation(of article: Article, on db: any Database, includeUnpublished: Bool = false) async throws -> Article? {
        var translation: Article?
        if let sourceID = article.$translationOf.id {
            translation = try await Article.find(sourceID, on: db)
        } else {
            translation = try await Article.query(on: db).filter(\.$translationOf.$id == article.savedID).first()
        }
        guard let translation else { return nil }
        if includeUnpublished { return translation }
        return try await isPublished(translation, on: db) ? translation : nil
    }

    static func isPublished(_ article: Article, on db: any Database) async throws -> Bool {
        guard let editionID = article.$edition.id, let edition = try await Edition.find(editionID, on: db) else { return false }
        return try await edition.$issue.get(on: db).status == .published
    }
}

/// The printed edition: the issue rendered for A4 with its stylesheet inlined, printed by the PDF
/// engine once per content version and then served from the cache.
enum IssuePDF {
    static func response(_ req: Request, record: IssueRecord, language: Language) async throws -> Response {
        let renderer = try req.application.pdfRenderer
        if let reason = renderer.unavailableReason { throw Abort(.serviceUnavailable, reason: reason) }
        // The PDF also prints the centre's profile and follows the print template and stylesheet.
        let profileChange = try await CentreProfile.query(on: req.db).first()?.updatedAt ?? Date(timeIntervalSince1970: 0)
        let resources = try req.application.focalConfig.resourcesDirectory
        let layoutChange =
            ["/Resources/Views/newsletters/print.leaf", "/Public/css/print.css"].compactMap {
                (try? FileManager.default.attributesOfItem(atPath: resources + $0))?[.modificationDate] as? Date
            }.max() ?? Date(timeIntervalSince1970: 0)
        let changed = max(record.lastChange, profileChange, layoutChange)
        let key = "\(record.issue.savedID.uuidString.lowercased())-\(language.rawValue)-\(Int(changed.timeIntervalSince1970 * 1000))"
        let etag = "\"" + key + "\""
        if req.headers.first(name: .ifNoneMatch) == etag { return Response(status: .notModified, headers: ["ETag": etag]) }
        let html = try await printableHTML(req, record: record, language: language)
        let metrics = try req.application.metrics
        let path = try await req.application.pdfCache.pdf(for: key) {
            let started = ContinuousClock.now
            do {
                let data = try await renderer.pdf(fromHTML: html)
                metrics.recordPDFRender(outcome: "rendered", duration: .now - started)
                return data
            } catch {
                metrics.recordPDFRender(outcome: "failed", duration: .now - started)
                throw error
            }
        }
        if let refusal = UnsatisfiableRange.response(for: req, filePath: path) { return refusal }
        let response = try await req.fileio.asyncStreamFile(at: path)
        response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        response.headers.replaceOrAdd(
            name: .contentDisposition,
            value: "inline; filename=\"newsletter-\(record.issue.year)-\(record.issue.number)-\(language.rawValue).pdf\"")
        return response
    }

    static func printableHTML(_ req: Request, record: IssueRecord, language: Language) async throws -> String {
        let cssPath = try req.application.focalConfig.resourcesDirectory + "/Public/css/print.css"
        let css = (try? String(contentsOfFile: cssPath, encoding: .utf8)) ?? ""
        var context = try await IssuePresenter(request: req).page(record, language: language, preview: false, inlineCSS: css)
        // Chromium prints a file, not a page of this server: lead images travel inside it.
        context.articles = try await embeddingLeadImages(context.articles, of: record.articles(language), req: req)
        let base = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        let address = base + record.issue.path + "?lang=" + language.rawValue
        context.webAddress = address
        if context.awaitingTranslation, context.otherEditionHref != nil {
            context.otherEditionAddress = base + record.issue.path + "?lang=" + language.other.rawValue
            context.otherEditionPDF = base + record.issue.path + ".pdf?lang=" + language.other.rawValue
        }
        context.qrCodeSVG = QRCode.svg(for: address)
        let view = try await req.view.render("newsletters/print", context)
        return String(buffer: view.data)
    }

    private static func embeddingLeadImages(_ entries: [ArticleEntry], of articles: [Article], req: Request) async throws -> [ArticleEntry]
    {
        var result: [ArticleEntry] = []
        for (entry, article) in zip(entries, articles) {
            var entry = entry
            if let key = article.leadImageKey {
                let bytes = try await req.application.fileStorage.contents(of: key)
                entry.leadImageHref = "data:" + article.leadImageType + ";base64," + bytes.base64EncodedString()
            }
            result.append(entry)
        }
        return result
    }
}
