import Fluent
import Foundation

/// The whole registry loaded in a handful of queries, for pages and the API to arrange.
struct NetworkDirectory {
    let countries: [Country]
    let organisations: [Organisation]
    let people: [Person]
    let positions: [Position]
    let appointments: [FocalPointAppointment]
    let contactPoints: [ContactPoint]

    let organisationsByID: [UUID: Organisation]
    let peopleByID: [UUID: Person]
    let countriesByID: [UUID: Country]

    static func load(on db: any Database, contactVisibility: [Visibility]) async throws -> NetworkDirectory {
        async let countries = Country.query(on: db).sort(\.$nameEn).all()
        async let organisations = Organisation.query(on: db).sort(\.$nameEn).all()
        async let people = Person.query(on: db).sort(\.$nameEn).all()
        async let positions = Position.query(on: db).sort(\.$startDate, .descending).all()
        async let appointments = FocalPointAppointment.query(on: db).filter(\.$status != .ended).all()
        async let contacts = ContactPoint.query(on: db).filter(\.$visibility ~~ contactVisibility).sort(\.$kind).all()
        return try await NetworkDirectory(
            countries: countries, organisations: organisations, people: people, positions: positions, appointments: appointments,
            contactPoints: contacts)
    }

    init(
        countries: [Country], organisations: [Organisation], people: [Person], positions: [Position],
        appointments: [FocalPointAppointment], contactPoints: [ContactPoint]
    ) {
        self.countries = countries
        self.organisations = organisations
        self.people = people
        self.positions = positions.filter(\.isCurrent)
        self.appointments = appointments
        self.contactPoints = contactPoints
        organisationsByID = Dictionary(uniqueKeysWithValues: organisations.compactMap { org in org.id.map { ($0, org) } })
        peopleByID = Dictionary(uniqueKeysWithValues: people.compactMap { person in person.id.map { ($0, person) } })
        countriesByID = Dictionary(uniqueKeysWithValues: countries.compactMap { country in country.id.map { ($0, country) } })
    }

    /// The organisation and its parents, innermost first.
    func chain(of organisationID: UUID) -> [Organisation] {
        var chain: [Organisation] = []
        var next: UUID? = organisationID
        while let id = next, let org = organisationsByID[id], !chain.contains(where: { $0 === org }) {
            chain.append(org)
            next = org.$parent.id
        }
        return chain
    }

    /// "Director, Department of International Cooperation, Ministry of Ecology and Environment";
    /// in Chinese the organisations come first, outermost first, as Chinese titles are written.
    func describe(_ position: Position, _ language: Language) -> String {
        let chain = chain(of: position.$organisation.id)
        switch language {
        case .en: return ([position.title(.en)] + chain.map { $0.name(.en) }).joined(separator: ", ")
        case .zh:
            // Half Chinese, half English reads badly: without every part in Chinese, the whole
            // position stays in English, as given.
            guard !position.titleZh.isEmpty, chain.allSatisfy({ !$0.nameZh.isEmpty }) else { return describe(position, .en) }
            return Self.joinChinese(chain.reversed().map { $0.name(.zh) } + [position.title(.zh)])
        }
    }

    /// Chinese parts run together; a part that fell back to English is set off by spaces.
    static func joinChinese(_ parts: [String]) -> String {
        parts.reduce("") { text, part in
            guard let last = text.unicodeScalars.last, let first = part.unicodeScalars.first else { return text + part }
            let joinsTight = (isCJK(last) && isCJK(first)) || isCJKPunctuation(last) || isCJKPunctuation(first)
            return text + (joinsTight ? "" : " ") + part
        }
    }

    private static func isCJKPunctuation(_ scalar: Unicode.Scalar) -> Bool {
        (0x3000...0x303F).contains(scalar.value) || (0xFF00...0xFF0F).contains(scalar.value) || (0xFF1A...0xFF20).contains(scalar.value)
    }

    private static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        (0x3000...0x9FFF).contains(scalar.value) || (0xFF00...0xFFEF).contains(scalar.value)
    }

    func currentPositions(of personID: UUID) -> [Position] {
        positions.filter { $0.$person.id == personID }
    }

    func contacts(of personID: UUID) -> [ContactPoint] {
        contactPoints.filter { $0.$person.id == personID }
    }

    /// Organisations of a country (or, with nil, those belonging to none), parents before children.
    func organisationTree(countryID: UUID?) -> [(organisation: Organisation, depth: Int)] {
        let members = organisations.filter { $0.$country.id == countryID }
        let memberIDs = Set(members.compactMap(\.id))
        var ordered: [(Organisation, Int)] = []
        func visit(_ org: Organisation, _ depth: Int) {
            guard !ordered.contains(where: { $0.0 === org }) else { return }
            ordered.append((org, depth))
            for child in members where child.$parent.id == org.id { visit(child, depth + 1) }
        }
        for root in members where root.$parent.id.map({ !memberIDs.contains($0) }) ?? true { visit(root, 0) }
        return ordered
    }

    /// The people the public network shows: those holding a current position, or a focal-point
    /// appointment the public sees. Meeting delegates are not among them unless they are one of
    /// these; they appear only where they consented (the public list of participants).
    var publiclyListedPeople: [Person] {
        let appointed = Set(appointments.filter { $0.isCurrent || $0.status == .nominated }.map { $0.$person.id })
        let positioned = Set(positions.map { $0.$person.id })
        return people.filter { person in person.id.map { appointed.contains($0) || positioned.contains($0) } ?? false }
    }

    func people(in organisationID: UUID) -> [Person] {
        let ids = Set(positions.filter { $0.$organisation.id == organisationID }.map { $0.$person.id })
        return people.filter { $0.id.map(ids.contains) ?? false }
    }

    /// The country's focal points as the public sees them: serving today, or nominated.
    func focalPoints(of countryID: UUID) -> [FocalPointAppointment] {
        appointments.filter { $0.$country.id == countryID && ($0.isCurrent || $0.status == .nominated) }
            .sorted {
                (FocalPointRoleType.allCases.firstIndex(of: $0.roleType)!, $0.rank == .primary ? 0 : 1)
                    < (FocalPointRoleType.allCases.firstIndex(of: $1.roleType)!, $1.rank == .primary ? 0 : 1)
            }
    }
}
