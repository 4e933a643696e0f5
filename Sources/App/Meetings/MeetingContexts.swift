import Foundation

struct MeetingSummaryEntry: Encodable {
    let title: String
    let href: String
    let type: String
    let status: String
    let mode: String
    let when: String?
    let venue: String
}

struct ParticipantEntry: Encodable {
    let name: String
    let honorific: String
    let position: String
    let represents: String
    let roles: String
    let registration: String
    let attendance: String?
    let consent: Bool
    let illustrative: Bool
}

struct ParticipantGroup: Encodable {
    let heading: String
    let participants: [ParticipantEntry]
}

struct StatementEntry: Encodable {
    let speaker: String
    let position: String
    let summary: String
    let isFallback: Bool
}

struct OutcomeEntry: Encodable {
    let kind: String
    let text: String
    let owner: String?
    let due: String?
    let status: String?
}

struct AgendaEntry: Encodable {
    let number: Int
    let time: String?
    let title: String
    let presenter: String?
    let illustrative: Bool
}

struct AttendanceLineEntry: Encodable {
    let country: String
    let invited: Int
    let present: Int
    let absent: Int
    let excused: Int
    let represented: Bool
}

struct AttendanceEntry: Encodable {
    let recorded: Bool
    let delegatesPresent: Int
    let statesRepresented: Int
    let statesInvited: Int
    let representedNames: String
    let absentNames: String
    let chartSVG: String
    let lines: [AttendanceLineEntry]
}

struct DocumentEntry: Encodable {
    let title: String
    let href: String
    let type: String
    let lifecycle: String
}

struct MeetingPageContext: Encodable {
    let chrome: Chrome
    let meeting: MeetingSummaryEntry
    let slug: String
    let summary: String
    let discussion: String
    let discussionIsFallback: Bool
    let when: String?
    let startISO: String?
    let endISO: String?
    let timeZone: String
    let allDay: Bool
    let languages: String
    let hosts: String
    let organisers: String
    let moderators: String
    let videoLink: String?
    let parent: MeetingSummaryEntry?
    let children: [MeetingSummaryEntry]
    let agenda: [AgendaEntry]
    let statements: [StatementEntry]
    let outcomes: [OutcomeEntry]
    let documents: [DocumentEntry]
    let attendance: AttendanceEntry?
    let participantCount: Int
    let canManage: Bool
    let adminHref: String
    let myRSVPHref: String?
    let myCalendarHref: String?
    let hasIllustrative: Bool
}

struct MeetingListContext: Encodable {
    struct YearGroup: Encodable {
        let year: String
        let series: [SeriesGroup]
    }

    struct SeriesGroup: Encodable {
        let name: String
        let meetings: [MeetingSummaryEntry]
    }

    let chrome: Chrome
    let upcoming: [MeetingSummaryEntry]
    let past: [YearGroup]
}

struct ParticipantsPageContext: Encodable {
    let chrome: Chrome
    let meeting: MeetingSummaryEntry
    let when: String?
    let groups: [ParticipantGroup]
    let shown: Int
    let total: Int
    let staffView: Bool
    let csvHref: String?
}
