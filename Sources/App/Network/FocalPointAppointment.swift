import Fluent
import Foundation

final class FocalPointAppointment: Model, @unchecked Sendable {
    static let schema = "focal_point_appointments"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "role_type") var roleType: FocalPointRoleType
    @Field(key: "rank") var rank: FocalPointRank
    @Field(key: "status") var status: AppointmentStatus
    @OptionalField(key: "start_date") var startDate: String?
    @OptionalField(key: "end_date") var endDate: String?
    /// Reference of the nomination letter (number, date or title), when there is one.
    @Field(key: "nomination_letter") var nominationLetter: String
    @Field(key: "illustrative") var illustrative: Bool

    // relationships
    @Parent(key: "country_id") var country: Country
    @Parent(key: "person_id") var person: Person

    init() {}

    /// Serving today: active, begun, and not past its end date. Only these are invited, counted
    /// and shown as current; "active" alone may lag behind the calendar.
    var isCurrent: Bool {
        let today = CalendarDate.today()
        return status == .active && (startDate.map { $0 <= today } ?? true) && (endDate.map { $0 >= today } ?? true)
    }

    init(
        countryID: UUID, personID: UUID, roleType: FocalPointRoleType, rank: FocalPointRank, status: AppointmentStatus,
        startDate: String? = nil, illustrative: Bool = false
    ) {
        self.$country.id = countryID
        self.$person.id = personID
        self.roleType = roleType
        self.rank = rank
        self.status = status
        self.startDate = startDate
        self.nominationLetter = ""
        self.illustrative = illustrative
    }
}

extension QueryBuilder where Model == FocalPointAppointment {
    /// Appointments serving today, in the query itself: active, begun and not past their end date
    /// (the dates are ISO text, so text order is date order). The rule `isCurrent` states for one.
    func serving(today: String = CalendarDate.today()) -> Self {
        filter(\.$status == .active)
            .group(.or) { $0.filter(\.$startDate == nil).filter(\.$startDate <= today) }
            .group(.or) { $0.filter(\.$endDate == nil).filter(\.$endDate >= today) }
    }
}
