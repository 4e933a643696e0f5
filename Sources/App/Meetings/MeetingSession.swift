import Fluent
import Foundation

/// One sitting of a multi-day meeting, for attendance per session.
final class MeetingSession: Model, @unchecked Sendable {
    static let schema = "meeting_sessions"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "position") var position: Int
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    /// The local day, "yyyy-MM-dd".
    @Field(key: "day") var day: String

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
}

final class SessionAttendance: Model, @unchecked Sendable {
    static let schema = "session_attendance"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "status") var status: AttendanceStatus

    // relationships
    @Parent(key: "session_id") var session: MeetingSession
    @Parent(key: "participation_id") var participation: Participation

    init() {}

    init(sessionID: UUID, participationID: UUID, status: AttendanceStatus) {
        self.$session.id = sessionID
        self.$participation.id = participationID
        self.status = status
    }
}
