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
        async let latest = FrontPage.latestIssue(req)
        async let meetings = FrontPage.meetings(req)
        async let plan = FrontPage.plan(req)
        async let countries = FrontPage.memberStates(req)
        let chrome = try await Chrome.make(for: req, title: req.t("home.title"), showsIllustrativeNote: try await illustrative > 0)
        let context = FrontPageContext(
            chrome: chrome, memberStates: try await memberStates,
            organisations: try await organisations, activeFocalPoints: try await focalPoints,
            illustrativeFocalPoints: try await illustrativeFocalPoints, latest: try await latest, upcoming: try await meetings.upcoming,
            recent: try await meetings.recent, plan: try await plan, countries: try await countries)
        return try await req.view.render("site/home", context)
    }

    func contact(req: Request) async throws -> View {
        try await req.view.render(
            "site/contact", ContactPageContext(chrome: try await Chrome.make(for: req, title: req.t("contact.title"))))
    }
}

struct ContactPageContext: Encodable {
    let chrome: Chrome
}
