import Fluent
import Foundation
import Vapor

/// What a focal point has to do: their invitations, their country's reports, and who they are to
/// the network.
enum MemberHome {
    static let shown = 8

    static func context(_ req: Request, chrome: Chrome, now: Date = Date()) async throws -> MemberHomeContext {
        let user = req.currentUser
        var person: Person? = nil
        if let personID = user?.$person.id { person = try await Person.find(personID, on: req.db) }
        let countries = try await ReportingRules.countries(of: user, on: req.db)
        var details: [MemberHomeContext.Detail] = []
        if let person {
            let terms = try await FocalPointAppointment.query(on: req.db).filter(\.$person.$id == person.requireID()).serving()
                .with(\.$country).all()
            for term in terms {
                details.append(.init(label: term.country.name(req.language), value: req.t("focal_role." + term.roleType.rawValue)))
            }
        }
        if let user { details.append(.init(label: req.t("field.email"), value: user.email)) }
        return MemberHomeContext(
            chrome: chrome, name: person?.name(req.language) ?? user?.name ?? "", details: details,
            queues: [
                try await invitations(req, person: person, now: now),
                try await consultations(req, countries: countries, now: now),
                try await reports(req, countries: countries),
                try await activities(req, countries: countries),
            ])
    }

    static func invitations(_ req: Request, person: Person?, now: Date) async throws -> WorkQueue {
        var items: [WorkItem] = []
        var total = 0
        if let personID = person?.id {
            let query = Participation.query(on: req.db).filter(\.$person.$id == personID)
                .join(Meeting.self, on: \Participation.$meeting.$id == \Meeting.$id)
                .filter(Meeting.self, \.$status !~ [.cancelled, .held])
                .group(.or) { $0.filter(Meeting.self, \.$startsAt == nil).filter(Meeting.self, \.$startsAt >= now) }
            total = try await query.count()
            let participations = try await query.with(\.$meeting).sort(Meeting.self, \.$startsAt, .ascending).range(..<shown).all()
            items = participations.map { participation in
                let meeting = participation.meeting
                let when = meeting.startsAt.map { LocalizedDate.format($0, req.language) } ?? req.t("meeting.no_date")
                return WorkItem(
                    href: "/meetings/\(meeting.slug)/rsvp", title: meeting.title(req.language),
                    detail: when + " · " + req.t("registration." + participation.registration.rawValue),
                    illustrative: participation.illustrative)
            }
        }
        return WorkQueue(
            key: "invitations", heading: req.t("home.queue.invitations"), empty: req.t("home.queue.invitations_empty"),
            items: items, total: total, allHref: nil)
    }

    /// Open consultation rounds where the focal point's country has not yet given its answer.
    static func consultations(_ req: Request, countries: Set<UUID>, now: Date) async throws -> WorkQueue {
        var items: [WorkItem] = []
        let invitations = try await RoundCountry.query(on: req.db).filter(\.$country.$id ~~ Array(countries)).with(\.$round).with(
            \.$country
        )
        .all()
        for invitation in invitations where ConsultationRules.window(invitation.round, for: invitation, now: now).open {
            let answer = try await Answering.answer(round: invitation.round.savedID, country: invitation.$country.id, on: req.db)
            let round = invitation.round
            if round.mode == .comments, answer?.status == .submitted { continue }
            let document = try await round.$document.get(on: req.db)
            let deadline = ConsultationFormat.deadline(
                invitation.reopenedUntil ?? round.deadline, zone: TimeZone(identifier: round.timeZone) ?? .gmt, language: req.language)
            items.append(
                WorkItem(
                    href: "/consultations/rounds/" + round.savedID.uuidString, title: document.title(req.language),
                    detail: req.t("consultation.mode." + round.mode.rawValue) + " · " + invitation.country.name(req.language) + " · "
                        + deadline,
                    illustrative: round.illustrative))
        }
        return WorkQueue(
            key: "consultations", heading: req.t("home.queue.consultations"), empty: req.t("home.queue.consultations_empty"),
            items: Array(items.prefix(shown)), total: items.count, allHref: "/consultations")
    }

    static func reports(_ req: Request, countries: Set<UUID>) async throws -> WorkQueue {
        let query = ProgressReport.query(on: req.db).filter(\.$country.$id ~~ Array(countries)).filter(\.$status != .validated)
        let total = countries.isEmpty ? 0 : try await query.count()
        let reports =
            countries.isEmpty
            ? [] : try await query.with(\.$activity).with(\.$country).sort(\.$year, .descending).range(..<shown).all()
        let items = reports.map { report in
            WorkItem(
                href: "/action-plan/reports/\(report.id?.uuidString ?? "")",
                title: report.activity.code + " · " + report.activity.title(req.language),
                detail: String(report.year) + " · " + req.t("report_status." + report.status.rawValue), illustrative: report.illustrative)
        }
        return WorkQueue(
            key: "reports", heading: req.t("home.queue.own_reports"), empty: req.t("home.queue.own_reports_empty"), items: items,
            total: total, allHref: "/action-plan/reports")
    }

    /// The activities the person's countries take part in, each with where to report on it.
    static func activities(_ req: Request, countries: Set<UUID>) async throws -> WorkQueue {
        var items: [WorkItem] = []
        var total = 0
        if !countries.isEmpty {
            let query = Activity.query(on: req.db)
                .join(ActivityParticipant.self, on: \Activity.$id == \ActivityParticipant.$activity.$id)
                .filter(ActivityParticipant.self, \.$country.$id ~~ Array(countries)).unique()
            total = try await query.count()
            let activities = try await query.sort(\.$code, .ascending).range(..<shown).all()
            items = activities.map { activity in
                WorkItem(
                    href: "/action-plan/activities/" + activity.code, title: activity.code + " · " + activity.title(req.language),
                    detail: req.t("activity_status." + activity.status.rawValue), illustrative: activity.illustrative)
            }
        }
        return WorkQueue(
            key: "activities", heading: req.t("home.queue.activities"), empty: req.t("home.queue.activities_empty"), items: items,
            total: total, allHref: nil)
    }
}
