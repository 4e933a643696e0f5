import Fluent
import Vapor

/// Meetings as JSON, within the caller's visibility; participants only where they consented to
/// the public list, unless the caller is staff.
struct MeetingAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let api = routes.requiring(.anonymous).grouped("api", "v1", "meetings")
        api.get(use: list)
        api.get(":slug", use: detail)
    }

    func list(req: Request) async throws -> Response {
        let meetings = try await Meeting.query(on: req.db).filter(\.$visibility ~~ Visibility.visible(to: req.role)).with(\.$parent)
            .sort(\.$startsAt, .descending).all()
        return try APIResponse.json(meetings.map { try summary($0, req) })
    }

    func detail(req: Request) async throws -> Response {
        let meeting = try await MeetingsController.visibleMeeting(req, slug: req.parameters.get("slug") ?? "")
        let record = try await MeetingRecord.load(meeting, visibleTo: Visibility.visible(to: req.role), on: req.db)
        let attendance = record.attendance
        let listed = record.participations.filter { $0.registration != .declined && $0.registration != .withdrawn }
        let detail = MeetingAPI.Detail(
            meeting: try summary(meeting, req, parent: record.parent),
            hosts: record.organisations(.host).compactMap(\.id),
            organisers: record.organisations(.organiser).compactMap(\.id),
            agenda: record.agenda.map {
                .init(
                    position: $0.position, startsAt: $0.startsAt.isEmpty ? nil : $0.startsAt, endsAt: $0.endsAt.isEmpty ? nil : $0.endsAt,
                    title: BilingualText(en: $0.titleEn, zh: $0.titleZh), presenterId: $0.$presenter.id, illustrative: $0.illustrative)
            },
            statements: record.statements.map {
                .init(position: $0.position, speakerId: $0.$speaker.id, summary: BilingualText(en: $0.summaryEn, zh: $0.summaryZh))
            },
            outcomes: record.outcomes.map {
                .init(
                    kind: $0.kind.rawValue, text: BilingualText(en: $0.textEn, zh: $0.textZh), ownerCountryCode: $0.ownerCountry?.code,
                    ownerOrganisationId: $0.$ownerOrganisation.id, dueDate: $0.dueDate, status: $0.status.rawValue)
            },
            attendance: .init(
                delegatesPresent: attendance.delegatesPresent, statesRepresented: attendance.statesRepresented,
                statesInvited: attendance.statesInvited,
                byCountry: attendance.lines.map { .init(countryCode: $0.country.code, invited: $0.invited, present: $0.present) }),
            participants: (req.role.isStaff ? listed : listed.filter(\.publicListConsent)).map {
                .init(
                    personId: $0.$person.id, name: BilingualText(en: $0.person.nameEn, zh: $0.person.nameZh), countryCode: $0.country?.code,
                    organisationId: $0.$organisation.id, roles: $0.roles.map(\.rawValue), illustrative: $0.illustrative)
            },
            documents: record.documents.filter { Visibility.visible(to: req.role).contains($0.access) }.map(\.slug))
        return try APIResponse.json(detail)
    }

    private func summary(_ meeting: Meeting, _ req: Request, parent: Meeting? = nil) throws -> MeetingAPI.Summary {
        return MeetingAPI.Summary(
            slug: meeting.slug, title: BilingualText(en: meeting.titleEn, zh: meeting.titleZh), type: meeting.type.rawValue,
            status: meeting.status.rawValue, mode: meeting.mode.rawValue, timeZone: meeting.timeZone,
            startsAt: meeting.startsAt.map(\.internetTimestamp), endsAt: meeting.endsAt.map(\.internetTimestamp), allDay: meeting.allDay,
            venue: BilingualText(en: meeting.venueEn, zh: meeting.venueZh),
            languages: meeting.languages.split(separator: ",").map(String.init),
            parentSlug: (parent ?? meeting.$parent.value ?? nil)?.slug,
            url: try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/") + "/meetings/" + meeting.slug)
    }
}

enum APIResponse {
    static func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let response = Response(status: .ok, body: .init(data: try encoder.encode(value)))
        response.headers.contentType = .json
        return response
    }
}
