import Vapor

/// Turns meeting records into what pages show, in the reader's language.
struct MeetingPresenter {
    let request: Request
    var language: Language { request.language }
    private func t(_ key: String) -> String { request.t(key) }

    func summary(_ meeting: Meeting) -> MeetingSummaryEntry {
        MeetingSummaryEntry(
            title: meeting.title(language), href: "/meetings/" + meeting.slug, type: t("meeting_type." + meeting.type.rawValue),
            status: t("meeting_status." + meeting.status.rawValue), mode: t("meeting_mode." + meeting.mode.rawValue),
            when: MeetingTime.describe(meeting, language), venue: meeting.venue(language))
    }

    func participant(_ participation: Participation, in record: MeetingRecord) -> ParticipantEntry {
        ParticipantEntry(
            name: participation.person.name(language), honorific: participation.person.honorific,
            position: record.describe(participation, language),
            represents: participation.country?.name(language) ?? participation.organisation?.name(language) ?? "",
            roles: participation.roles.map { t("participant_role." + $0.rawValue) }.joined(separator: t("punct.list")),
            registration: t("registration." + participation.registration.rawValue),
            attendance: participation.attendance.map { t("attendance." + $0.rawValue) },
            consent: participation.publicListConsent, illustrative: participation.illustrative || participation.person.illustrative)
    }

    /// Groups for the list of participants: member states first, then organisations.
    func groups(_ participations: [Participation], in record: MeetingRecord) -> [ParticipantGroup] {
        var order: [String] = []
        var grouped: [String: [ParticipantEntry]] = [:]
        for participation in participations {
            let heading =
                participation.country?.name(language) ?? participation.organisation?.name(language) ?? t("meeting.other_participants")
            if grouped[heading] == nil { order.append(heading) }
            grouped[heading, default: []].append(participant(participation, in: record))
        }
        return order.map { ParticipantGroup(heading: $0, participants: grouped[$0] ?? []) }
    }

    func attendance(_ record: MeetingRecord) -> AttendanceEntry? {
        let summary = record.attendance
        guard summary.statesInvited > 0 || summary.recorded else { return nil }
        let names = { (countries: [Country]) in
            countries.map { $0.name(language) }.joined(separator: language == .zh ? "、" : ", ")
        }
        return AttendanceEntry(
            recorded: summary.recorded, delegatesPresent: summary.delegatesPresent, statesRepresented: summary.statesRepresented,
            statesInvited: summary.statesInvited, representedNames: names(summary.representedCountries),
            absentNames: names(summary.absentCountries),
            chartSVG: AttendanceChart.svg(
                summary, language: language, title: t("meeting.attendance_chart_title"), notRepresented: t("meeting.not_represented")),
            lines: summary.lines.map {
                AttendanceLineEntry(
                    country: $0.country.name(language), invited: $0.invited, present: $0.present, absent: $0.absent, excused: $0.excused,
                    represented: $0.represented)
            })
    }

    func page(_ record: MeetingRecord, viewer: Participation?, chrome: Chrome) throws -> MeetingPageContext {
        let meeting = record.meeting
        let staff = request.role.isStaff
        let secret = try request.application.focalConfig.sessionSecret
        let seesVideo = staff || viewer?.isRegistered == true
        let moderators = record.participations.filter { $0.roles.contains(.chair) }.map { $0.person.name(language) }
        let sep = language == .zh ? "、" : ", "
        return MeetingPageContext(
            chrome: chrome,
            meeting: summary(meeting),
            slug: meeting.slug,
            summary: Bilingual.pick(en: meeting.summaryEn, zh: meeting.summaryZh, language),
            discussion: Bilingual.pick(en: meeting.discussionEn, zh: meeting.discussionZh, language),
            discussionIsFallback: Bilingual.isFallback(en: meeting.discussionEn, zh: meeting.discussionZh, language),
            when: MeetingTime.describe(meeting, language),
            startISO: meeting.startsAt.map(\.internetTimestamp),
            endISO: meeting.endsAt.map(\.internetTimestamp),
            timeZone: meeting.timeZone,
            allDay: meeting.allDay,
            languages: meeting.languages.split(separator: ",").map { t("language." + $0) }.joined(separator: sep),
            hosts: record.organisations(.host).map { $0.name(language) }.joined(separator: sep),
            organisers: record.organisations(.organiser).map { $0.name(language) }.joined(separator: sep),
            moderators: moderators.joined(separator: sep),
            videoLink: seesVideo && !meeting.videoLink.isEmpty ? meeting.videoLink : nil,
            parent: record.parent.map(summary),
            children: record.children.filter(isVisible).map(summary),
            agenda: record.agenda.enumerated().map { index, item in
                AgendaEntry(
                    number: index + 1, time: item.startsAt.isEmpty ? nil : item.startsAt + (item.endsAt.isEmpty ? "" : "–" + item.endsAt),
                    title: item.title(language), presenter: item.presenter?.name(language), illustrative: item.illustrative)
            },
            statements: record.statements.map { statement in
                StatementEntry(
                    speaker: statement.speaker.name(language),
                    position: record.directory.currentPositions(of: statement.$speaker.id).first.map {
                        record.directory.describe($0, language)
                    } ?? "",
                    summary: statement.summary(language),
                    isFallback: Bilingual.isFallback(en: statement.summaryEn, zh: statement.summaryZh, language))
            },
            outcomes: record.outcomes.map { outcome in
                OutcomeEntry(
                    kind: t("outcome_kind." + outcome.kind.rawValue), text: outcome.text(language),
                    owner: outcome.ownerCountry?.name(language) ?? outcome.ownerOrganisation?.name(language),
                    due: LocalizedDate.format(outcome.dueDate, language),
                    status: outcome.kind == .actionItem ? t("outcome_status." + outcome.status.rawValue) : nil)
            },
            documents: record.documents.filter { Visibility.visible(to: request.role).contains($0.access) }.map(document),
            attendance: attendance(record),
            participantCount: record.participations.count,
            canManage: staff,
            adminHref: "/admin/meetings/\(meeting.savedID.uuidString)",
            myRSVPHref: viewer.map { _ in "/meetings/\(meeting.slug)/rsvp" },
            myCalendarHref: viewer.flatMap { $0.isRegistered ? MeetingLinks.calendar(for: $0, meeting: meeting, secret: secret) : nil },
            hasIllustrative: record.participations.contains { $0.illustrative } || record.agenda.contains(where: \.illustrative))
    }

    func document(_ document: Document) -> DocumentEntry {
        DocumentEntry(
            title: document.title(language), href: "/documents/" + document.slug, type: t("document_type." + document.type.rawValue),
            lifecycle: t("lifecycle." + document.lifecycle.rawValue)
                + (document.lifecycle == .adopted ? (LocalizedDate.format(document.adoptedOn, language).map { " " + $0 } ?? "") : ""))
    }

    func isVisible(_ meeting: Meeting) -> Bool {
        Visibility.visible(to: request.role).contains(meeting.visibility)
    }
}

/// Personal links of a participant: answering the invitation and their own calendar entry.
enum MeetingLinks {
    static func expiry(for meeting: Meeting) -> Date {
        let base = max(meeting.endsAt ?? Date(), Date())
        return base.addingTimeInterval(180 * 86_400)
    }

    static func rsvp(for participation: Participation, meeting: Meeting, secret: [UInt8]) -> String {
        "/rsvp/" + SignedToken.make(purpose: "rsvp", subject: participation.savedID, expires: expiry(for: meeting), secret: secret)
    }

    static func calendar(for participation: Participation, meeting: Meeting, secret: [UInt8]) -> String {
        "/meetings/\(meeting.slug)/my-calendar/"
            + SignedToken.make(purpose: "calendar", subject: participation.savedID, expires: expiry(for: meeting), secret: secret) + ".ics"
    }
}
