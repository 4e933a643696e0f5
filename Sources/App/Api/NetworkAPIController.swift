import Fluent
import Vapor

/// The read-only JSON API of the registry; contact points are filtered by the caller's role.
struct NetworkAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.requiring(.anonymous).grouped("api", "v1")
        api.get("countries", use: countries)
        api.get("organisations", use: organisations)
        api.get("people", use: people)
        api.get("openapi.json", use: openAPI)
    }

    func countries(req: Request) async throws -> Response {
        let countries = try await Country.query(on: req.db).sort(\.$code).all()
        let appointments = try await FocalPointAppointment.query(on: req.db).filter(\.$status != .ended).all()
        let items = countries.map { country in
            NetworkAPI.CountryItem(
                code: country.code, name: BilingualText(en: country.nameEn, zh: country.nameZh), group: country.group.rawValue,
                membershipSince: country.membershipSince,
                focalPoints: appointments.filter { $0.$country.id == country.id }.map {
                    NetworkAPI.FocalPointItem(
                        personId: $0.$person.id, roleType: $0.roleType.rawValue, rank: $0.rank.rawValue, status: $0.status.rawValue,
                        startDate: $0.startDate, endDate: $0.endDate, illustrative: $0.illustrative)
                })
        }
        return try json(items)
    }

    func organisations(req: Request) async throws -> Response {
        let countries = try await Country.query(on: req.db).all()
        let codes = Dictionary(uniqueKeysWithValues: countries.map { ($0.savedID, $0.code) })
        var query = Organisation.query(on: req.db).sort(\.$nameEn)
        if let code = try req.filterParameter("country", pattern: "^[A-Za-z]{2}$") {
            guard let country = countries.first(where: { $0.code == code.uppercased() }) else {
                return try json([NetworkAPI.OrganisationItem]())
            }
            query = query.filter(\.$country.$id == country.savedID)
        }
        let items = try await query.all().map {
            NetworkAPI.OrganisationItem(
                id: $0.savedID, name: BilingualText(en: $0.nameEn, zh: $0.nameZh), acronym: $0.acronym, kind: $0.kind.rawValue,
                countryCode: $0.$country.id.flatMap { codes[$0] }, parentId: $0.$parent.id)
        }
        return try json(items)
    }

    func people(req: Request) async throws -> Response {
        let directory = try await NetworkDirectory.load(on: req.db, contactVisibility: Visibility.visible(to: req.role))
        let listed = req.role.isStaff ? directory.people : directory.publiclyListedPeople
        let items = listed.map { person in
            NetworkAPI.PersonItem(
                id: person.savedID, name: BilingualText(en: person.nameEn, zh: person.nameZh), honorific: person.honorific,
                preferredLanguage: person.preferredLanguage?.rawValue, illustrative: person.illustrative,
                positions: directory.currentPositions(of: person.savedID).map {
                    NetworkAPI.PositionItem(
                        title: BilingualText(en: $0.titleEn, zh: $0.titleZh), organisationId: $0.$organisation.id, startDate: $0.startDate,
                        endDate: $0.endDate)
                },
                contactPoints: directory.contacts(of: person.savedID).map {
                    NetworkAPI.ContactItem(kind: $0.kind.rawValue, value: $0.value, visibility: $0.visibility.rawValue)
                })
        }
        return try json(items)
    }

    func openAPI(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(data: try OpenAPIDocument.json(serverURL: req.application.focalConfig.baseURL)))
        response.headers.contentType = .json
        return response
    }

    private func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }
}
