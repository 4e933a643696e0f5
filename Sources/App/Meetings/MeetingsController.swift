import Fluent
import Vapor

/// The public side of meetings: the list, a meeting's page, its list of participants and calendars.
struct MeetingsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.publicPages()
        pages.get("meetings", use: index)
        pages.get("meetings.ics", use: feed)
        pages.get("meetings", ":slug", use: show)
        pages.get("meetings", ":slug", "participants", use: participants)
        routes.requiring(.anonymous).get("meetings", ":slug", "my-calendar", ":token", use: personalCalendar)
        routes.requiring(.editor).get("meetings", ":slug", "participants.csv", use: participantsCSV)
    }

    func index(req: Request) async throws -> View {
        let presenter = MeetingPresenter(request: req)
        let meetings = try await Meeting.query(on: req.db).filter(\.$visibility ~~ Visibility.visible(to: req.role)).with(\.$series)
            .sort(\.$startsAt, .descending).all()
        let now = Date()
        let byID = Dictionary(meetings.compactMap { m in m.id.map { ($0, m) } }, uniquingKeysWith: { a, _ in a })
        let upcoming = meetings.filter { meeting in
            guard let end = meeting.endsAt ?? meeting.startsAt else {
                // Without a date, a planned meeting is upcoming unless the event it belongs to is over.
                let parent = meeting.$parent.id.flatMap { byID[$0] }
                let parentOver = parent.map { $0.status == .held || ($0.endsAt ?? $0.startsAt).map { $0 < now } ?? false } ?? false
                return (meeting.status == .planned || meeting.status == .confirmed) && !parentOver
            }
            return end >= now && meeting.status != .held
        }
        let past = meetings.filter { meeting in !upcoming.contains { $0 === meeting } }
        var years: [String: [Meeting]] = [:]
        for meeting in past { years[MeetingTime.year(meeting).map(String.init) ?? req.t("meetings.undated"), default: []].append(meeting) }
        let yearGroups = years.keys.sorted(by: >).map { year in
            let inYear = years[year] ?? []
            var seriesOrder: [String] = []
            var bySeries: [String: [MeetingSummaryEntry]] = [:]
            for meeting in inYear {
                let name = meeting.series?.name(req.language) ?? req.t("meetings.no_series")
                if bySeries[name] == nil { seriesOrder.append(name) }
                bySeries[name, default: []].append(presenter.summary(meeting))
            }
            return MeetingListContext.YearGroup(
                year: year, series: seriesOrder.map { MeetingListContext.SeriesGroup(name: $0, meetings: bySeries[$0] ?? []) })
        }
        let context = MeetingListContext(
            chrome: try await Chrome.make(for: req, title: req.t("meetings.title")),
            upcoming: upcoming.sorted { ($0.startsAt ?? .distantFuture) < ($1.startsAt ?? .distantFuture) }.map(presenter.summary),
            past: yearGroups)
        return try await req.view.render("meetings/index", context)
    }

    func show(req: Request) async throws -> Response {
        let slug = req.parameters.get("slug") ?? ""
        if slug.hasSuffix(".ics") { return try await calendar(req, slug: String(slug.dropLast(4))) }
        let meeting = try await Self.visibleMeeting(req, slug: slug)
        let record = try await MeetingRecord.load(meeting, visibleTo: Visibility.visible(to: req.role), on: req.db)
        let viewer = Self.viewerParticipation(req, record)
        let presenter = MeetingPresenter(request: req)
        let hasIllustrative = record.participations.contains { $0.illustrative } || record.agenda.contains(where: \.illustrative)
        let chrome = try await Chrome.make(for: req, title: meeting.title(req.language), showsIllustrativeNote: hasIllustrative)
        return try await req.view.render("meetings/show", presenter.page(record, viewer: viewer, chrome: chrome)).encodeResponse(for: req)
    }

    /// The official list of participants: only those who agreed to appear, unless staff are reading.
    func participants(req: Request) async throws -> View {
        let meeting = try await Self.visibleMeeting(req, slug: req.parameters.get("slug") ?? "")
        let record = try await MeetingRecord.load(meeting, visibleTo: Visibility.visible(to: req.role), on: req.db)
        let staff = req.role.isStaff
        let listed = record.participations.filter { $0.registration != .declined && $0.registration != .withdrawn }
        let shown = staff ? listed : listed.filter(\.publicListConsent)
        let presenter = MeetingPresenter(request: req)
        let context = ParticipantsPageContext(
            chrome: try await Chrome.make(
                for: req, title: req.t("meeting.list_of_participants") + " · " + meeting.title(req.language),
                showsIllustrativeNote: shown.contains(where: \.illustrative)),
            meeting: presenter.summary(meeting), when: MeetingTime.describe(meeting, req.language),
            groups: presenter.groups(shown, in: record), shown: shown.count, total: listed.count, staffView: staff,
            csvHref: staff ? "/meetings/\(meeting.slug)/participants.csv" : nil)
        return try await req.view.render("meetings/participants", context)
    }

    func participantsCSV(req: Request) async throws -> Response {
        guard let meeting = try await Meeting.query(on: req.db).filter(\.$slug == (req.parameters.get("slug") ?? "")).first() else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        let record = try await MeetingRecord.load(meeting, visibleTo: Visibility.visible(to: req.role), on: req.db)
        let emails = try await ContactPoint.query(on: req.db).filter(\.$kind == .email)
            .filter(\.$person.$id ~~ record.participations.map(\.$person.id)).all()
        var csv = CSVWriter()
        csv.row([
            "name_en", "name_zh", "honorific", "country", "organisation", "position", "roles", "registration", "attendance",
            "public_list_consent", "email", "illustrative",
        ])
        for p in record.participations {
            csv.row([
                p.person.nameEn, p.person.nameZh, p.person.honorific, p.country?.code ?? "", p.organisation?.nameEn ?? "",
                record.describe(p, .en), p.rolesText, p.registration.rawValue, p.attendance?.rawValue ?? "",
                p.publicListConsent ? "yes" : "no",
                emails.filter { $0.$person.id == p.$person.id }.map(\.value).joined(separator: " "), p.illustrative ? "yes" : "no",
            ])
        }
        let response = Response(status: .ok, body: .init(string: csv.text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(meeting.slug)-participants.csv\"")
        return response
    }

    func feed(req: Request) async throws -> Response {
        let meetings = try await Meeting.query(on: req.db).filter(\.$visibility == .public).filter(\.$startsAt != nil)
            .sort(\.$startsAt, .descending).all()
        let centre = try await CentreSnapshot.current(req)
        var calendar = ICalendar(name: Bilingual.pick(en: centre.nameEn, zh: centre.nameZh, req.language) + " · " + req.t("meetings.title"))
        calendar.events = try meetings.compactMap {
            MeetingCalendar.event(
                for: $0, centre: centre, baseURL: try req.application.focalConfig.baseURL, includeVideo: false, language: req.language,
                localizer: req.application.localizer)
        }
        return MeetingCalendar.response(calendar, filename: "meetings.ics")
    }

    private func calendar(_ req: Request, slug: String) async throws -> Response {
        let meeting = try await Self.visibleMeeting(req, slug: slug)
        return try await Self.calendarResponse(req, meeting: meeting, includeVideo: false)
    }

    /// A participant's own calendar entry, reached by the signed link in their invitation; it
    /// carries the video link.
    func personalCalendar(req: Request) async throws -> Response {
        let token = (req.parameters.get("token") ?? "").replacingOccurrences(of: ".ics", with: "")
        let participation = try await RSVPController.participation(req, token: token, purpose: "calendar")
        let meeting = try await participation.$meeting.get(on: req.db)
        guard meeting.slug == req.parameters.get("slug"), participation.isRegistered else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return try await Self.calendarResponse(req, meeting: meeting, includeVideo: true)
    }

    static func calendarResponse(_ req: Request, meeting: Meeting, includeVideo: Bool) async throws -> Response {
        let centre = try await CentreSnapshot.current(req)
        var calendar = ICalendar(name: meeting.title(req.language))
        guard
            let event = MeetingCalendar.event(
                for: meeting, centre: centre, baseURL: try req.application.focalConfig.baseURL, includeVideo: includeVideo,
                language: req.language, localizer: req.application.localizer)
        else { throw Abort(.notFound, reason: req.t("meeting.no_date")) }
        calendar.events = [event]
        return MeetingCalendar.response(calendar, filename: meeting.slug + ".ics")
    }

    /// A meeting the reader may see; others answer 404 so their existence is not revealed.
    static func visibleMeeting(_ req: Request, slug: String) async throws -> Meeting {
        guard let meeting = try await Meeting.query(on: req.db).filter(\.$slug == slug).first(),
            Visibility.visible(to: req.role).contains(meeting.visibility)
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        return meeting
    }

    static func viewerParticipation(_ req: Request, _ record: MeetingRecord) -> Participation? {
        guard let personID = req.currentUser?.$person.id else { return nil }
        return record.participations.first { $0.$person.id == personID }
    }
}

/// RFC 4180 CSV: fields quoted when they hold a comma, quote or line break; CRLF line ends.
/// Cells starting with = + - @, a tab or a carriage return are prefixed with ' so spreadsheets do
/// not run them as formulas (OWASP's CSV injection list); the first Unicode scalar counts, so a
/// combining mark after `=` does not hide it.
struct CSVWriter {
    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
    private(set) var text = ""

    mutating func row(_ cells: [String]) {
        text += cells.map(Self.cell).joined(separator: ",") + "\r\n"
    }

    static func cell(_ value: String) -> String {
        var value = value
        if let first = value.unicodeScalars.first, formulaStarts.contains(first) { value = "'" + value }
        // By scalars: "\r\n" is one Character, and a lone "\r" or "\n" would not match it.
        guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" }) else { return value }
        // Literal: a quote followed by a combining mark is still a quote to double.
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"", options: .literal) + "\""
    }
}
