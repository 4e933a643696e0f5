import Vapor

struct ContactEntry: Encodable {
    let kind: String
    let value: String
    let href: String?
    let visibility: String
}

struct PersonEntry: Encodable {
    let name: String
    let otherName: String?
    let honorific: String
    let positions: [String]
    let contacts: [ContactEntry]
    let illustrative: Bool
}

struct FocalPointEntry: Encodable {
    let role: String
    let rank: String
    let status: String
    let since: String?
    let person: PersonEntry
    let illustrative: Bool
}

struct OrganisationEntry: Encodable {
    let name: String
    let otherName: String?
    let acronym: String
    let kind: String
    let depth: Int
    let people: [PersonEntry]
}

struct CountryEntry: Encodable {
    let code: String
    let name: String
    let otherName: String
    let group: String
    let membershipSince: String?
    let href: String
    let focalPoints: [FocalPointEntry]
    let organisations: [OrganisationEntry]
}

/// Turns the directory into what the network pages show, in the reader's language.
struct NetworkPresenter {
    let directory: NetworkDirectory
    let request: Request
    var language: Language { request.language }

    func person(_ person: Person) -> PersonEntry {
        let id = person.savedID
        let other = person.name(language.other)
        return PersonEntry(
            name: person.name(language),
            otherName: other == person.name(language) ? nil : other,
            honorific: person.honorific,
            positions: directory.currentPositions(of: id).map { directory.describe($0, language) },
            contacts: directory.contacts(of: id).map(contact),
            illustrative: person.illustrative)
    }

    func contact(_ point: ContactPoint) -> ContactEntry {
        let href: String? =
            switch point.kind {
            case .email: "mailto:" + point.value
            case .phone, .fax: "tel:" + point.value.filter { $0.isNumber || $0 == "+" }
            case .website where point.value.hasPrefix("https://") || point.value.hasPrefix("http://"): point.value
            default: nil
            }
        return ContactEntry(
            kind: request.t("contact_kind." + point.kind.rawValue), value: point.value, href: href,
            visibility: request.t("visibility." + point.visibility.rawValue))
    }

    func organisations(countryID: UUID?) -> [OrganisationEntry] {
        directory.organisationTree(countryID: countryID).map { org, depth in
            let other = org.name(language.other)
            return OrganisationEntry(
                name: org.name(language), otherName: other == org.name(language) ? nil : other, acronym: org.acronym,
                kind: request.t("organisation_kind." + org.kind.rawValue), depth: depth,
                people: directory.people(in: org.savedID).map(person))
        }
    }

    func country(_ country: Country) -> CountryEntry {
        CountryEntry(
            code: country.code,
            name: country.name(language),
            otherName: country.name(language.other),
            group: request.t("country_group." + country.group.rawValue),
            membershipSince: LocalizedDate.format(country.membershipSince, language),
            href: "/network/countries/" + country.code,
            focalPoints: directory.focalPoints(of: country.savedID).compactMap { appointment in
                directory.peopleByID[appointment.$person.id].map { holder in
                    FocalPointEntry(
                        role: request.t("focal_role." + appointment.roleType.rawValue),
                        rank: request.t("focal_rank." + appointment.rank.rawValue),
                        status: request.t("appointment_status." + appointment.status.rawValue),
                        since: LocalizedDate.format(appointment.startDate, language),
                        person: person(holder), illustrative: appointment.illustrative || holder.illustrative)
                }
            },
            organisations: organisations(countryID: country.id))
    }
}

struct CountryGroupEntry: Encodable {
    let label: String
    let countries: [CountryEntry]
}

struct NetworkPageContext: Encodable {
    let chrome: Chrome
    let groups: [CountryGroupEntry]
    let regionalOrganisations: [OrganisationEntry]
    let contactsHidden: Bool
}

struct CountryPageContext: Encodable {
    let chrome: Chrome
    let country: CountryEntry
    let contactsHidden: Bool
}
