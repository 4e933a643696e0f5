import Fluent
import Foundation

/// A member state invited to a meeting: the denominator of "member states represented".
final class InvitedCountry: Model, @unchecked Sendable {
    static let schema = "invited_countries"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "country_id") var country: Country

    init() {}

    init(meetingID: UUID, countryID: UUID) {
        self.$meeting.id = meetingID
        self.$country.id = countryID
    }
}
