import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Action plan in the demo")
struct ActionPlanDemoTests {
    static let strategyTitle = "Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)"
    static let frameworkHref = "/documents/framework-asean-china-environmental-cooperation-strategy-action-plan-2021-2025"
    static let badge = #"<span class="badge illustrative">"#

    @Test(
        "The overview shows the seed's strategy, its period and document, the two named areas unmarked and everything else marked illustrative"
    )
    func overviewMarksOnlyTheInventedParts() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/action-plan")
            #expect(response.status == .ok)
            let html = response.text
            let text = visibleText(html)
            #expect(text.contains(Self.strategyTitle))
            #expect(text.contains("2021–2025"), "the strategy's period is shown")
            #expect(html.contains(#"<a href="\#(Self.frameworkHref)">\#(Self.strategyTitle)</a>"#), "the framework document is linked")
            #expect(try await app.testing().sendRequest(.GET, Self.frameworkHref).status == .ok, "the document link leads to the document")
            #expect(html.contains(#"class="illustrative-banner""#), "the page carries the illustrative banner")

            let areas = htmlSections(html, opening: #"<section class="area">"#)
            #expect(areas.count == 3)
            func area(_ code: String) -> String? { areas.first { $0.contains(">\(code) · ") } }
            for (code, title) in [("CC", "Climate change response"), ("BD", "Biodiversity conservation")] {
                let section = try #require(area(code), "no section for \(code)")
                let heading = try #require(captures(#"<h2>(.*?)</h2>"#, in: section).first?.first)
                #expect(visibleText(heading).contains("\(code) · \(title)"))
                #expect(!heading.contains(Self.badge), "\(title) is named in the seed and must not be marked illustrative")
            }
            let further = try #require(area("EX"), "no section for the further area")
            let furtherHeading = try #require(captures(#"<h2>(.*?)</h2>"#, in: further).first?.first)
            #expect(furtherHeading.contains(Self.badge), "the further area is not in the seed and must be marked illustrative")

            // Every activity row carries the badge.
            let rows = areas.flatMap { captures(#"<tbody>(.*?)</tbody>"#, in: $0).flatMap { captures(#"<tr>(.*?)</tr>"#, in: $0[0]) } }
            #expect(rows.count == 3, "one row per demo activity")
            for row in rows.map({ $0[0] }) {
                #expect(row.contains(Self.badge), "activity row without the illustrative badge: \(visibleText(row))")
            }
        }
    }

    @Test("In Chinese the overview names the two priority areas in Chinese")
    func overviewInChinese() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/action-plan?lang=zh")
            #expect(response.status == .ok)
            let text = visibleText(response.text)
            #expect(text.contains("应对气候变化"))
            #expect(text.contains("生物多样性保护"))
            #expect(!text.contains("Climate change response"), "the English title is replaced, not repeated")
        }
    }

    @Test("CC-1 shows the 2021 meeting with what it concluded and the reports since, the indicator table beside its chart, and SDG 13")
    func activityPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(response.status == .ok)
            let html = response.text

            // Which meetings agreed what, and how many validated reports followed
            let evidence = try #require(
                html.components(separatedBy: "Meetings: what was agreed, and what has been reported since").dropFirst().first
                    .flatMap { $0.components(separatedBy: "</section>").first }, "no evidence section")
            let evidenceText = visibleText(evidence)
            #expect(evidence.contains(#"href="/meetings/\#(SeedMeeting.slug)""#))
            #expect(evidenceText.contains("ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021"))
            // Each outcome is labelled with its kind as a badge, not run into its text.
            #expect(
                evidence.contains(
                    #"<span class="badge">conclusion</span> <span class="keeps-lines">China and ASEAN Member States to further strengthen exchange and practical cooperation focusing on climate change"#
                ))
            #expect(
                evidence.contains(
                    #"<span class="badge">conclusion</span> <span class="keeps-lines">Implement the new phase of cooperative strategy"#))
            #expect(evidenceText.contains("Validated reports since: 1"), "the demo's one validated 2021 report follows the 2021 meeting")

            // The indicator: a table of target and actual per year, next to an accessible SVG chart
            let indicator = try #require(
                htmlSections(html, opening: #"<article class="indicator">"#).first?.components(separatedBy: "</article>").first)
            #expect(visibleText(indicator).contains("CC-1.1"))
            let pair = try #require(indicator.components(separatedBy: #"<div class="chart-and-table">"#).dropFirst().first)
            let svg = try #require(captures(#"(<svg[^>]*>.*?</svg>)"#, in: pair).first?.first, "no chart beside the table")
            #expect(svg.contains(#"role="img""#))
            #expect(svg.contains("<title") && svg.contains("CC-1.1 · Actual against target</title>"))
            #expect(pair.contains("<table") && pair.contains("<caption>CC-1.1 \(Self.badge)illustrative</span></caption>"))
            let rows = tableRows(pair).map { Array($0.prefix(3)) }
            #expect(rows == [["2021", "2", "3"], ["2022", "4", "5"], ["2023", "6", "—"], ["2024", "8", "—"], ["2025", "10", "—"]])

            let text = visibleText(html)
            #expect(text.contains("13. Climate action"))
            #expect(text.contains("17. Partnerships for the goals"))
            #expect(!text.contains("15. Life on land"), "only CC-1's own goals are listed")
        }
    }

    static func dashboardSections(_ app: Application) async throws -> [String: String] {
        let response = try await app.testing().sendRequest(.GET, "/action-plan/dashboards")
        #expect(response.status == .ok)
        var sections: [String: String] = [:]
        for section in htmlSections(response.text, opening: #"<section class="dashboard">"#) {
            let title = visibleText(captures(#"<h2>(.*?)</h2>"#, in: section).first?.first ?? "").trimmingCharacters(in: .whitespaces)
            sections[title] = section
        }
        return sections
    }

    static func section(_ sections: [String: String], _ prefix: String) -> String? {
        sections.first { $0.key.hasPrefix(prefix) }?.value
    }

    @Test("The dashboards show progress, status, actual against target, participation, coverage and ending terms, each as chart and table")
    func dashboardsHaveChartsAndTables() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let sections = try await Self.dashboardSections(app)
            for title in [
                "Progress by priority area", "Activities by status", "Actual against target", "Participation of member states",
                "Focal point coverage", "Terms ending within 90 days",
            ] {
                let section = try #require(Self.section(sections, title), "no dashboard section \(title); found \(sections.keys.sorted())")
                #expect(section.contains("<svg") && section.contains(#"role="img""#), "\(title) has no chart")
                #expect(section.contains("<table"), "\(title) has no table")
                #expect(!tableRows(section).isEmpty || title.hasPrefix("Terms ending"), "\(title) has an empty table")
            }
            // The numbers behind the charts
            let progress = tableRows(try #require(Self.section(sections, "Progress by priority area")))
            #expect(progress.contains(["CC Climate change response", "1", "50%"]))
            #expect(progress.contains(["BD Biodiversity conservation", "1", "43%"]))
            let status = tableRows(try #require(Self.section(sections, "Activities by status")))
            #expect(status.contains(["implementation", "3"]), "\(status)")
            #expect(status.contains(["pipeline", "0"]), "\(status)")

            // Coverage: every country has its (illustrative) national focal point, none has the thematic ones
            let coverage = tableRows(try #require(Self.section(sections, "Focal point coverage")))
            #expect(coverage.count == 11, "ten member states and China")
            for row in coverage {
                #expect(row.count == 4)
                #expect(Array(row.dropFirst()) == ["✓", "missing", "missing"], "coverage of \(row.first ?? "?")")
            }
            let ending = try #require(Self.section(sections, "Terms ending within 90 days"))
            #expect(tableRows(ending).isEmpty)
            #expect(visibleText(ending).contains("No term ends within 90 days."))
        }
    }

    @Test("An active appointment ending in 30 days appears under terms ending within 90 days; one ending in 120 days does not")
    func endingTermAppears() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let thailand = try await Plan.country(app, "TH")
            let vietNam = try await Plan.country(app, "VN")
            let thaiPerson = try #require(
                try await Person.query(on: app.db).filter(\.$nameEn == "Illustrative focal point, Thailand").first())
            let soon = isoDate(daysFromToday: 30)
            for (country, role, end) in [(thailand, "climate_change", soon), (vietNam, "biodiversity", isoDate(daysFromToday: 120))] {
                let response = try await postForm(
                    app, "/admin/focal-points",
                    fields: [
                        "country_id": country.id!.uuidString, "role_type": role, "rank": "primary", "person_id": thaiPerson.id!.uuidString,
                        "status": "active", "start_date": isoDate(daysFromToday: -300), "end_date": end, "nomination_letter": "",
                        "illustrative": "no",
                    ], headers: editor)
                try #require(response.status == .seeOther, "appointing answered \(response.status)")
            }
            let sections = try await Self.dashboardSections(app)
            let ending = tableRows(try #require(Self.section(sections, "Terms ending within 90 days")))
            #expect(ending.count == 1, "only the term ending within 90 days: \(ending)")
            let row = try #require(ending.first)
            #expect(row.prefix(3) == ["Thailand", "Climate change focal point", "Illustrative focal point, Thailand"])
            let formatted = LocalizedDate.format(soon, .en) ?? soon
            #expect(row.last == formatted)
            let coverage = tableRows(try #require(Self.section(sections, "Focal point coverage")))
            #expect(coverage.first { $0.first == "Thailand" } == ["Thailand", "✓", "✓", "missing"])
            #expect(coverage.first { $0.first == "Viet Nam" } == ["Viet Nam", "✓", "missing", "✓"])
        }
    }

    @Test("An unpublished article linked as evidence is not shown to the public on the activity page")
    func draftArticleEvidenceHidden() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let (draft, _) = try await DraftArticleTests.draft(app, editor, try await DraftArticleTests.meeting(app))
            // The draft itself is not public
            #expect(try await app.testing().sendRequest(.GET, "/articles/" + draft.slug).status == .notFound)
            let cc1 = try await Plan.activity(app, "CC-1")
            let link = try await postForm(
                app, "/admin/activity-evidence",
                fields: ["activity_id": cc1.id!.uuidString, "evidence": "article:" + draft.id!.uuidString, "note_en": ""], headers: editor)
            try #require(link.status == .seeOther, "linking the evidence answered \(link.status)")
            let page = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(page.status == .ok)
            #expect(page.text.contains(SeedNewsletter.articleSlug), "the published seed article is still listed")
            #expect(!page.text.contains("/articles/" + draft.slug), "an unpublished article is linked from a public page")
            let articles = try #require(
                page.text.components(separatedBy: "Newsletter articles</h2>").dropFirst().first?.components(separatedBy: "</section>").first
            )
            #expect(captures(#"<li>(.*?)</li>"#, in: articles).count == 1, "only the published article is listed: \(visibleText(articles))")
        }
    }

    @Test("The activity-code column of the overview and of an area is headed as the activities' code, in English and in Chinese")
    func activityCodeColumnHeading() async throws {
        try await withApp(loadDemo: true) { app async throws in
            for language in [Language.en, .zh] {
                for path in ["/action-plan", "/action-plan/areas/CC"] {
                    let response = try await app.testing().sendRequest(.GET, path + "?lang=" + language.rawValue)
                    #expect(response.status == .ok)
                    #expect(!response.text.contains("ISO 3166"), "\(path) (\(language)) heads a column with the country-code label")
                    let headings = captures(#"<thead><tr>(.*?)</tr></thead>"#, in: response.text).map {
                        captures(#"<th[^>]*>(.*?)</th>"#, in: $0[0]).map { visibleText($0[0]).trimmingCharacters(in: .whitespaces) }
                    }
                    #expect(!headings.isEmpty, "\(path) has no activity table")
                    for columns in headings {
                        #expect(columns.first == app.localizer.text("plan.activity_code", language), "\(path) (\(language)): \(columns)")
                    }
                }
            }
        }
    }
}
