import Foundation
import Testing
import Vapor

@testable import App

@Suite("Charts: readable text, years to come shown as such")
struct ChartTests {
    static func date(_ text: String) throws -> Date {
        try #require(ISO8601DateFormatter().date(from: text + "T12:00:00Z"))
    }

    @Test("Years after the current one are on a shaded ground with a label; the chart is drawn at its own size")
    func futureYears() throws {
        let years = [2025, 2026, 2027, 2028]
        let future = try #require(SVGCharts.Future.of(years: years, label: "Years to come", now: try Self.date("2026-06-01")))
        #expect(future.firstIndex == 2)
        #expect(SVGCharts.Future.of(years: years, label: "x", now: try Self.date("2029-01-01")) == nil)
        let svg = SVGCharts.lines(
            [.init(name: "Target", cssClass: "series-target", values: [1, 2, 3, 4])], labels: years.map(String.init), title: "T",
            id: "t", future: future)
        #expect(svg.contains("class=\"chart-future-zone\"") && svg.contains(">Years to come</text>"))
        let futureLabels = captures(#"class="chart-label chart-future-label">(\d+)</text>"#, in: svg).map { $0[0] }
        #expect(futureLabels == ["2027", "2028"])
        let viewBox = try #require(captures(#"viewBox="0 0 (\d+) (\d+)""#, in: svg).first)
        #expect(svg.contains("width=\"\(viewBox[0])\" height=\"\(viewBox[1])\""), "the chart is scaled, so its text shrinks")
    }

    @Test("Category labels are drawn whole: the label column grows to the longest, in English and in Chinese")
    func wholeLabels() throws {
        let labels = ["National Focal Points nominated", "Capacity building", "国家联络人提名情况与能力建设活动"]
        let svg = SVGCharts.bars(labels.map { .init(label: $0, value: 3, display: "3") }, title: "T", id: "t")
        for label in labels { #expect(svg.contains(">\(label)</tspan>"), "\(label) is cut") }
        let barStart = try #require(captures(#"<rect x="(\d+)""#, in: svg).first.flatMap { Int($0[0]) })
        #expect(barStart >= SVGCharts.textWidth(labels[0]) + 8, "the bars overlap the longest label")
        let long = String(repeating: "Environmental cooperation ", count: 6)
        let cut = SVGCharts.bars([.init(label: long, value: 1, display: "1")], title: "T", id: "u")
        #expect(cut.contains("<title>" + long + "</title>"), "a label too long to draw has no tooltip with its whole text")
        #expect(captures("(<tspan)", in: cut).count == 2, "a long label is not set on two lines")

        // Grid column headings wrap instead of being cut.
        let grid = SVGCharts.grid(
            rows: ["Brunei"], columns: ["National Focal Points", "Climate change", "Biodiversity conservation"],
            cells: [[.init(text: "1", cssClass: "c"), .init(text: "2", cssClass: "c"), .init(text: "3", cssClass: "c")]], title: "G",
            id: "g")
        #expect(!grid.contains("…"), "a column heading is cut")
        for word in ["National", "Focal", "Points", "Biodiversity", "conservation"] { #expect(grid.contains(word)) }
    }

    @Test("Every text style of the charts is at least 12 px")
    func textSize() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let css = try String(contentsOfFile: try app.focalConfig.resourcesDirectory + "/Public/css/site.css", encoding: .utf8)
            let sizes = captures(#"\.chart [^{]*\{[^}]*font-size:\s*(\d+(?:\.\d+)?)px"#, in: css).compactMap { Double($0[0]) }
            #expect(!sizes.isEmpty, "no chart text size found")
            #expect(sizes.allSatisfy { $0 >= 12 }, "chart text sizes \(sizes)")
        }
    }
}
