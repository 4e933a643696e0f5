import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("Action plan CSV and JSON exports")
struct ActionPlanExportTests {
    static func csv(_ app: Application, _ name: String) async throws -> (header: [String], records: [[String: String]]) {
        let response = try await app.testing().sendRequest(.GET, "/action-plan/export/" + name)
        #expect(response.status == .ok)
        #expect(response.headers.contentType?.subType == "csv", "\(name) is served as CSV")
        #expect(response.headers.first(name: .contentDisposition)?.contains("filename=\"\(name)\"") == true)
        let parsed = csvRecords(response.text)
        for record in parsed.records { #expect(record.count == parsed.header.count) }
        #expect(
            parseCSV(response.text).allSatisfy { $0.count == parsed.header.count }, "\(name): every row has as many cells as the header")
        return parsed
    }

    @Test("activities.csv has a header and one row per activity with its priority area and illustrative flag")
    func activitiesCSV() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let (header, records) = try await Self.csv(app, "activities.csv")
            #expect(
                header == [
                    "code", "title_en", "title_zh", "priority_area", "status", "lead_organisation", "planned_start", "planned_end",
                    "actual_start",
                    "actual_end", "sdgs", "countries", "illustrative",
                ])
            #expect(records.count == (try await Activity.query(on: app.db).count()))
            #expect(records.map { $0["code"] ?? "" } == ["BD-1", "CC-1", "EX-1"])
            for (code, area, goals) in [("CC-1", "CC", "13 17"), ("BD-1", "BD", "14 15 17"), ("EX-1", "EX", "17")] {
                let row = try #require(records.first { $0["code"] == code })
                #expect(row["priority_area"] == area)
                #expect(row["illustrative"] == "yes")
                #expect(row["status"] == "implementation")
                #expect(row["sdgs"] == goals)
                #expect(row["planned_start"] == "2021-01-01")
                #expect(row["countries"]?.split(separator: " ").contains("MM") == true)
                #expect(row["countries"]?.split(separator: " ").count == 11)
            }
            // A real (not illustrative) activity is exported as such
            let editor = try await signIn(app, as: Demo.editor)
            try await Plan.createActivity(
                app, headers: editor, code: "BD-2", areaCode: "BD", ["title_en": "Wetlands, \"peatlands\" and mangroves"])
            let after = try await Self.csv(app, "activities.csv").records
            let bd2 = try #require(after.first { $0["code"] == "BD-2" })
            #expect(bd2["priority_area"] == "BD")
            #expect(bd2["illustrative"] == "no")
            #expect(bd2["title_en"] == "Wetlands, \"peatlands\" and mangroves", "commas and quotes survive the round trip")
        }
    }

    @Test("indicators.csv has one row per indicator with its activity, measure and baseline")
    func indicatorsCSV() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let (header, records) = try await Self.csv(app, "indicators.csv")
            #expect(header.first == "code")
            #expect(records.count == (try await Indicator.query(on: app.db).count()))
            #expect(records.map { $0["code"] ?? "" } == ["BD-1.1", "CC-1.1", "EX-1.1"])
            let cc = try #require(records.first { $0["code"] == "CC-1.1" })
            #expect(cc["activity"] == "CC-1")
            #expect(cc["priority_area"] == "")
            #expect(cc["measure"] == "unit")
            #expect(cc["unit"] == "events")
            #expect(cc["baseline_value"] == "0")
            #expect(cc["baseline_year"] == "2020")
            #expect(cc["illustrative"] == "yes")
            let ex = try #require(records.first { $0["code"] == "EX-1.1" })
            #expect(ex["measure"] == "qualitative")
            #expect(ex["baseline_value"] == "")
            #expect(ex["baseline_text"] == "Illustrative: no shared platform")
        }
    }

    @Test("results.csv lists every target and every validated actual, one row per indicator, year and kind")
    func resultsCSV() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let (header, records) = try await Self.csv(app, "results.csv")
            #expect(header == ["indicator", "year", "kind", "country", "value", "text", "illustrative"])
            #expect(records.filter { $0["kind"] == "target" }.count == (try await IndicatorTarget.query(on: app.db).count()))
            #expect(records.filter { $0["kind"] == "actual" }.count == (try await IndicatorActual.query(on: app.db).count()))
            let cc = records.filter { $0["indicator"] == "CC-1.1" }
            #expect(
                cc.filter { $0["kind"] == "target" }.map { [$0["year"]!, $0["value"]!] } == [
                    ["2021", "2"], ["2022", "4"], ["2023", "6"], ["2024", "8"], ["2025", "10"],
                ])
            #expect(cc.filter { $0["kind"] == "actual" }.map { [$0["year"]!, $0["value"]!] } == [["2021", "3"], ["2022", "5"]])
            // An actual of a draft report is not a result yet
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let activity = try await Plan.activity(app, "CC-1")
            let indicator = try await Plan.indicator(app, "CC-1.1")
            let myanmar = try await Plan.country(app, "MM")
            let draft = try await postForm(
                app, "/action-plan/reports",
                fields: [
                    "activity_id": activity.id!.uuidString, "year": "2023", "country_id": myanmar.id!.uuidString, "narrative_en": "Draft",
                    "narrative_zh": "", "actual__" + indicator.id!.uuidString: "4",
                ], headers: focalPoint)
            try #require(draft.status == .seeOther)
            let after = try await Self.csv(app, "results.csv").records
            #expect(after.count == records.count, "the draft's actual is not exported")
        }
    }

    static func jsonExport(_ app: Application) async throws -> ActionPlanExport.Document {
        let file = try await app.testing().sendRequest(.GET, "/action-plan/export/action-plan.json")
        #expect(file.status == .ok)
        #expect(file.headers.contentType?.subType == "json")
        #expect(file.headers.first(name: .contentDisposition)?.contains("filename=\"action-plan.json\"") == true)
        return try JSONDecoder().decode(ActionPlanExport.Document.self, from: Data(file.body.readableBytesView))
    }

    @Test(
        "action-plan.json carries every activity with its indicators, targets per year and validated actuals, each flagged illustrative or not"
    )
    func jsonCarriesActivitiesIndicatorsAndResults() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let plan = try await Self.jsonExport(app)
            #expect(plan.strategy?.title.en == ActionPlanDemoTests.strategyTitle)
            #expect(plan.strategy?.firstYear == 2021 && plan.strategy?.lastYear == 2025)
            #expect(plan.priorityAreas.map(\.code) == ["CC", "BD", "EX"])
            #expect(plan.priorityAreas.map(\.illustrative) == [false, false, true])
            #expect(plan.activities.map(\.code) == ["BD-1", "CC-1", "EX-1"])
            #expect(plan.activities.allSatisfy { $0.illustrative })

            let cc1 = try #require(plan.activities.first { $0.code == "CC-1" })
            #expect(cc1.priorityArea == "CC")
            #expect(cc1.status == "implementation")
            #expect(cc1.sustainableDevelopmentGoals == [13, 17])
            #expect(cc1.participants.count == 11 && cc1.participants.contains { $0.countryCode == "MM" && $0.role == "implementing" })
            #expect(cc1.indicators.map(\.code) == ["CC-1.1"])
            let cc11 = try #require(cc1.indicators.first)
            #expect(cc11.measure == "unit" && cc11.unit == "events" && cc11.baselineValue == 0 && cc11.baselineYear == 2020)
            #expect(cc11.illustrative)
            #expect(cc11.targets.map { [$0.year, Int($0.value ?? -1)] } == [[2021, 2], [2022, 4], [2023, 6], [2024, 8], [2025, 10]])
            #expect(cc11.targets.allSatisfy { $0.illustrative }, "a target is as illustrative as its indicator")
            #expect(cc11.actuals.map { [$0.year, Int($0.value ?? -1)] } == [[2021, 3], [2022, 5]])
            #expect(cc11.actuals.allSatisfy { $0.illustrative && $0.countryCode == nil })
            let ex11 = try #require(plan.activities.first { $0.code == "EX-1" }?.indicators.first)
            #expect(ex11.measure == "qualitative" && ex11.baselineValue == nil && ex11.baselineText == "Illustrative: no shared platform")

            // The same results as results.csv, record for record
            let results = try await Self.csv(app, "results.csv").records
            let indicators = plan.activities.flatMap(\.indicators) + plan.priorityAreas.flatMap(\.indicators)
            func number(_ value: Double?) -> String { value.map(SVGCharts.number) ?? "" }
            let fromJSON = indicators.flatMap { indicator in
                indicator.targets.map {
                    [indicator.code, "\($0.year)", "target", "", number($0.value), $0.text, $0.illustrative ? "yes" : "no"]
                }
                    + indicator.actuals.map {
                        [
                            indicator.code, "\($0.year)", "actual", $0.countryCode ?? "", number($0.value), $0.text,
                            $0.illustrative ? "yes" : "no",
                        ]
                    }
            }
            let fromCSV = results.map { r in ["indicator", "year", "kind", "country", "value", "text", "illustrative"].map { r[$0] ?? "" } }
            #expect(Set(fromJSON) == Set(fromCSV))
            #expect(fromJSON.count == fromCSV.count)
            #expect(Set(indicators.map(\.code)) == Set(try await Self.csv(app, "indicators.csv").records.compactMap { $0["code"] }))

            // The API serves the same document
            let file = try await app.testing().sendRequest(.GET, "/action-plan/export/action-plan.json")
            let api = try await app.testing().sendRequest(.GET, "/api/v1/action-plan/export")
            #expect(api.status == .ok)
            #expect(
                try #require(file.json as? NSDictionary) == (try #require(api.json as? NSDictionary)), "the JSON file and the API differ")
        }
    }

    @Test(
        "In action-plan.json a draft's actual is left out, a validated report's actual is in with its country, and real records are not flagged"
    )
    func jsonResultsFollowValidation() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let editor = try await signIn(app, as: Demo.editor)
            let activity = try await Plan.activity(app, "CC-1")
            let indicator = try await Plan.indicator(app, "CC-1.1")
            let myanmar = try await Plan.country(app, "MM")
            let draft = try await postForm(
                app, "/action-plan/reports",
                fields: [
                    "activity_id": activity.id!.uuidString, "year": "2023", "country_id": myanmar.id!.uuidString, "narrative_en": "Draft",
                    "narrative_zh": "", "actual__" + indicator.id!.uuidString: "4",
                ], headers: focalPoint)
            try #require(draft.status == .seeOther)
            func cc11(_ plan: ActionPlanExport.Document) -> ActionPlanExport.IndicatorItem? {
                plan.activities.first { $0.code == "CC-1" }?.indicators.first { $0.code == "CC-1.1" }
            }
            #expect(cc11(try await Self.jsonExport(app))?.actuals.count == 2, "a draft's actual is not a result")
            let path = try #require(draft.location)
            #expect(try await postForm(app, path + "/submit", fields: [:], headers: focalPoint).status == .seeOther)
            #expect(try await postForm(app, path + "/validate", fields: [:], headers: editor).status == .seeOther)
            let actuals = try #require(cc11(try await Self.jsonExport(app))?.actuals)
            #expect(actuals.count == 3)
            let reported = try #require(actuals.first { $0.year == 2023 })
            #expect(reported.countryCode == "MM" && reported.value == 4 && !reported.illustrative)

            try await Plan.createActivity(app, headers: editor, code: "BD-2", areaCode: "BD")
            let bd2 = try #require(try await Self.jsonExport(app).activities.first { $0.code == "BD-2" })
            #expect(!bd2.illustrative && bd2.priorityArea == "BD" && bd2.indicators.isEmpty)
        }
    }

    @Test("activities.csv, action-plan.json and the IATI XML name the same lead organisation; in IATI it is the implementing participant")
    func leadOrganisationInEveryExport() async throws {
        try await withApp(loadDemo: true) { app async throws in
            // The demo's lead organisation (the centre, which is also the reporting organisation), and an
            // activity led by another organisation, which has no IATI identifier in the data.
            let division = try #require(try await Organisation.query(on: app.db).filter(\.$nameEn == "Environment Division").first())
            let ex1 = try await Plan.activity(app, "EX-1")
            ex1.$leadOrganisation.id = division.id
            try await ex1.save(on: app.db)

            let csv = try await Self.csv(app, "activities.csv").records
            let plan = try await Self.jsonExport(app)
            let org = try app.focalConfig.iatiReportingOrg
            let iati = try await app.testing().sendRequest(.GET, "/action-plan/export/iati.xml")
            let doc = try XMLDocument(data: Data(iati.text.utf8), options: [])
            for activity in try await Activity.query(on: app.db).with(\.$leadOrganisation).all() {
                let lead = try #require(activity.leadOrganisation, "\(activity.code) has a lead organisation in the demo")
                #expect(
                    csv.first { $0["code"] == activity.code }?["lead_organisation"] == lead.nameEn, "\(activity.code) in activities.csv")
                let item = plan.activities.first { $0.code == activity.code }
                #expect(item?.leadOrganisation?.en == lead.nameEn && item?.leadOrganisationId == lead.id, "\(activity.code) in the JSON")
                let participant = "//iati-activity[iati-identifier='\(org)-\(activity.code)']/participating-org[narrative='\(lead.nameEn)']"
                #expect(try doc.nodes(forXPath: participant + "/@role").compactMap(\.stringValue) == ["4"], "\(activity.code) in IATI")
                if !lead.nameZh.isEmpty {
                    #expect(try doc.nodes(forXPath: participant + "/narrative[@xml:lang='zh']").compactMap(\.stringValue) == [lead.nameZh])
                }
            }
            let cc1 = "//iati-activity[iati-identifier='\(org)-CC-1']/participating-org[@role='4'][1]"
            #expect(try doc.nodes(forXPath: cc1 + "/@ref").compactMap(\.stringValue) == [org], "the centre is the reporting organisation")
            let ex1Lead = "//iati-activity[iati-identifier='\(org)-EX-1']/participating-org[narrative='Environment Division']"
            #expect(try doc.nodes(forXPath: ex1Lead + "/@ref").isEmpty, "no identifier is invented")
            #expect(try doc.nodes(forXPath: ex1Lead + "/@type").compactMap(\.stringValue) == ["40"], "a division of the ASEAN Secretariat")
        }
    }

    @Test("A CSV cell that starts with = is neutralised so spreadsheets do not run it")
    func formulaNeutralised() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let formula = "=HYPERLINK(\"http://evil.example\",\"click\")"
            try await Plan.createActivity(app, headers: editor, code: "CC-3", ["title_en": formula, "title_zh": "+SUM(A1:A2)"])
            let response = try await app.testing().sendRequest(.GET, "/action-plan/export/activities.csv")
            let row = try #require(csvRecords(response.text).records.first { $0["code"] == "CC-3" })
            #expect(row["title_en"] == "'" + formula, "the formula is prefixed with an apostrophe")
            #expect(row["title_zh"] == "'+SUM(A1:A2)")
            #expect(!parseCSV(response.text).joined().contains { $0.hasPrefix("=") || $0.hasPrefix("+") || $0.hasPrefix("@") })
        }
    }
}
