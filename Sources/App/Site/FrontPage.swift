import Fluent
import Vapor

/// The home page as the network's front page: the latest issue, the meetings, the action plan at
/// a glance and the member states, each from the record that feeds the rest of the site.
struct FrontPageContext: Encodable {
    struct LatestIssue: Encodable {
        let newsletterName: String
        let theme: String
        let issueLine: String
        let date: String
        let href: String
        let pdfHref: String
        let lead: ArticleEntry?
        let leadExcerpt: String
        let more: [ArticleEntry]
        /// The edition shown is the other language's: this one awaits translation.
        let otherLanguage: Bool
        let illustrative: Bool
    }

    struct PlanGlance: Encodable {
        let title: String
        let period: String
        let areas: [AreaEntry]
    }

    struct CountryLink: Encodable {
        let name: String
        let href: String
    }

    let chrome: Chrome
    let memberStates: Int
    let organisations: Int
    let activeFocalPoints: Int
    let illustrativeFocalPoints: Int
    let latest: LatestIssue?
    let upcoming: [MeetingSummaryEntry]
    let recent: [MeetingSummaryEntry]
    let plan: PlanGlance?
    let countries: [CountryLink]
}

enum FrontPage {
    static func latestIssue(_ req: Request) async throws -> FrontPageContext.LatestIssue? {
        guard
            let issue = try await NewsletterIssue.query(on: req.db).filter(\.$status == .published)
                .sort(\.$publicationDate, .descending).sort(\.$year, .descending).sort(\.$number, .descending).first()
        else { return nil }
        let record = try await IssueRecord.load(issue, on: req.db)
        let own = record.articles(req.language)
        let ownReady = record.edition(req.language)?.status == .ready && !own.isEmpty
        let language = ownReady ? req.language : req.language.other
        let articles = record.articles(language)
        let presenter = IssuePresenter(request: req)
        let lead = articles.first.map { presenter.article($0) }
        return FrontPageContext.LatestIssue(
            newsletterName: record.newsletter.name(req.language), theme: issue.theme(req.language),
            issueLine: IssueRecord.issueLine(year: issue.year, number: issue.number, req.language),
            date: LocalizedDate.format(issue.publicationDate, req.language) ?? issue.publicationDate,
            href: issue.path + "?lang=" + language.rawValue, pdfHref: issue.path + ".pdf?lang=" + language.rawValue, lead: lead,
            leadExcerpt: lead.map {
                $0.summary.isEmpty ? excerpt(articles.first?.bodyHTML ?? "", characters: language == .zh ? 120 : 280) : $0.summary
            }
                ?? "",
            more: articles.dropFirst().prefix(4).map { presenter.article($0) }, otherLanguage: !ownReady,
            illustrative: issue.illustrative)
    }

    static func meetings(_ req: Request, now: Date = Date()) async throws -> (
        upcoming: [MeetingSummaryEntry], recent: [MeetingSummaryEntry]
    ) {
        let presenter = MeetingPresenter(request: req)
        let visible = Visibility.visible(to: req.role)
        let upcoming = try await Meeting.query(on: req.db).filter(\.$visibility ~~ visible).filter(\.$startsAt >= now)
            .filter(\.$status !~ [.cancelled, .held]).sort(\.$startsAt, .ascending).range(..<3).all()
        let recent = try await Meeting.query(on: req.db).filter(\.$visibility ~~ visible).filter(\.$startsAt < now)
            .filter(\.$status != .cancelled).sort(\.$startsAt, .descending).range(..<3).all()
        return (upcoming.map(presenter.summary), recent.map(presenter.summary))
    }

    static func plan(_ req: Request) async throws -> FrontPageContext.PlanGlance? {
        guard let data = try await ActionPlanData.shared(req) else { return nil }
        let controller = ActionPlanController()
        return FrontPageContext.PlanGlance(
            title: data.strategy.title(req.language), period: "\(data.strategy.firstYear)–\(data.strategy.lastYear)",
            areas: data.areas.map { controller.areaEntry($0, data, req, limit: 0) })
    }

    static func memberStates(_ req: Request) async throws -> [FrontPageContext.CountryLink] {
        try await Country.query(on: req.db).filter(\.$group == .aseanMemberState).all()
            .map { FrontPageContext.CountryLink(name: $0.name(req.language), href: "/network/countries/" + $0.code) }
            // In Chinese by pinyin, as readers look them up.
            .sorted {
                $0.name.compare($1.name, locale: Locale(identifier: req.language == .zh ? "zh@collation=pinyin" : "en"))
                    == .orderedAscending
            }
    }

    /// The first words of an article, as text: tags removed, entities read, cut at a word (or, in
    /// Chinese, at a character) with an ellipsis.
    static func excerpt(_ html: String, characters: Int) -> String {
        var text = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        text = text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression).trimmingCharacters(in: .whitespaces)
        guard text.count > characters else { return text }
        var cut = String(text.prefix(characters))
        if let space = cut.lastIndex(of: " "), cut.distance(from: cut.startIndex, to: space) > characters / 2 {
            cut = String(cut[..<space])
        }
        return cut + "…"
    }
}
