import Fluent
import Foundation

/// The seed's meeting exactly as the newsletter tells it: the ASEAN-China National Focal Point
/// Meeting on Environmental Cooperation, held by video on 23 July 2021 during the ASEAN-China
/// Environmental Cooperation Week 2021. What the seed does not give (times, the delegates beyond
/// the named speakers, the agenda's wording) is left empty or marked illustrative.
enum SeedMeeting {
    static let slug = "asean-china-nfp-meeting-2021"

    /// Delegates present per member state, illustrative beyond San Oo: 40 in all, the seed's
    /// "about 40 delegates". Lao PDR was invited and did not attend.
    static let illustrativeDelegates: [String: Int] = [
        "BN": 4, "KH": 5, "ID": 5, "MY": 4, "MM": 3, "PH": 5, "SG": 4, "TH": 5, "VN": 4,
    ]

    static func load(
        countries: [String: Country], organisations: SeedNetwork.Organisations, people: [String: Person], recorder: DemoRecorder
    ) async throws {
        let db = recorder.db
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let series = MeetingSeries(
            slug: "asean-china-nfp-meetings", nameEn: "ASEAN-China National Focal Point Meetings on Environmental Cooperation")
        try await recorder.save(series, entity: "meeting_series", summary: series.nameEn)

        let week = meeting(
            slug: "asean-china-environmental-cooperation-week-2021", titleEn: "ASEAN-China Environmental Cooperation Week 2021",
            type: .event, status: .held, mode: .unstated, zone: zone, day: nil)
        week.summaryEn =
            "Hosted by China. The ASEAN-China National Focal Point Meeting on Environmental Cooperation was held during the week."
        try await recorder.save(week, entity: "meeting", summary: week.titleEn)

        let forum = meeting(
            slug: "asean-china-environmental-cooperation-forum-2021", titleEn: "ASEAN-China Environmental Cooperation Forum",
            type: .forum, status: .planned, mode: .unstated, zone: zone, day: nil)
        forum.$parent.id = week.id
        forum.summaryEn =
            "Its arrangements were discussed at the ASEAN-China National Focal Point Meeting on Environmental Cooperation on 23 July 2021."
        try await recorder.save(forum, entity: "meeting", summary: forum.titleEn)

        let nfp = meeting(
            slug: slug, titleEn: "ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021", type: .focalPointMeeting,
            status: .held, mode: .online, zone: zone, day: "2021-07-23")
        nfp.$parent.id = week.id
        nfp.$series.id = series.id
        // The seed does not say in which languages the meeting was held.
        nfp.languages = ""
        nfp.summaryEn = "Held by video during ASEAN-China Environmental Cooperation Week 2021."
        nfp.discussionEn =
            "During the meeting, participants exchanged opinions on the ASEAN-China Year of Sustainable Development Cooperation outcomes and documents, as well as arrangements for the ASEAN-China Environmental Cooperation Forum. Participants expressed appreciation for China to successfully host the ASEAN-China Environmental Cooperation Week 2021. They hope that China and ASEAN Member States could further strengthen exchange and practical cooperation focusing on climate change, biodiversity conservation, and other key regional environmental issues."
        try await recorder.save(nfp, entity: "meeting", summary: nfp.titleEn)
        let meetingID = nfp.savedID

        for (index, (org, role)) in [
            (organisations.mee, MeetingOrganisationRole.host), (organisations.centre, .organiser), (organisations.feco, .organiser),
        ].enumerated() {
            try await recorder.save(
                MeetingOrganisation(meetingID: meetingID, organisationID: org.savedID, role: role, position: index),
                entity: "meeting_organisation",
                summary: "\(role.rawValue): \(org.nameEn)")
        }

        // Invitations by country: the ten ASEAN member states, whose active focal points are invited.
        let memberStates = countries.values.filter { $0.group == .aseanMemberState }.sorted { $0.code < $1.code }
        let invited = try await MeetingInvitations.invite(countries: memberStates, to: nfp, by: nil, actorLabel: "demo loader", on: db)

        // The named participants, as the seed gives them.
        let china = countries["CN"]!.id!
        let named: [(Person, UUID?, Organisation, [ParticipantRole])] = [
            (people["Zhou Jun"]!, china, organisations.internationalCooperation, [.chair, .speaker]),
            (people["Vong Sok"]!, nil, organisations.environmentDivision, [.speaker]),
            (people["San Oo"]!, countries["MM"]!.id!, organisations.myanmarConservation, [.speaker, .delegate]),
        ]
        for (person, country, org, roles) in named {
            let participation = Participation(
                meetingID: meetingID, personID: person.savedID, countryID: country, organisationID: org.savedID, roles: roles,
                registration: .approved)
            participation.attendance = .present
            // Their names and words were published in the centre's newsletter.
            participation.publicListConsent = true
            try await recorder.save(participation, entity: "participation", summary: person.nameEn)
        }

        // The invited focal points: present for the nine member states the seed lists, absent for Lao PDR.
        for participation in invited {
            participation.registration = participation.$country.id == countries["LA"]!.id ? .invited : .approved
            participation.attendance = participation.$country.id == countries["LA"]!.id ? .absent : .present
            try await participation.save(on: db)
        }
        for (code, count) in illustrativeDelegates.sorted(by: { $0.key < $1.key }) {
            let country = countries[code]!
            for number in 1..<count {
                let person = Person(
                    nameEn: "Illustrative delegate \(number), \(country.nameEn)", nameZh: "示例代表\(number)（\(country.nameZh)）",
                    illustrative: true)
                try await recorder.save(person, entity: "person", summary: person.nameEn)
                let participation = Participation(
                    meetingID: meetingID, personID: person.savedID, countryID: country.savedID, organisationID: nil, roles: [.delegate],
                    registration: .approved, illustrative: true)
                participation.attendance = .present
                try await recorder.save(participation, entity: "participation", summary: person.nameEn)
            }
        }

        let statements = [
            (
                people["Zhou Jun"]!,
                "Highlighted that under the support of ASEAN Secretariat, China and ASEAN Member States actively formulated and adopted the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025). It is the shared vision that by seizing the opportunity of ASEAN-China Year of Sustainable Development Cooperation, both sides could further enhance communication and practical cooperation in the future, implement the new phase of cooperative strategy, and make greater contributions to regional green and sustainable development."
            ),
            (
                people["Vong Sok"]!,
                "Underscored that 2021 marked the 30th Anniversary of ASEAN-China Dialogue Relations as well as the ASEAN-China Year of Sustainable Development Cooperation. He hopes that both sides will continue to facilitate exchange and communication on global and regional hotspot environmental issues, and deliver regional contributions to realizing the 2030 Agenda for Sustainable Development."
            ),
            (
                people["San Oo"]!,
                "Mentioned that it was meaningful that ASEAN-China environmental cooperation focuses on regional hotspot environmental issues like climate change response, biodiversity conservation, etc. In the future, Myanmar will continue to strengthen practical collaboration with China and other ASEAN Member States in relevant fields."
            ),
        ]
        for (index, (speaker, summary)) in statements.enumerated() {
            try await recorder.save(
                Statement(meetingID: meetingID, speakerID: speaker.savedID, position: index + 1, summaryEn: summary), entity: "statement",
                summary: speaker.nameEn)
        }

        let conclusions = [
            "China and ASEAN Member States to further strengthen exchange and practical cooperation focusing on climate change, biodiversity conservation, and other key regional environmental issues.",
            "Implement the new phase of cooperative strategy: the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025).",
        ]
        for (index, text) in conclusions.enumerated() {
            let outcome = MeetingOutcome()
            outcome.$meeting.id = meetingID
            outcome.kind = .conclusion
            outcome.position = index + 1
            outcome.textEn = text
            outcome.textZh = ""
            outcome.status = .open
            try await recorder.save(outcome, entity: "meeting_outcome", summary: String(text.prefix(60)))
        }

        // The seed tells what was done, not the agenda: the items below follow its account and are marked illustrative.
        let agenda: [(String, Person?)] = [
            ("Opening and moderation", people["Zhou Jun"]), ("Statements", nil),
            ("ASEAN-China Year of Sustainable Development Cooperation outcomes and documents", nil),
            ("Arrangements for the ASEAN-China Environmental Cooperation Forum", nil),
        ]
        for (index, (title, presenter)) in agenda.enumerated() {
            let item = AgendaItem()
            item.$meeting.id = meetingID
            item.position = index + 1
            item.startsAt = ""
            item.endsAt = ""
            item.titleEn = title
            item.titleZh = ""
            item.$presenter.id = presenter?.id
            item.illustrative = true
            try await recorder.save(item, entity: "agenda_item", summary: title)
        }

        let framework = Document()
        framework.slug = "framework-asean-china-environmental-cooperation-strategy-action-plan-2021-2025"
        framework.titleEn = "Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)"
        framework.titleZh = ""
        framework.type = .strategy
        framework.lifecycle = .adopted
        framework.adoptedOn = nil
        framework.access = .public
        framework.descriptionEn = "Formulated and adopted by China and ASEAN Member States with the support of the ASEAN Secretariat."
        framework.descriptionZh = ""
        try await recorder.save(framework, entity: "document", summary: framework.titleEn)
        try await recorder.save(
            DocumentLink(documentID: framework.savedID, target: .meeting, targetID: meetingID), entity: "document_link",
            summary: framework.titleEn)
    }

    private static func meeting(
        slug: String, titleEn: String, type: MeetingType, status: MeetingStatus, mode: MeetingMode, zone: TimeZone, day: String?
    ) -> Meeting {
        let meeting = Meeting()
        meeting.slug = slug
        meeting.titleEn = titleEn
        meeting.titleZh = ""
        meeting.type = type
        meeting.status = status
        meeting.mode = mode
        meeting.timeZone = zone.identifier
        meeting.allDay = true
        meeting.startsAt = day.flatMap { MeetingTime.instant(date: $0, time: nil, in: zone) }
        meeting.endsAt = meeting.startsAt.map { $0.addingTimeInterval(86_400) }
        meeting.venueEn = ""
        meeting.venueZh = ""
        meeting.videoLink = ""
        meeting.languages = ""
        meeting.visibility = .public
        meeting.summaryEn = ""
        meeting.summaryZh = ""
        meeting.discussionEn = ""
        meeting.discussionZh = ""
        meeting.sequence = 0
        return meeting
    }
}
