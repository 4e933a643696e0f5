import Fluent
import Vapor

/// `focal generate-load-data`: fills the database with generated meetings and participations for
/// the page benchmark. Every generated record is marked illustrative and named "Generated …".
struct GenerateLoadDataCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "meetings", help: "How many meetings (default 500)") var meetings: Int?
        @Option(name: "participations", help: "How many participations in all (default 20000)") var participations: Int?
    }

    var help: String { "Generates illustrative meetings and participations for benchmarks." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let meetingCount = signature.meetings ?? 500
        let participationCount = signature.participations ?? 20_000
        guard (1...100_000).contains(meetingCount), (0...2_000_000).contains(participationCount) else {
            throw CommandProblem(["--meetings: 1 to 100000; --participations: 0 to 2000000"])
        }
        try await app.autoMigrate()
        let perMeeting = max(1, (participationCount + meetingCount - 1) / meetingCount)
        let countries = try await Country.query(on: app.db).all()
        guard !countries.isEmpty else { throw CommandProblem(["the database has no countries: load the demo first (focal load-demo)"]) }

        var people: [Person] = []
        for number in 1...perMeeting {
            people.append(Person(nameEn: "Generated participant \(number)", illustrative: true))
        }
        try await people.create(on: app.db)
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        var created = 0
        for index in 0..<meetingCount {
            let meeting = Meeting()
            meeting.slug = "generated-meeting-\(index + 1)"
            meeting.titleEn = "Generated meeting \(index + 1)"
            meeting.titleZh = ""
            meeting.type = MeetingType.allCases[index % MeetingType.allCases.count]
            meeting.status = .held
            meeting.mode = MeetingMode.allCases[index % MeetingMode.allCases.count]
            meeting.timeZone = zone.identifier
            meeting.allDay = false
            let day = Date(timeIntervalSince1970: 1_420_070_400 + Double(index) * 86_400 * 7)
            meeting.startsAt = day.addingTimeInterval(3_600)
            meeting.endsAt = day.addingTimeInterval(3 * 3_600)
            (meeting.venueEn, meeting.venueZh, meeting.videoLink, meeting.languages) = ("", "", "", "en")
            meeting.visibility = .public
            (meeting.summaryEn, meeting.summaryZh, meeting.discussionEn, meeting.discussionZh) = ("Generated for benchmarks.", "", "", "")
            meeting.sequence = 0
            try await meeting.create(on: app.db)
            let count = min(perMeeting, participationCount - created)
            guard count > 0 else { continue }
            let participations = people.prefix(count).enumerated().map { offset, person in
                let participation = Participation(
                    meetingID: meeting.id!, personID: person.id!, countryID: countries[offset % countries.count].id, organisationID: nil,
                    roles: [.delegate], registration: .approved, illustrative: true)
                participation.attendance = .present
                return participation
            }
            try await participations.create(on: app.db)
            created += count
        }
        context.console.print("Generated \(meetingCount) meetings and \(created) participations.")
    }
}
