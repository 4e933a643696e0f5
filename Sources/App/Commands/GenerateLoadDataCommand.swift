import Fluent
import Vapor

/// `focal generate-load-data`: fills the database with generated meetings and participations for
/// the page benchmark. Every generated record is marked illustrative and named "Generated …".
struct GenerateLoadDataCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "meetings", help: "How many meetings (default 500)") var meetings: Int?
        @Option(name: "participations", help: "How many participations in all (default 20000)") var participations: Int?
        @Option(name: "issues", help: "How many published newsletter issues (default 300)") var issues: Int?
        @Option(name: "activities", help: "How many action-plan activities (default 0)") var activities: Int?
        @Option(name: "indicators", help: "How many indicators in all, spread over the activities (default 5 per activity)") var indicators:
            Int?
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
                    meetingID: meeting.savedID, personID: person.savedID, countryID: countries[offset % countries.count].id,
                    organisationID: nil,
                    roles: [.delegate], registration: .approved, illustrative: true)
                participation.attendance = .present
                return participation
            }
            try await participations.create(on: app.db)
            created += count
        }
        let issues = try await generateIssues(signature.issues ?? 300, on: app.db)
        let activityCount = signature.activities ?? 0
        let plan = try await generatePlan(activities: activityCount, indicators: signature.indicators ?? activityCount * 5, on: app.db)
        context.console.print(
            "Generated \(meetingCount) meetings, \(created) participations, \(issues) newsletter issues, \(plan.activities) activities, "
                + "\(plan.indicators) indicators and \(plan.reports) reports.")
    }

    /// Published issues in the years before the demo's, each with one generated article per language.
    private func generateIssues(_ count: Int, on db: any Database) async throws -> Int {
        guard count > 0, let newsletter = try await Newsletter.query(on: db).first() else { return 0 }
        let paragraph =
            "Generated for benchmarks. " + String(repeating: "The network met, reported and agreed on its next steps. ", count: 12)
        for index in 0..<count {
            let issue = NewsletterIssue()
            issue.$newsletter.id = newsletter.savedID
            issue.year = 2020 - index / 12
            issue.number = index % 12 + 1
            issue.publicationDate = String(format: "%04d-%02d-15", issue.year, issue.number)
            issue.status = .published
            issue.publishedAt = MeetingTime.instant(date: issue.publicationDate, time: nil, in: TimeZone.gmt)
            issue.illustrative = true
            try await issue.create(on: db)
            for language in Language.allCases {
                let edition = Edition(issueID: issue.savedID, language: language, status: .ready)
                try await edition.create(on: db)
                let article = Article()
                article.slug = "generated-\(issue.year)-\(issue.number)-\(language.rawValue)"
                article.language = language
                article.title = "Generated article \(issue.year)/\(issue.number)"
                article.bodyMarkdown = paragraph
                article.bodyHTML = MarkdownRenderer.html(paragraph)
                article.position = 1
                article.version = 1
                article.leadImageType = ""
                article.leadImageAlt = ""
                article.illustrative = true
                article.$edition.id = edition.id
                try await article.create(on: db)
            }
        }
        return count
    }

    /// Activities with indicators, yearly targets and actuals, and a validated report per activity
    /// and year, spread over the strategy's areas; all marked illustrative.
    private func generatePlan(activities count: Int, indicators indicatorCount: Int, on db: any Database) async throws
        -> (activities: Int, indicators: Int, reports: Int)
    {
        guard count > 0, let strategy = try await Strategy.query(on: db).first() else { return (0, 0, 0) }
        let areas = try await PriorityArea.query(on: db).filter(\.$strategy.$id == strategy.savedID).all()
        guard !areas.isEmpty else { return (0, 0, 0) }
        let countries = try await Country.query(on: db).all()
        let perActivity = max(1, indicatorCount / count)
        var reports = 0
        for index in 0..<count {
            let activity = Activity()
            activity.code = "GEN-\(index + 1)"
            activity.titleEn = "Generated activity \(index + 1)"
            activity.titleZh = ""
            activity.descriptionEn = "Generated for benchmarks."
            activity.descriptionZh = ""
            activity.$priorityArea.id = areas[index % areas.count].id!
            activity.status = ActivityStatus.allCases[index % ActivityStatus.allCases.count]
            activity.plannedStart = "\(strategy.firstYear)-01-01"
            activity.plannedEnd = "\(strategy.lastYear)-12-31"
            activity.goalsText = "\(index % 17 + 1)"
            activity.illustrative = true
            try await activity.create(on: db)
            let participant = ActivityParticipant()
            participant.$activity.id = activity.savedID
            participant.$country.id = countries[index % countries.count].id
            participant.role = .implementing
            try await participant.create(on: db)
            var yearReports: [Int: ProgressReport] = [:]
            for year in strategy.years {
                let report = ProgressReport()
                report.$activity.id = activity.savedID
                report.year = year
                report.narrativeEn = "Generated report."
                report.narrativeZh = ""
                report.status = .validated
                report.author = "generator"
                report.validatedBy = "generator"
                report.illustrative = true
                try await report.create(on: db)
                yearReports[year] = report
                reports += 1
            }
            for number in 1...perActivity {
                let indicator = Indicator()
                indicator.code = "GEN-\(index + 1).\(number)"
                indicator.titleEn = "Generated indicator \(index + 1).\(number)"
                indicator.titleZh = ""
                indicator.$activity.id = activity.id
                indicator.measure = number % 2 == 0 ? .percentage : .unit
                indicator.unitLabel = ""
                indicator.direction = .increase
                indicator.baselineValue = 0
                indicator.baselineText = ""
                indicator.baselineYear = strategy.firstYear - 1
                indicator.illustrative = true
                try await indicator.create(on: db)
                var targets: [IndicatorTarget] = []
                var actuals: [IndicatorActual] = []
                for (offset, year) in strategy.years.enumerated() {
                    let target = IndicatorTarget()
                    target.$indicator.id = indicator.savedID
                    target.year = year
                    target.value = Double((offset + 1) * 10)
                    target.text = ""
                    targets.append(target)
                    let actual = IndicatorActual()
                    actual.$indicator.id = indicator.savedID
                    actual.year = year
                    actual.value = Double((offset + 1) * 10 - (index + number) % 7)
                    actual.text = ""
                    actual.illustrative = true
                    actual.$report.id = yearReports[year]?.id
                    actuals.append(actual)
                }
                try await targets.create(on: db)
                try await actuals.create(on: db)
            }
        }
        return (count, count * perActivity, reports)
    }
}
