import Fluent
import Vapor

struct NetworkController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.publicPages()
        pages.get("network", use: index)
        pages.get("network", "countries", ":code", use: country)
    }

    func index(req: Request) async throws -> View {
        let directory = try await NetworkDirectory.load(on: req.db, contactVisibility: Visibility.visible(to: req.role))
        let presenter = NetworkPresenter(directory: directory, request: req)
        let groups = CountryGroup.allCases.compactMap { group -> CountryGroupEntry? in
            let members = directory.countries.filter { $0.group == group }
            guard !members.isEmpty else { return nil }
            return CountryGroupEntry(label: req.t("country_group_plural." + group.rawValue), countries: members.map(presenter.country))
        }
        let context = NetworkPageContext(
            chrome: try await Chrome.make(
                for: req, title: req.t("network.title"), showsIllustrativeNote: directory.people.contains(where: \.illustrative)),
            groups: groups,
            regionalOrganisations: presenter.organisations(countryID: nil),
            contactsHidden: req.role == .anonymous)
        return try await req.view.render("network/index", context)
    }

    func country(req: Request) async throws -> View {
        let code = req.parameters.get("code")?.uppercased() ?? ""
        guard let country = try await Country.query(on: req.db).filter(\.$code == code).first() else {
            throw Abort(.notFound, reason: req.t("error.unknown_country", ["code": code]))
        }
        let directory = try await NetworkDirectory.load(on: req.db, contactVisibility: Visibility.visible(to: req.role))
        let entry = NetworkPresenter(directory: directory, request: req).country(country)
        let context = CountryPageContext(
            chrome: try await Chrome.make(
                for: req, title: entry.name, showsIllustrativeNote: entry.focalPoints.contains(where: \.illustrative)),
            country: entry, contactsHidden: req.role == .anonymous)
        return try await req.view.render("network/country", context)
    }
}
