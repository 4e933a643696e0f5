import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Action plan figures computed from illustrative records")
struct ActionPlanIllustrativeTests {
    static let badge = ActionPlanDemoTests.badge

    /// Whether a dashboard section labels its heading, its chart and its table illustrative.
    static func labelled(_ section: String) -> (heading: Bool, chart: Bool, table: Bool) {
        let heading = captures(#"<h2>(.*?)</h2>"#, in: section).first?.first ?? ""
        let figure = captures(#"<figure class="chart-figure"[^>]*>(.*?)</figure>"#, in: section).first?.first ?? ""
        let chart = figure.components(separatedBy: "</svg>").last ?? ""
        let table = captures(#"<table class="table">(.*?)<thead>"#, in: section).first?.first ?? ""
        return (heading.contains(badge), chart.contains(badge), table.contains(badge))
    }

    /// The `<p class="meta">` line of the area section and the cells of its activity rows on the overview.
    static func overviewArea(_ app: Application, _ code: String) async throws -> (meta: String, rows: [[String]]) {
        let response = try await app.testing().sendRequest(.GET, "/action-plan")
        #expect(response.status == .ok)
        let section = try #require(
            htmlSections(response.text, opening: #"<section class="area">"#).first { $0.contains(">\(code) · ") }, "no area \(code)")
        let meta = try #require(captures(#"<p class="meta">(.*?)</p>"#, in: section).first?.first)
        let body = captures(#"<tbody>(.*?)</tbody>"#, in: section).first?.first ?? ""
        let rows = captures(#"<tr>(.*?)</tr>"#, in: body).map { captures(#"<td>(.*?)</td>"#, in: $0[0]).map { $0[0] } }
        return (meta, rows)
    }

    /// A strategy with one area, one activity and one indicator (target 10 in 2021, actual 5), none of them illustrative.
    static func realPlan(_ app: Application) async throws -> Indicator {
        let strategy = Strategy()
        strategy.slug = "real-strategy"
        strategy.titleEn = "A real strategy"
        strategy.titleZh = ""
        strategy.firstYear = 2021
        strategy.lastYear = 2025
        strategy.version = "1"
        try await strategy.save(on: app.db)
        let area = PriorityArea()
        area.$strategy.id = strategy.id!
        area.code = "RC"
        area.titleEn = "Real climate area"
        area.titleZh = ""
        area.position = 1
        area.descriptionEn = ""
        area.descriptionZh = ""
        area.illustrative = false
        try await area.save(on: app.db)
        let activity = Activity()
        activity.code = "RC-1"
        activity.titleEn = "Real activity"
        activity.titleZh = ""
        activity.descriptionEn = ""
        activity.descriptionZh = ""
        activity.$priorityArea.id = area.id!
        activity.status = .implementation
        activity.plannedStart = "2021-01-01"
        activity.plannedEnd = "2025-12-31"
        activity.goalsText = "13"
        activity.illustrative = false
        try await activity.save(on: app.db)
        let indicator = Indicator()
        indicator.code = "RC-1.1"
        indicator.titleEn = "Real events"
        indicator.titleZh = ""
        indicator.$activity.id = activity.id
        indicator.measure = .unit
        indicator.unitLabel = "events"
        indicator.direction = .increase
        indicator.baselineValue = 0
        indicator.baselineText = ""
        indicator.baselineYear = 2020
        indicator.illustrative = false
        try await indicator.save(on: app.db)
        let target = IndicatorTarget()
        target.$indicator.id = indicator.id!
        target.year = 2021
        target.value = 10
        target.text = ""
        try await target.save(on: app.db)
        try await actual(app, indicator, year: 2021, value: 5, illustrative: false)
        return indicator
    }

    static func actual(_ app: Application, _ indicator: Indicator, year: Int, value: Double, illustrative: Bool) async throws {
        let actual = IndicatorActual()
        actual.$indicator.id = indicator.id!
        actual.year = year
        actual.value = value
        actual.text = ""
        actual.illustrative = illustrative
        try await actual.save(on: app.db)
    }

    @Test("In the demo every dashboard computed from illustrative records labels its chart and table; the empty ending-terms one does not")
    func demoDashboardsLabelled() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let sections = try await ActionPlanDemoTests.dashboardSections(app)
            for title in [
                "Progress by priority area", "Activities by status", "Actual against target", "Participation of member states",
                "Focal point coverage",
            ] {
                let section = try #require(ActionPlanDemoTests.section(sections, title), "no section \(title)")
                let labels = Self.labelled(section)
                #expect(labels.heading && labels.chart && labels.table, "\(title) is computed from illustrative records: \(labels)")
            }
            let ending = try #require(ActionPlanDemoTests.section(sections, "Terms ending within 90 days"))
            #expect(!ending.contains(Self.badge), "no term ends, so nothing illustrative is counted")
        }
    }

    @Test("In the demo the overview labels each progress figure computed from illustrative records, even in a seed-named area")
    func demoOverviewLabelled() async throws {
        try await withApp(loadDemo: true) { app async throws in
            for code in ["CC", "BD"] {
                let (meta, rows) = try await Self.overviewArea(app, code)
                #expect(meta.contains("</strong> \(Self.badge)"), "\(code)'s progress comes from illustrative activities: \(meta)")
                let row = try #require(rows.first)
                #expect(row.last?.contains(Self.badge) == true, "\(code)'s activity progress is unlabelled: \(row)")
            }
            // No progress figure, nothing to label
            let (exMeta, exRows) = try await Self.overviewArea(app, "EX")
            #expect(exMeta.contains("<strong>—</strong> ·"))
            #expect(exRows.first?.last == "—")
            // The area page does the same
            let area = try await app.testing().sendRequest(.GET, "/action-plan/areas/CC")
            let meta = try #require(captures(#"<p class="meta">(.*?)</p>"#, in: area.text).first?.first)
            #expect(meta.contains("</strong> \(Self.badge)"))
        }
    }

    @Test("Figures computed only from real records are unlabelled; one illustrative actual labels exactly the figures it enters")
    func realFiguresUnlabelled() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let indicator = try await Self.realPlan(app)

            var overview = try await app.testing().sendRequest(.GET, "/action-plan")
            #expect(!overview.text.contains(Self.badge), "nothing here is illustrative")
            #expect(!overview.text.contains(#"class="illustrative-banner""#))
            var (meta, rows) = try await Self.overviewArea(app, "RC")
            #expect(meta.contains("<strong>50%</strong>"))
            #expect(rows.first?.last == "50%")
            var sections = try await ActionPlanDemoTests.dashboardSections(app)
            #expect(!sections.isEmpty)
            for (title, section) in sections { #expect(!section.contains(Self.badge), "\(title) is labelled illustrative") }
            #expect(
                tableRows(try #require(ActionPlanDemoTests.section(sections, "Progress by priority area"))) == [
                    ["RC Real climate area", "1", "50%"]
                ])
            var activity = try await app.testing().sendRequest(.GET, "/action-plan/activities/RC-1")
            #expect(!activity.text.contains(Self.badge))

            // An illustrative actual becomes the latest: progress 80%, computed from it
            try await Self.actual(app, indicator, year: 2022, value: 8, illustrative: true)
            try app.siteCache.invalidate()  // written past the app, so the cached public pages are dropped by hand
            (meta, rows) = try await Self.overviewArea(app, "RC")
            #expect(meta.contains("<strong>80%</strong> \(Self.badge)"), "\(meta)")
            #expect(meta.components(separatedBy: Self.badge).count == 2, "the activity count is still from real records only: \(meta)")
            let row = try #require(rows.first)
            #expect(!row[1].contains(Self.badge), "the activity itself is real")
            #expect(row.last == "80% \(Self.badge)illustrative</span>")
            overview = try await app.testing().sendRequest(.GET, "/action-plan")
            #expect(overview.text.contains(#"class="illustrative-banner""#))

            sections = try await ActionPlanDemoTests.dashboardSections(app)
            for title in ["Progress by priority area", "Actual against target"] {
                let labels = Self.labelled(try #require(ActionPlanDemoTests.section(sections, title)))
                #expect(labels.heading && labels.chart && labels.table, "\(title): \(labels)")
            }
            for title in ["Activities by status", "Participation of member states", "Focal point coverage", "Terms ending within 90 days"] {
                let section = try #require(ActionPlanDemoTests.section(sections, title))
                #expect(!section.contains(Self.badge), "\(title) counts no illustrative record")
            }

            activity = try await app.testing().sendRequest(.GET, "/action-plan/activities/RC-1")
            let article = try #require(htmlSections(activity.text, opening: #"<article class="indicator">"#).first)
            let heading = try #require(captures(#"<h3>(.*?)</h3>"#, in: article).first?.first)
            #expect(!heading.contains(Self.badge), "the indicator itself is real")
            #expect(article.contains("<caption>RC-1.1 \(Self.badge)"), "its table is computed from the illustrative actual")
            #expect(article.contains("<figcaption>\(Self.badge)"), "its chart is computed from the illustrative actual")
        }
    }
}
