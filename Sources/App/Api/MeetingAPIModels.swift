import Foundation

/// What the meetings API returns; the OpenAPI document describes exactly these shapes.
enum MeetingAPI {
    struct Summary: Codable {
        let slug: String
        let title: BilingualText
        let type: String
        let status: String
        let mode: String
        let timeZone: String
        let startsAt: String?
        let endsAt: String?
        let allDay: Bool
        let venue: BilingualText
        let languages: [String]
        let parentSlug: String?
        let url: String
    }

    struct Detail: Codable {
        let meeting: Summary
        let hosts: [UUID]
        let organisers: [UUID]
        let agenda: [AgendaItemEntry]
        let statements: [StatementEntry]
        let outcomes: [OutcomeEntry]
        let attendance: Attendance
        let participants: [ParticipantEntry]
        let documents: [String]
    }

    struct AgendaItemEntry: Codable {
        let position: Int
        let startsAt: String?
        let endsAt: String?
        let title: BilingualText
        let presenterId: UUID?
        let illustrative: Bool
    }

    struct StatementEntry: Codable {
        let position: Int
        let speakerId: UUID
        let summary: BilingualText
    }

    struct OutcomeEntry: Codable {
        let kind: String
        let text: BilingualText
        let ownerCountryCode: String?
        let ownerOrganisationId: UUID?
        let dueDate: String?
        let status: String
    }

    struct Attendance: Codable {
        let delegatesPresent: Int
        let statesRepresented: Int
        let statesInvited: Int
        let byCountry: [CountryLine]
    }

    struct CountryLine: Codable {
        let countryCode: String
        let invited: Int
        let present: Int
    }

    struct ParticipantEntry: Codable {
        let personId: UUID
        let name: BilingualText
        let countryCode: String?
        let organisationId: UUID?
        let roles: [String]
        let illustrative: Bool
    }
}
