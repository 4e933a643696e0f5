import Foundation

/// What the read-only network API returns; the OpenAPI document describes exactly these shapes.
enum NetworkAPI {
    struct CountryItem: Codable {
        let code: String
        let name: BilingualText
        let group: String
        let membershipSince: String?
        let focalPoints: [FocalPointItem]
    }

    struct FocalPointItem: Codable {
        let personId: UUID
        let roleType: String
        let rank: String
        let status: String
        let startDate: String?
        let endDate: String?
        let illustrative: Bool
    }

    struct OrganisationItem: Codable {
        let id: UUID
        let name: BilingualText
        let acronym: String
        let kind: String
        let countryCode: String?
        let parentId: UUID?
    }

    struct PersonItem: Codable {
        let id: UUID
        let name: BilingualText
        let honorific: String
        let preferredLanguage: String?
        let illustrative: Bool
        let positions: [PositionItem]
        let contactPoints: [ContactItem]
    }

    struct PositionItem: Codable {
        let title: BilingualText
        let organisationId: UUID
        let startDate: String?
        let endDate: String?
    }

    struct ContactItem: Codable {
        let kind: String
        let value: String
        let visibility: String
    }
}
