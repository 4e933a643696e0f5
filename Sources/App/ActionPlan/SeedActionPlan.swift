import Fluent
import Foundation

/// The framework the seed names as the strategy for 2021-2025, with the two priorities the seed
/// names. Everything else here (a further area, activities, indicators, values, a report) is
/// illustrative and marked so on every page that shows it.
enum SeedActionPlan {
    static func load(countries: [String: Country], organisations: SeedNetwork.Organisations, recorder: DemoRecorder) async throws {
        let db = recorder.db
        let framework = try await Document.query(on: db).filter(\.$type == .strategy).first()
        let strategy = Strategy()
        strategy.slug = "asean-china-environmental-cooperation-strategy-2021-2025"
        strategy.titleEn = "Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)"
        strategy.titleZh = ""
        strategy.firstYear = 2021
        strategy.lastYear = 2025
        strategy.adoptedOn = nil
        strategy.version = ""
        strategy.$document.id = framework?.id
        try await recorder.save(strategy, entity: "strategy", summary: strategy.titleEn)

        let climate = area(strategy, "CC", "Climate change response", "应对气候变化", position: 1, illustrative: false)
        let biodiversity = area(strategy, "BD", "Biodiversity conservation", "生物多样性保护", position: 2, illustrative: false)
        let exchange = area(strategy, "EX", "Illustrative area: environmental information exchange", "", position: 3, illustrative: true)
        for item in [climate, biodiversity, exchange] { try await recorder.save(item, entity: "priority_area", summary: item.titleEn) }

        let memberStates = countries.values.filter { $0.group == .aseanMemberState }.sorted { $0.code < $1.code }
        let plans: [(PriorityArea, String, String, [Int])] = [
            (climate, "CC-1", "Illustrative activity: exchange on climate change response", [13, 17]),
            (biodiversity, "BD-1", "Illustrative activity: exchange on biodiversity conservation", [14, 15, 17]),
            (exchange, "EX-1", "Illustrative activity: sharing environmental information", [17]),
        ]
        var activities: [String: Activity] = [:]
        for (area, code, title, goals) in plans {
            let activity = Activity()
            activity.code = code
            activity.titleEn = title
            activity.titleZh = ""
            activity.descriptionEn =
                "Illustrative: an example of how an activity of the action plan is recorded; not part of the real plan."
            activity.descriptionZh = ""
            activity.$priorityArea.id = area.savedID
            activity.$leadOrganisation.id = organisations.centre.id
            activity.status = .implementation
            activity.plannedStart = "2021-01-01"
            activity.plannedEnd = "2025-12-31"
            activity.actualStart = "2021-07-23"
            activity.goalsText = goals.map(String.init).joined(separator: ",")
            activity.illustrative = true
            try await recorder.save(activity, entity: "activity", summary: activity.code)
            activities[code] = activity
            for country in memberStates + [countries["CN"]!] {
                let participant = ActivityParticipant()
                participant.$activity.id = activity.savedID
                participant.$country.id = country.id
                participant.role = .implementing
                try await participant.save(on: db)
            }
        }

        // Illustrative indicators: events per year, a percentage, a qualitative one.
        let indicators: [(String, String, String, IndicatorMeasure, String, Double?, [Double?], [Double?])] = [
            (
                "CC-1", "CC-1.1", "Illustrative indicator: exchange events held", .unit, "events", 0, [2, 4, 6, 8, 10],
                [3, 5, nil, nil, nil]
            ),
            (
                "BD-1", "BD-1.1", "Illustrative indicator: member states sharing biodiversity data", .percentage, "", 20,
                [30, 45, 60, 75, 90], [40, 50, nil, nil, nil]
            ),
            (
                "EX-1", "EX-1.1", "Illustrative indicator: state of the information platform", .qualitative, "", nil,
                [nil, nil, nil, nil, nil], [nil, nil, nil, nil, nil]
            ),
        ]
        for (activityCode, code, title, measure, unit, baseline, targets, actuals) in indicators {
            let indicator = Indicator()
            indicator.code = code
            indicator.titleEn = title
            indicator.titleZh = ""
            indicator.$activity.id = activities[activityCode]!.id
            indicator.measure = measure
            indicator.unitLabel = unit
            indicator.direction = .increase
            indicator.baselineValue = baseline
            indicator.baselineText = measure == .qualitative ? "Illustrative: no shared platform" : ""
            indicator.baselineYear = 2020
            indicator.illustrative = true
            try await recorder.save(indicator, entity: "indicator", summary: code)
            for (offset, year) in (2021...2025).enumerated() {
                if measure == .qualitative, year > 2022 { continue }
                let target = IndicatorTarget()
                target.$indicator.id = indicator.savedID
                target.year = year
                target.value = targets[offset]
                target.text = measure == .qualitative ? "Illustrative: platform in use by all member states" : ""
                try await target.save(on: db)
                if let value = actuals[offset] {
                    let actual = IndicatorActual()
                    actual.$indicator.id = indicator.savedID
                    actual.year = year
                    actual.value = value
                    actual.text = ""
                    actual.illustrative = true
                    try await actual.save(on: db)
                }
            }
        }

        // The 2021 focal point meeting and what it concluded, as evidence on the activities it concerns.
        if let meeting = try await Meeting.query(on: db).filter(\.$slug == SeedMeeting.slug).first() {
            let conclusions = try await MeetingOutcome.query(on: db).filter(\.$meeting.$id == meeting.savedID).sort(\.$position).all()
            for code in ["CC-1", "BD-1"] {
                let activityID = activities[code]!.id!
                try await ActivityEvidence(activityID: activityID, target: .meeting, targetID: meeting.savedID).save(on: db)
                for conclusion in conclusions {
                    try await ActivityEvidence(activityID: activityID, target: .outcome, targetID: conclusion.savedID).save(on: db)
                }
                if let framework {
                    try await ActivityEvidence(activityID: activityID, target: .document, targetID: framework.savedID).save(on: db)
                }
                if let article = try await Article.query(on: db).filter(\.$slug == SeedNewsletter.articleSlug).first() {
                    try await ActivityEvidence(activityID: activityID, target: .article, targetID: article.savedID).save(on: db)
                }
            }
        }

        // One illustrative validated report, so the reporting chain can be seen end to end.
        let report = ProgressReport()
        report.$activity.id = activities["CC-1"]!.id!
        report.year = 2021
        report.$country.id = countries["MM"]?.id
        report.narrativeEn = "Illustrative report: an example of a country's annual progress report."
        report.narrativeZh = ""
        report.status = .validated
        report.author = "demo loader"
        report.validatedBy = "demo loader"
        report.illustrative = true
        try await recorder.save(report, entity: "progress_report", summary: "CC-1 2021 (illustrative)")
    }

    private static func area(_ strategy: Strategy, _ code: String, _ titleEn: String, _ titleZh: String, position: Int, illustrative: Bool)
        -> PriorityArea
    {
        let area = PriorityArea()
        area.$strategy.id = strategy.savedID
        area.code = code
        area.titleEn = titleEn
        area.titleZh = titleZh
        area.position = position
        area.descriptionEn = illustrative ? "Illustrative: not one of the priority areas the newsletter names." : ""
        area.descriptionZh = ""
        area.illustrative = illustrative
        return area
    }
}
