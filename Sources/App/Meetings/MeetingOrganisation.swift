import Fluent
import Foundation

/// An organisation hosting or organising a meeting.
final class MeetingOrganisation: Model, @unchecked Sendable {
    static let schema = "meeting_organisations"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "role") var role: MeetingOrganisationRole
    @Field(key: "position") var position: Int

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "organisation_id") var organisation: Organisation

    init() {}

    init(meetingID: UUID, organisationID: UUID, role: MeetingOrganisationRole, position: Int = 0) {
        self.$meeting.id = meetingID
        self.$organisation.id = organisationID
        self.role = role
        self.position = position
    }
}
