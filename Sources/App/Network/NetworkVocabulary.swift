/// The closed vocabularies of the network registry, stored as their raw values.
enum CountryGroup: String, Codable, CaseIterable, Sendable {
    case aseanMemberState = "asean_member_state"
    case dialoguePartner = "dialogue_partner"
    case observer
    case other
}

enum OrganisationKind: String, Codable, CaseIterable, Sendable {
    case ministry
    case department
    case intergovernmental
    case secretariat
    case centre
    case partner
}

enum ContactKind: String, Codable, CaseIterable, Sendable {
    case email
    case phone
    case fax
    case wechat
    case website
    case address
}

enum Visibility: String, Codable, CaseIterable, Sendable {
    case `public`
    case network
    case secretariat

    /// The contact points a reader of this role may see.
    static func visible(to role: Role) -> [Visibility] {
        switch role {
        case .anonymous: return [.public]
        case .focalPoint: return [.public, .network]
        case .editor, .admin: return [.public, .network, .secretariat]
        }
    }
}

enum FocalPointRoleType: String, Codable, CaseIterable, Sendable {
    case national
    case climateChange = "climate_change"
    case biodiversity
}

enum FocalPointRank: String, Codable, CaseIterable, Sendable {
    case primary
    case alternate
}

enum AppointmentStatus: String, Codable, CaseIterable, Sendable {
    case nominated
    case active
    case ended
}
