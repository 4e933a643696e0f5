import Fluent
import Foundation

/// A person at a meeting, representing a country and/or an organisation, in one or more roles.
final class Participation: Model, @unchecked Sendable {
    static let schema = "participations"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    /// Comma-separated `ParticipantRole` raw values.
    @Field(key: "roles") var rolesText: String
    @Field(key: "registration") var registration: RegistrationStatus
    @OptionalField(key: "attendance") var attendance: AttendanceStatus?
    @Field(key: "public_list_consent") var publicListConsent: Bool
    @OptionalField(key: "responded_at") var respondedAt: Date?
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "person_id") var person: Person
    @OptionalParent(key: "country_id") var country: Country?
    @OptionalParent(key: "organisation_id") var organisation: Organisation?
    /// The focal point who registered this member of their delegation.
    @OptionalParent(key: "registered_by_id") var registeredBy: Participation?

    init() {}

    init(
        meetingID: UUID, personID: UUID, countryID: UUID?, organisationID: UUID?, roles: [ParticipantRole],
        registration: RegistrationStatus, illustrative: Bool = false
    ) {
        self.$meeting.id = meetingID
        self.$person.id = personID
        self.$country.id = countryID
        self.$organisation.id = organisationID
        self.rolesText = Participation.encode(roles)
        self.registration = registration
        self.publicListConsent = false
        self.illustrative = illustrative
    }

    var roles: [ParticipantRole] {
        get { rolesText.split(separator: ",").compactMap { ParticipantRole(rawValue: String($0)) } }
        set { rolesText = Participation.encode(newValue) }
    }

    static func encode(_ roles: [ParticipantRole]) -> String {
        ParticipantRole.allCases.filter(roles.contains).map(\.rawValue).joined(separator: ",")
    }

    /// Registered participants see the video link; invited, declined and withdrawn ones do not.
    var isRegistered: Bool { registration == .registered || registration == .approved }
}
