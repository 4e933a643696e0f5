import Fluent
import Foundation

/// One meeting with everything recorded about it, loaded once for the page, the list of
/// participants, the calendar, the API and the newsletter draft.
struct MeetingRecord {
    let meeting: Meeting
    let organisations: [MeetingOrganisation]
    let agenda: [AgendaItem]
    let participations: [Participation]
    let invitedCountries: [Country]
    let sessions: [MeetingSession]
    let sessionAttendance: [SessionAttendance]
    let statements: [Statement]
    let outcomes: [MeetingOutcome]
    let documents: [Document]
    let parent: Meeting?
    let children: [Meeting]
    /// Current positions of the people taking part, for "Director, Department of …".
    let directory: NetworkDirectory

    /// `visibleTo`: the visibilities the reader may see; the parent event, sub-meetings and
    /// documents of other visibilities are left out (staff views and mail pass every one).
    static func load(_ meeting: Meeting, visibleTo: [Visibility] = Visibility.allCases, on db: any Database) async throws
        -> MeetingRecord
    {
        let id = try meeting.requireID()
        async let organisations = MeetingOrganisation.query(on: db).filter(\.$meeting.$id == id).with(\.$organisation)
            .sort(\.$position).all()
        async let agenda = AgendaItem.query(on: db).filter(\.$meeting.$id == id).with(\.$presenter).sort(\.$position).all()
        async let participations = Participation.query(on: db).filter(\.$meeting.$id == id)
            .with(\.$person).with(\.$country).with(\.$organisation).all()
        async let invited = InvitedCountry.query(on: db).filter(\.$meeting.$id == id).with(\.$country).all()
        async let sessions = MeetingSession.query(on: db).filter(\.$meeting.$id == id).sort(\.$position).all()
        async let statements = Statement.query(on: db).filter(\.$meeting.$id == id).with(\.$speaker).sort(\.$position).all()
        async let outcomes = MeetingOutcome.query(on: db).filter(\.$meeting.$id == id).with(\.$ownerCountry).with(\.$ownerOrganisation)
            .sort(\.$position).all()
        async let links = DocumentLink.query(on: db).filter(\.$target == .meeting).filter(\.$targetID == id).with(\.$document).all()
        async let children = Meeting.query(on: db).filter(\.$parent.$id == id).filter(\.$visibility ~~ visibleTo).sort(\.$startsAt).all()
        async let directory = NetworkDirectory.load(on: db, contactVisibility: [])
        var parent: Meeting?
        if let parentID = meeting.$parent.id {
            parent = try await Meeting.query(on: db).filter(\.$id == parentID).filter(\.$visibility ~~ visibleTo).first()
        }
        let sessionList = try await sessions
        let attendance =
            sessionList.isEmpty
            ? [] : try await SessionAttendance.query(on: db).filter(\.$session.$id ~~ sessionList.compactMap(\.id)).all()
        return MeetingRecord(
            meeting: meeting, organisations: try await organisations, agenda: try await agenda,
            participations: try await participations.sorted(by: MeetingRecord.participantOrder),
            invitedCountries: try await invited.map(\.country).sorted { $0.nameEn < $1.nameEn }, sessions: sessionList,
            sessionAttendance: attendance, statements: try await statements, outcomes: try await outcomes,
            documents: try await links.map(\.document).filter { visibleTo.contains($0.access) }.sorted { $0.titleEn < $1.titleEn },
            parent: parent, children: try await children,
            directory: try await directory)
    }

    /// Countries in alphabetical order, then organisations; within each, by name.
    static func participantOrder(_ a: Participation, _ b: Participation) -> Bool {
        (a.country?.nameEn ?? "~", a.organisation?.nameEn ?? "", a.person.nameEn)
            < (b.country?.nameEn ?? "~", b.organisation?.nameEn ?? "", b.person.nameEn)
    }

    func organisations(_ role: MeetingOrganisationRole) -> [Organisation] {
        organisations.filter { $0.role == role }.map(\.organisation)
    }

    var attendance: AttendanceSummary { AttendanceSummary(self) }

    /// The person's position as it reads on the page, or the organisation they represent.
    func describe(_ participation: Participation, _ language: Language) -> String {
        if let position = directory.currentPositions(of: participation.$person.id).first {
            return directory.describe(position, language)
        }
        return participation.organisation?.name(language) ?? ""
    }
}
