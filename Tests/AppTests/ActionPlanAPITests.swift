import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Action plan JSON API")
struct ActionPlanAPITests {
    static func get(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:]) async throws -> TestingHTTPResponse {
        try await app.testing().sendRequest(.GET, "/api/v1/action-plan" + path, headers: headers)
    }

    static func objects(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:]) async throws -> [[String: Any]] {
        let response = try await get(app, path, headers)
        #expect(response.status == .ok, "GET \(path)")
        return try #require(response.json as? [[String: Any]], "GET \(path) is not a JSON array")
    }

    static func object(_ app: Application, _ path: String, _ headers: HTTPHeaders = [:]) async throws -> [String: Any] {
        let response = try await get(app, path, headers)
        #expect(response.status == .ok, "GET \(path)")
        return try #require(response.json as? [String: Any], "GET \(path) is not a JSON object")
    }

    /// Every action-plan endpoint's raw answer, for looking for what must not be there.
    static func everything(_ app: Application, _ headers: HTTPHeaders = [:]) async throws -> String {
        var text = ""
        for path in ["", "/areas/CC", "/activities/CC-1", "/indicators", "/indicators?activity=CC-1", "/reports", "/dashboards", "/export"]
        {
            let response = try await get(app, path, headers)
            #expect(response.status == .ok, "GET \(path)")
            text += response.body.string
        }
        return text
    }

    static func actual(_ indicators: [[String: Any]], _ code: String, year: Int, country: String) -> Double? {
        let indicator = indicators.first { $0["code"] as? String == code }
        let actuals = indicator?["actuals"] as? [[String: Any]] ?? []
        return (actuals.first { $0["year"] as? Int == year && $0["countryCode"] as? String == country }?["value"] as? NSNumber)?.doubleValue
    }

    @Test("An anonymous caller sees a report in no endpoint until it is validated; the editor and its focal point see it with its status")
    func draftAndSubmittedReportsAreNotPublic() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await ProgressReportTests.Setup.make(app)
            let narrative = "Myanmar held seven exchange events in the API test."
            let id = try await ProgressReportTests.create(app, setup, setup.fields(year: "2022", actual: "7", ["narrative_en": narrative]))

            for status in ["draft", "submitted"] {
                // Anonymous: not listed, not found, not in the activity, its value counted nowhere
                #expect(!(try await Self.objects(app, "/reports")).contains { $0["id"] as? String == id.uuidString }, "\(status)")
                let missing = try await Self.get(app, "/reports/" + id.uuidString)
                #expect(missing.status == .notFound, "\(status) report as anonymous")
                #expect((missing.json as? [String: Any])?["status"] as? Int == 404)
                let everything = try await Self.everything(app)
                #expect(!everything.contains(id.uuidString) && !everything.contains(narrative), "a \(status) report leaked to anonymous")
                #expect(Self.actual(try await Self.objects(app, "/indicators?activity=CC-1"), "CC-1.1", year: 2022, country: "MM") == nil)
                // Staff and the focal point who wrote it read it with its status and actuals
                for (who, headers) in [("editor", setup.editor), ("focal point", setup.focalPoint)] {
                    let listed = try await Self.objects(app, "/reports", headers).first { $0["id"] as? String == id.uuidString }
                    #expect(listed?["status"] as? String == status, "\(who) lists the \(status) report")
                    let report = try await Self.object(app, "/reports/" + id.uuidString, headers)
                    #expect(report["status"] as? String == status && report["activityCode"] as? String == "CC-1")
                    #expect(report["year"] as? Int == 2022 && report["countryCode"] as? String == "MM")
                    #expect((report["narrative"] as? [String: String])?["en"] == narrative)
                    #expect(report["illustrative"] as? Bool == false)
                    let actuals = report["actuals"] as? [[String: Any]] ?? []
                    #expect(actuals.count == 1 && actuals.first?["indicatorCode"] as? String == "CC-1.1")
                    #expect((actuals.first?["value"] as? NSNumber)?.doubleValue == 7)
                    let activity = try await Self.object(app, "/activities/CC-1", headers)
                    let inActivity = (activity["reports"] as? [[String: Any]] ?? []).first { $0["id"] as? String == id.uuidString }
                    #expect(inActivity?["status"] as? String == status, "\(who) sees the \(status) report on the activity")
                }
                if status == "draft" {
                    let submit = try await postForm(
                        app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint)
                    try #require(submit.status == .seeOther)
                }
            }

            let validate = try await postForm(app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.editor)
            try #require(validate.status == .seeOther)
            let report = try await Self.object(app, "/reports/" + id.uuidString)
            #expect(report["status"] as? String == "validated")
            #expect(try await Self.objects(app, "/reports").contains { $0["id"] as? String == id.uuidString })
            #expect(Self.actual(try await Self.objects(app, "/indicators?activity=CC-1"), "CC-1.1", year: 2022, country: "MM") == 7)
        }
    }

    @Test("Anonymous callers get only validated reports, each with its status and illustrative flag; the demo's report is illustrative")
    func reportsCarryStatusAndIllustrative() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let reports = try await Self.objects(app, "/reports")
            #expect(!reports.isEmpty)
            #expect(reports.allSatisfy { $0["status"] as? String == "validated" })
            #expect(reports.contains { $0["illustrative"] as? Bool == true }, "the demo's report is illustrative")
            let activity = try await Self.object(app, "/activities/CC-1")
            let inActivity = activity["reports"] as? [[String: Any]] ?? []
            #expect(!inActivity.isEmpty && inActivity.allSatisfy { $0["status"] as? String == "validated" && $0["illustrative"] is Bool })
            // The activity names its lead organisation
            let cc1 = try await Plan.activity(app, "CC-1")
            let lead = try #require(try await cc1.$leadOrganisation.get(on: app.db))
            #expect(activity["leadOrganisationId"] as? String == lead.id!.uuidString)
            #expect((activity["leadOrganisation"] as? [String: String])?["en"] == lead.nameEn)
        }
    }

    @Test("A priority area answers with its progress, activities and indicators; an unknown one is a 404 problem")
    func area() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let area = try await Self.object(app, "/areas/cc")
            #expect(area["code"] as? String == "CC")
            #expect((area["title"] as? [String: String])?["en"] == "Climate change response")
            #expect(area["illustrative"] is Bool && area["progressIllustrative"] is Bool)
            let plan = try await Self.object(app, "")
            let inPlan = (plan["priorityAreas"] as? [[String: Any]] ?? []).first { $0["code"] as? String == "CC" }
            #expect((area["progress"] as? NSNumber)?.doubleValue == (inPlan?["progress"] as? NSNumber)?.doubleValue)
            let activities = area["activities"] as? [[String: Any]] ?? []
            let cc1 = try #require(activities.first { $0["code"] as? String == "CC-1" })
            #expect(cc1["status"] as? String == "implementation" && cc1["progress"] is NSNumber && cc1["progressIllustrative"] is Bool)
            let indicators = area["indicators"] as? [[String: Any]] ?? []
            #expect(indicators.allSatisfy { $0["priorityAreaCode"] as? String == "CC" && $0["activityCode"] == nil })
            let missing = try await Self.get(app, "/areas/ZZ")
            #expect(missing.status == .notFound)
            #expect((missing.json as? [String: Any])?["status"] as? Int == 404)
        }
    }

    @Test("?activity= and ?area= limit the indicators; an unknown code gives none, a malformed one is a 422 problem naming the parameter")
    func indicatorFilters() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let all = try await Self.objects(app, "/indicators")
            let ofActivity = try await Self.objects(app, "/indicators?activity=cc-1")
            #expect(!ofActivity.isEmpty && ofActivity.count < all.count)
            #expect(ofActivity.allSatisfy { $0["activityCode"] as? String == "CC-1" })
            let cc11 = try #require(ofActivity.first { $0["code"] as? String == "CC-1.1" })
            #expect(cc11["unit"] is String && cc11["direction"] is String && cc11["illustrative"] is Bool)
            #expect(!(cc11["targets"] as? [Any] ?? []).isEmpty && !(cc11["periods"] as? [Any] ?? []).isEmpty)

            let ccActivities = Set(
                try await Activity.query(on: app.db).filter(\.$priorityArea.$id == (try await Plan.area(app, "CC")).id!).all().map(\.code))
            let ofArea = try await Self.objects(app, "/indicators?area=CC")
            #expect(ofArea.contains { $0["code"] as? String == "CC-1.1" })
            #expect(
                ofArea.allSatisfy {
                    $0["priorityAreaCode"] as? String == "CC" || ($0["activityCode"] as? String).map(ccActivities.contains) == true
                })
            #expect(!ofArea.contains { ($0["code"] as? String)?.hasPrefix("BD") == true })

            for url in ["/indicators?activity=NO-SUCH", "/indicators?area=ZZ"] {
                #expect(try await Self.objects(app, url).isEmpty, "GET \(url)")
            }
            #expect(try await Self.objects(app, "/indicators?area=").count == all.count)
            for (parameter, url) in [("activity", "/indicators?activity=%ff"), ("area", "/indicators?area=a%20b")] {
                let response = try await Self.get(app, url)
                #expect(response.status == .unprocessableEntity, "GET \(url)")
                let problem = try #require(response.json as? [String: Any])
                #expect(problem["status"] as? Int == 422)
                #expect((problem["fields"] as? [[String: String]])?.map { $0["field"] } == [parameter], "GET \(url)")
            }
        }
    }

    @Test("The dashboards' figures are the numbers and illustrative labels /action-plan/dashboards shows for the demo")
    func dashboardsMatchHTML() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let figures = try await Self.object(app, "/dashboards")
            let sections = try await ActionPlanDemoTests.dashboardSections(app)
            func figure(_ name: String) -> [String: Any] { figures[name] as? [String: Any] ?? [:] }
            func labelled(_ title: String) throws -> Bool {
                ActionPlanIllustrativeTests.labelled(try #require(ActionPlanDemoTests.section(sections, title), "no section \(title)"))
                    .heading
            }
            func rows(_ title: String) throws -> [[String]] {
                tableRows(try #require(ActionPlanDemoTests.section(sections, title), "no section \(title)"))
            }

            // Progress by priority area
            let areas = figure("progressByArea")["areas"] as? [[String: Any]] ?? []
            let areaRows = areas.map { area -> [String] in
                let title = (area["title"] as? [String: String])?["en"] ?? ""
                let progress = (area["progress"] as? NSNumber)?.doubleValue
                return [
                    (area["code"] as? String ?? "") + " " + title, "\(area["activities"] as? Int ?? -1)",
                    IndicatorProgress.percent(progress),
                ]
            }
            #expect(areaRows == (try rows("Progress by priority area")))
            #expect(areaRows.contains(["CC Climate change response", "1", "50%"]))
            #expect(figure("progressByArea")["illustrative"] as? Bool == (try labelled("Progress by priority area")))

            // Activities by status
            let counts = figure("activitiesByStatus")["counts"] as? [[String: Any]] ?? []
            #expect(
                counts.map { [$0["status"] as? String ?? "", "\($0["activities"] as? Int ?? -1)"] } == (try rows("Activities by status")))
            #expect(figure("activitiesByStatus")["illustrative"] as? Bool == (try labelled("Activities by status")))

            // Actual against target: the indicator the page shows
            let shown = try #require(sections.keys.first { $0.hasPrefix("Actual against target: ") })
            // The heading may go on with the illustrative badge.
            let code = String(shown.dropFirst("Actual against target: ".count).prefix { $0 != " " })
            let series = try #require(
                (figure("actualAgainstTarget")["indicators"] as? [[String: Any]] ?? []).first { $0["code"] as? String == code },
                "no series for \(code)")
            let periods = (series["periods"] as? [[String: Any]] ?? []).map { period in
                ["\(period["year"] as? Int ?? 0)"]
                    + ["target", "actual"].map { (period[$0] as? NSNumber).map { SVGCharts.number($0.doubleValue) } ?? "—" }
            }
            #expect(periods == (try rows(shown)))
            #expect(series["illustrative"] as? Bool == (try labelled(shown)))

            // Participation by year, per country (the table names countries, the API gives codes)
            let names = Dictionary(uniqueKeysWithValues: try await Country.query(on: app.db).all().map { ($0.code, $0.nameEn) })
            let participation = (figure("participation")["countries"] as? [[String: Any]] ?? []).map { country in
                [names[country["countryCode"] as? String ?? ""] ?? "?"]
                    + (country["years"] as? [[String: Any]] ?? []).map {
                        "\($0["meetings"] as? Int ?? -1) · \($0["activities"] as? Int ?? -1)"
                    }
            }
            #expect(participation == (try rows("Participation of member states")))
            #expect(figure("participation")["illustrative"] as? Bool == (try labelled("Participation of member states")))

            // Focal-point coverage and terms ending within 90 days
            let marks = ["primary": "✓", "alternate": "alternate", "missing": "missing"]
            let coverage = (figure("focalPointCoverage")["countries"] as? [[String: Any]] ?? []).map { country in
                [names[country["countryCode"] as? String ?? ""] ?? "?"]
                    + (country["roles"] as? [[String: Any]] ?? []).map { marks[$0["coverage"] as? String ?? ""] ?? "?" }
            }
            #expect(coverage.count == 11)
            #expect(coverage == (try rows("Focal point coverage")))
            #expect(figure("focalPointCoverage")["illustrative"] as? Bool == (try labelled("Focal point coverage")))
            #expect((figure("termsEnding")["appointments"] as? [Any])?.isEmpty == true)
            #expect(try rows("Terms ending within 90 days").isEmpty)
            #expect(figure("termsEnding")["days"] as? Int == 90)
            #expect(figure("termsEnding")["illustrative"] as? Bool == false)
        }
    }
}
