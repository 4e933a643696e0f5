import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Demo meeting told as the seed newsletter tells it")
struct MeetingsDemoTests {
    static let path = "/meetings/" + SeedMeeting.slug
    static let memberStatesPresent = [
        "Brunei Darussalam", "Cambodia", "Indonesia", "Malaysia", "Myanmar", "Philippines", "Singapore", "Thailand", "Viet Nam",
    ]

    static func page(_ app: Application, _ path: String = path, headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        let response = try await app.testing().sendRequest(.GET, path, headers: headers)
        #expect(response.status == .ok, "GET \(path) answered \(response.status)")
        return response
    }

    /// The text of the `<dd>` that follows the `<dt>` with the given label.
    static func fact(_ html: String, _ label: String) -> String? {
        let pattern = "<dt>" + NSRegularExpression.escapedPattern(for: label) + "</dt><dd>(.*?)</dd>"
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
            let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
            let range = Range(match.range(at: 1), in: html)
        else { return nil }
        return collapsed(visibleText(String(html[range])))
    }

    /// The HTML of the page's section whose heading is `heading`.
    static func section(_ html: String, _ heading: String) -> String? {
        guard let start = html.range(of: "<h2>" + heading + "</h2>") else { return nil }
        let rest = html[start.upperBound...]
        let end = rest.range(of: "</section>")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }

    @Test("The meeting page states the date, mode, event, host, organiser and moderator the seed gives")
    func facts() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let html = try await Self.page(app).text
            #expect(html.contains("<h1>ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021</h1>"))
            #expect(Self.fact(html, "When") == "23 July 2021")
            #expect(html.contains("<time datetime=\"2021-07-22T16:00:00Z\""), "all-day 23 July in Beijing starts 16:00 UTC the day before")
            #expect(Self.fact(html, "Mode") == "by video")
            #expect(Self.fact(html, "Status") == "held")
            #expect(Self.fact(html, "Hosted by") == "Ministry of Ecology and Environment")
            let organisers = try #require(Self.fact(html, "Organised by"))
            #expect(organisers.contains("China-ASEAN Environmental Cooperation Center"))
            #expect(organisers.contains("Foreign Environmental Cooperation Center"))
            #expect(Self.fact(html, "Moderated by") == "Zhou Jun")
            // part of the week, linked in the breadcrumb
            #expect(
                html.contains(
                    "<a href=\"/meetings/asean-china-environmental-cooperation-week-2021\">ASEAN-China Environmental Cooperation Week 2021</a>"
                ))
            #expect(visibleText(html).contains("Held by video during ASEAN-China Environmental Cooperation Week 2021."))
            // no video link was given, none is shown
            #expect(Self.fact(html, "Video conference link") == nil)
            // Chinese: the date in Chinese
            let zh = try await Self.page(app, Self.path + "?lang=zh").text
            #expect(zh.contains("2021年7月23日"))
            #expect(!zh.contains("23 July 2021"))
        }
    }

    @Test("The attendance summary, chart and table agree: 40 delegates, 9 of 10 member states, Lao PDR not represented")
    func attendance() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let html = try await Self.page(app).text
            let section = try #require(Self.section(html, "Attendance"), "the page has no attendance section")
            let text = visibleText(section)
            #expect(text.contains("40 delegates present"))
            #expect(text.contains("9 / 10 member states represented of those invited"))
            let represented = try #require(
                text.range(of: #"Represented: [^.]*?(?= Invited, not represented)"#, options: .regularExpression).map { String(text[$0]) })
            for country in Self.memberStatesPresent {
                #expect(represented.contains(country), "\(country) is not listed as represented")
            }
            #expect(!represented.contains("Lao PDR"))
            #expect(text.contains("Invited, not represented: Lao PDR"))

            // The chart: an accessible SVG with a title, one bar per represented state
            let svgStart = try #require(section.range(of: "<svg"))
            let svg = String(section[svgStart.lowerBound..<(section.range(of: "</svg>")?.upperBound ?? section.endIndex)])
            #expect(svg.contains("role=\"img\""))
            #expect(svg.contains("<title id=\"attendance-chart-title\">Delegates present by member state</title>"))
            #expect(svg.components(separatedBy: "class=\"chart-bar\"").count - 1 == 9)
            #expect(svg.components(separatedBy: "class=\"chart-empty\"").count - 1 == 1)
            let values = svg.matches(#"class="chart-value">(\d+)</text>"#).compactMap { Int($0) }
            #expect(values.reduce(0, +) == 40, "the chart's bars add up to \(values.reduce(0, +))")

            // The table: the same numbers
            let rows = section.matches(#"<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>"#, groups: 5)
            #expect(rows.count == 10)
            let present = rows.reduce(0) { $0 + (Int($1[2]) ?? 0) }
            #expect(present == 40)
            #expect(rows.filter { (Int($0[2]) ?? 0) > 0 }.count == 9)
            let lao = try #require(rows.first { $0[0] == "Lao PDR" })
            #expect(lao[1...] == ["1", "0", "1", "0"])
            let myanmar = try #require(rows.first { $0[0] == "Myanmar" })
            #expect(myanmar[2] == "4", "Myanmar: the focal point, San Oo and two illustrative delegates")
            // chart and table per country agree
            for row in rows where Int(row[2])! > 0 {
                #expect(svg.contains(">\(row[0])</text>"), "\(row[0]) has no label in the chart")
            }
        }
    }

    @Test("The three statements carry the substance of the seed's account")
    func statements() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let html = try await Self.page(app).text
            let section = try #require(Self.section(html, "Statements"))
            let speakers = section.matches(#"<h3>([^<]+)</h3>"#)
            #expect(speakers == ["Zhou Jun", "Vong Sok", "San Oo"])
            let text = visibleText(section)
            for phrase in [
                "Director, Department of International Cooperation, Ministry of Ecology and Environment",
                "formulated and adopted the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)",
                "Head, Environment Division, ASEAN Secretariat",
                "30th Anniversary of ASEAN-China Dialogue Relations", "2030 Agenda for Sustainable Development",
                "Deputy Director General, Environmental Conservation Department",
                "climate change response, biodiversity conservation", "Myanmar will continue to strengthen practical collaboration",
            ] {
                #expect(text.contains(phrase), "the statements lack: \(phrase)")
            }
            // each statement is the seed's own sentence
            let seed = collapsed(
                try String(contentsOfFile: SeedDemoTests.seedPath, encoding: .utf8).replacingOccurrences(of: "*", with: "")
            )
            .replacingOccurrences(of: "<sup>th</sup>", with: "th")
            let statements = try await Statement.query(on: app.db).all()
            #expect(statements.count == 3)
            for statement in statements {
                let body = statement.summaryEn.drop { $0 != " " }.trimmingCharacters(in: .whitespaces)
                #expect(seed.contains(body), "a statement is not in the seed: \(statement.summaryEn.prefix(60))")
            }
        }
    }

    @Test("The Framework is listed on the meeting and its page says adopted")
    func framework() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let html = try await Self.page(app).text
            let documents = try #require(Self.section(html, "Documents"))
            let slug = "framework-asean-china-environmental-cooperation-strategy-action-plan-2021-2025"
            #expect(
                documents.contains(
                    "<a href=\"/documents/\(slug)\">Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)</a>"
                ))
            #expect(visibleText(documents).contains("adopted"))
            let document = try await Self.page(app, "/documents/" + slug).text
            #expect(Self.fact(document, "Stage") == "adopted")
            #expect(Self.fact(document, "Access") != nil)
            #expect(visibleText(document).contains("ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021"))
        }
    }

    @Test("Illustrative delegates are labelled; the seed's people are not")
    func illustrativeLabelled() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let page = try await Self.page(app).text
            #expect(page.contains("class=\"illustrative-banner\""), "the meeting page does not warn of illustrative records")
            // the list of participants, as staff see it, badges every illustrative delegate
            let editor = try await signIn(app, as: Demo.editor)
            let list = try await Self.page(app, Self.path + "/participants", headers: editor).text
            let rows = list.components(separatedBy: "<tr>").dropFirst().filter { $0.contains("<td>") }
            let illustrativeRows = rows.filter { $0.contains("Illustrative delegate") || $0.contains("Illustrative focal point") }
            #expect(illustrativeRows.count == 40, "30 illustrative delegates and 10 illustrative focal points")
            #expect(illustrativeRows.allSatisfy { $0.contains("<span class=\"badge illustrative\">illustrative</span>") })
            for name in ["Zhou Jun", "Vong Sok", "San Oo"] {
                let row = try #require(rows.first { $0.contains(name) }, "\(name) is not on the list")
                #expect(!row.contains("badge illustrative"), "\(name) is badged illustrative")
            }
            // anonymous readers see only those who consented: the three named people
            let publicList = try await Self.page(app, Self.path + "/participants").text
            #expect(!publicList.contains("Illustrative delegate"))
            for name in ["Zhou Jun", "Vong Sok", "San Oo"] { #expect(publicList.contains(name)) }
        }
    }

    @Test("The week's page lists the meeting and the forum held within it")
    func weekPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let html = try await Self.page(app, "/meetings/asean-china-environmental-cooperation-week-2021").text
            let within = try #require(Self.section(html, "Meetings within this event"))
            #expect(within.contains("href=\"/meetings/\(SeedMeeting.slug)\""))
            #expect(within.contains("ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021"))
            #expect(within.contains("href=\"/meetings/asean-china-environmental-cooperation-forum-2021\""))
            #expect(within.contains("ASEAN-China Environmental Cooperation Forum"))
            // and the meetings list shows the meeting
            let list = try await Self.page(app, "/meetings").text
            #expect(list.contains("href=\"/meetings/\(SeedMeeting.slug)\""))
        }
    }
}

extension String {
    /// The first capture group of every match of `pattern`.
    func matches(_ pattern: String) -> [String] {
        matches(pattern, groups: 1).map { $0[0] }
    }

    /// The first `groups` capture groups of every match of `pattern`.
    func matches(_ pattern: String, groups: Int) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        return regex.matches(in: self, range: NSRange(startIndex..., in: self)).map { match in
            (1...groups).map { index in Range(match.range(at: index), in: self).map { String(self[$0]) } ?? "" }
        }
    }

    @Test("The demo states only what the seed gives: no mode for the Week and the Forum, no languages, and a 2021 forum is not upcoming")
    func onlySeedFacts() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let index = visibleText(try await app.testing().sendRequest(.GET, "/meetings").text)
            let upcoming = index.components(separatedBy: "Past meetings").first ?? index
            #expect(!upcoming.contains("ASEAN-China Environmental Cooperation Forum"), "the 2021 forum is listed as upcoming")
            #expect(index.contains("ASEAN-China Environmental Cooperation Forum"), "the forum is missing from /meetings")
            let week = visibleText(
                try await app.testing().sendRequest(.GET, "/meetings/asean-china-environmental-cooperation-week-2021").text)
            #expect(week.contains("mode not stated"), "the Week's mode is stated though the seed gives none")
            let meeting = visibleText(try await app.testing().sendRequest(.GET, "/meetings/\(SeedMeeting.slug)").text)
            #expect(meeting.contains("by video"))
            #expect(!meeting.contains("Languages"), "the meeting's languages are stated though the seed gives none")
            let feco = try #require(
                try await Organisation.query(on: app.db).filter(\.$nameEn == "Foreign Environmental Cooperation Center").first())
            #expect(feco.acronym.isEmpty, "an acronym the seed does not give")
        }
    }

}
