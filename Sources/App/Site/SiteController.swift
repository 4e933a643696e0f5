import Fluent
import Vapor

struct SiteController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.publicPages()
        pages.get(use: home)
        pages.get("contact", use: contact)
        // The plain-text route the page benchmark measures as this server's ceiling; it takes the
        // same path through the middleware as the public pages, so the ratio compares like with like.
        pages.get("ping") { _ in "pong" }
    }

    func home(req: Request) async throws -> View {
        async let memberStates = Country.query(on: req.db).filter(\.$group == .aseanMemberState).count()
        async let organisations = Organisation.query(on: req.db).count()
        async let focalPoints = FocalPointAppointment.query(on: req.db).serving().filter(\.$illustrative == false)
            .count()
        async let illustrativeFocalPoints = FocalPointAppointment.query(on: req.db).serving().filter(
            \.$illustrative == true
        ).count()
        async let illustrative = Person.query(on: req.db).filter(\.$illustrative == true).count()
        async let recent = AuditEntry.query(on: req.db)
            .filter(\.$entityType ~~ HomePageContext.publicEntityTypes)
            .sort(\.$occurredAt, .descending).range(..<8).all()
        let chrome = try await Chrome.make(for: req, title: req.t("home.title"), showsIllustrativeNote: try await illustrative > 0)
        let centre = try await CentreSnapshot.current(req)
        let context = HomePageContext(
            chrome: chrome,
            nameEn: centre.nameEn,
            nameZh: centre.nameZh,
            memberStates: try await memberStates,
            organisations: try await organisations,
            activeFocalPoints: try await focalPoints,
            illustrativeFocalPoints: try await illustrativeFocalPoints,
            whatsNew: try await recent.map { entry in
                HomePageContext.NewsItem(
                    date: LocalizedDate.format(entry.occurredAt, req.language),
                    datetime: entry.occurredAt.internetTimestamp,
                    text: req.t("audit.action." + entry.action) + " · " + req.t("entity." + entry.entityType) + ": " + entry.summary)
            })
        return try await req.view.render("site/home", context)
    }

    func contact(req: Request) async throws -> View {
        try await req.view.render(
            "site/contact", ContactPageContext(chrome: try await Chrome.make(for: req, title: req.t("contact.title"))))
    }
}

struct HomePageContext: Encodable {
    /// Records the public network shows. Not people as such: a person record may be a meeting
    /// delegate who did not consent to be listed (their positions and appointments are shown).
    static let publicEntityTypes = ["country", "organisation", "position", "focal_point"]

    struct NewsItem: Encodable {
        let date: String
        /// The same instant for machines (a valid `<time datetime>`).
        let datetime: String
        let text: String
    }

    let chrome: Chrome
    let nameEn: String
    let nameZh: String
    let memberStates: Int
    let organisations: Int
    let activeFocalPoints: Int
    let illustrativeFocalPoints: Int
    let whatsNew: [NewsItem]
}

struct ContactPageContext: Encodable {
    let chrome: Chrome
}
