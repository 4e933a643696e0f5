import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Progress reports")
struct ProgressReportTests {
    /// The demo's Myanmar focal point, its report form for an activity and what it refers to.
    struct Setup {
        let focalPoint: HTTPHeaders
        let editor: HTTPHeaders
        let cc1: Activity
        let cc11: Indicator
        let myanmar: Country

        static func make(_ app: Application) async throws -> Setup {
            Setup(
                focalPoint: try await signIn(app, as: Demo.focalPoint), editor: try await signIn(app, as: Demo.editor),
                cc1: try await Plan.activity(app, "CC-1"), cc11: try await Plan.indicator(app, "CC-1.1"),
                myanmar: try await Plan.country(app, "MM"))
        }

        func fields(year: String = "2022", actual: String = "7", _ overrides: [String: String] = [:]) -> [String: String] {
            [
                "activity_id": cc1.id!.uuidString, "year": year, "country_id": myanmar.id!.uuidString,
                "narrative_en": "Myanmar held seven exchange events.", "narrative_zh": "", "actual__" + cc11.id!.uuidString: actual,
            ].merging(overrides) { $1 }
        }
    }

    /// Creates a report as the focal point and returns its id.
    static func create(_ app: Application, _ setup: Setup, _ fields: [String: String]) async throws -> UUID {
        let response = try await postForm(app, "/action-plan/reports", fields: fields, headers: setup.focalPoint)
        try #require(
            response.status == .seeOther, "creating the report answered \(response.status): \(visibleText(response.text).prefix(300))")
        let location = try #require(response.location)
        return try #require(UUID(uuidString: String(location.split(separator: "/").last ?? "")), "redirected to \(location)")
    }

    static func api(_ app: Application, _ code: String) async throws -> [String: Any] {
        let response = try await app.testing().sendRequest(.GET, "/api/v1/action-plan/activities/" + code)
        #expect(response.status == .ok)
        return try #require(response.json as? [String: Any])
    }

    static func periods(_ detail: [String: Any], _ indicator: String) -> [Int: (target: Double?, actual: Double?)] {
        let indicators = detail["indicators"] as? [[String: Any]] ?? []
        let periods = indicators.first { $0["code"] as? String == indicator }?["periods"] as? [[String: Any]] ?? []
        var out: [Int: (target: Double?, actual: Double?)] = [:]
        for period in periods {
            out[(period["year"] as? Int) ?? 0] = (
                (period["target"] as? NSNumber)?.doubleValue, (period["actual"] as? NSNumber)?.doubleValue
            )
        }
        return out
    }

    @Test("Myanmar's focal point reports a 2022 actual for CC-1, submits it, an editor validates it and the activity then shows it")
    func reportSubmitValidate() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let before = try await Plan.counts(app)
            let id = try await Self.create(app, setup, setup.fields())
            let report = try #require(try await ProgressReport.find(id, on: app.db))
            #expect(report.status == .draft)
            #expect(report.author == Demo.focalPoint.email)
            #expect(report.$country.id == setup.myanmar.id)
            let actuals = try await IndicatorActual.query(on: app.db).filter(\.$report.$id == id).all()
            #expect(actuals.count == 1)
            #expect(actuals.first?.value == 7 && actuals.first?.year == 2022 && actuals.first?.$country.id == setup.myanmar.id)
            #expect(try await Plan.counts(app)["audit"] == before["audit"]! + 1, "the creation is audited")

            // A draft's value is not a result yet
            var page = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(!visibleText(page.text).contains("Myanmar 7"))

            let submit = try await postForm(app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint)
            #expect(submit.status == .seeOther)
            #expect(try await ProgressReport.find(id, on: app.db)?.status == .submitted)
            // A focal point cannot validate
            let selfValidate = try await postForm(
                app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.focalPoint)
            #expect(
                selfValidate.status == .forbidden || selfValidate.status == .notFound
                    || selfValidate.status == .seeOther && selfValidate.location?.hasPrefix("/login") == true)
            #expect(try await ProgressReport.find(id, on: app.db)?.status == .submitted)
            page = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(!visibleText(page.text).contains("Myanmar 7"), "a submitted report's value is not shown before validation")

            let validate = try await postForm(app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.editor)
            #expect(validate.status == .seeOther)
            let validated = try #require(try await ProgressReport.find(id, on: app.db))
            #expect(validated.status == .validated)
            #expect(validated.validatedBy == Demo.editor.email)

            // The activity page shows Myanmar's value for 2022 and counts the report after the 2021 meeting
            page = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            let rows = tableRows(page.text)
            let row2022 = try #require(rows.first { $0.first == "2022" })
            #expect(row2022.last == "Myanmar 7", "the 2022 row's by-country cell: \(row2022)")
            #expect(visibleText(page.text).contains("Validated reports since: 2"))
            // The API lists the validated report
            let detail = try await Self.api(app, "CC-1")
            let reports = detail["reports"] as? [[String: Any]] ?? []
            #expect(reports.contains { $0["year"] as? Int == 2022 && $0["countryCode"] as? String == "MM" })
        }
    }

    @Test("Drafting and submitting a report keep the cached public pages; validating it renders them anew")
    func draftsKeepThePageCache() async throws {
        let token = String(repeating: "m", count: 32)
        try await withApp(loadDemo: true, environment: ["FOCAL_METRICS_TOKEN": token, "FOCAL_PAGE_CACHE_SECONDS": "3600"]) {
            app async throws in
            let setup = try await Setup.make(app)
            _ = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            let rendered = try await pageCacheLookups(app, "miss", token: token)
            let id = try await Self.create(app, setup, setup.fields())
            let submit = try await postForm(app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint)
            #expect(submit.status == .seeOther)
            _ = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(try await pageCacheLookups(app, "miss", token: token) == rendered, "a draft or a submission emptied the page cache")
            let validate = try await postForm(app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.editor)
            #expect(validate.status == .seeOther)
            let page = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(try await pageCacheLookups(app, "miss", token: token) == rendered + 1, "the validation did not empty the page cache")
            #expect(page.status == .ok)
        }
    }

    @Test("A validated report's actual for a year without a total becomes the API's actual for that year")
    func validatedActualInAPI() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            #expect(Self.periods(try await Self.api(app, "CC-1"), "CC-1.1")[2023]?.actual == nil)
            let id = try await Self.create(app, setup, setup.fields(year: "2023", actual: "6.5"))
            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint).status
                    == .seeOther)
            #expect(Self.periods(try await Self.api(app, "CC-1"), "CC-1.1")[2023]?.actual == nil, "not before validation")
            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.editor).status
                    == .seeOther)
            let period = Self.periods(try await Self.api(app, "CC-1"), "CC-1.1")[2023]
            #expect(period?.actual == 6.5)
            #expect(period?.target == 6)
        }
    }

    @Test("A focal point cannot report for another country: 403 and nothing written")
    func otherCountryRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let thailand = try await Plan.country(app, "TH")
            let before = try await Plan.counts(app)
            let response = try await postForm(
                app, "/action-plan/reports", fields: setup.fields(["country_id": thailand.id!.uuidString]), headers: setup.focalPoint)
            #expect(response.status == .forbidden)
            #expect(fieldError(response.text, "country_id") == "Focal points report only for their own country.")
            #expect(try await Plan.counts(app) == before)
        }
    }

    @Test("A focal point cannot report on an activity their country does not take part in: 403 and nothing written")
    func activityWithoutCountryRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let other = try await Plan.createActivity(app, headers: setup.editor, code: "CC-9")
            #expect(try await ActivityParticipant.query(on: app.db).filter(\.$activity.$id == other.id!).count() == 0)
            let before = try await Plan.counts(app)
            let response = try await postForm(
                app, "/action-plan/reports", fields: setup.fields(["activity_id": other.id!.uuidString]), headers: setup.focalPoint)
            #expect(response.status == .forbidden)
            #expect(fieldError(response.text, "activity_id") == "Your country does not take part in this activity.")
            #expect(try await Plan.counts(app) == before)
        }
    }

    @Test(
        "A year outside the strategy, a percentage of 150 and text for a unit indicator are refused on their fields: 422, nothing written")
    func invalidValuesRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let bd1 = try await Plan.activity(app, "BD-1")
            let bd11 = try await Plan.indicator(app, "BD-1.1")
            let before = try await Plan.counts(app)

            let year = try await postForm(app, "/action-plan/reports", fields: setup.fields(year: "2019"), headers: setup.focalPoint)
            #expect(year.status == .unprocessableEntity)
            #expect(fieldError(year.text, "year") != nil, "the year field names the problem")

            let percentage = try await postForm(
                app, "/action-plan/reports",
                fields: [
                    "activity_id": bd1.id!.uuidString, "year": "2022", "country_id": setup.myanmar.id!.uuidString,
                    "narrative_en": "Shared data.",
                    "narrative_zh": "", "actual__" + bd11.id!.uuidString: "150",
                ], headers: setup.focalPoint)
            #expect(percentage.status == .unprocessableEntity)
            #expect(fieldError(percentage.text, "actual__" + bd11.id!.uuidString) == "A percentage from 0 to 100.")

            let text = try await postForm(app, "/action-plan/reports", fields: setup.fields(actual: "seven"), headers: setup.focalPoint)
            #expect(text.status == .unprocessableEntity)
            #expect(fieldError(text.text, "actual__" + setup.cc11.id!.uuidString) == app.localizer.text("validation.number", .en))

            let negative = try await postForm(app, "/action-plan/reports", fields: setup.fields(actual: "-3"), headers: setup.focalPoint)
            #expect(negative.status == .unprocessableEntity)
            #expect(fieldError(negative.text, "actual__" + setup.cc11.id!.uuidString) != nil)

            #expect(try await Plan.counts(app) == before)
        }
    }

    @Test("Once an editor locks a validated year, neither a new actual nor an edit of the report changes it")
    func lockedYearRefusesChanges() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let id = try await Self.create(app, setup, setup.fields())
            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint).status
                    == .seeOther)
            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.editor).status
                    == .seeOther)
            let lock = try await postForm(app, "/action-plan/activities/CC-1/lock", fields: ["year": "2022"], headers: setup.editor)
            #expect(lock.status == .seeOther)
            #expect(try await ReportingLock.query(on: app.db).filter(\.$activity.$id == setup.cc1.id!).filter(\.$year == 2022).count() == 1)
            let page = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1")
            #expect(visibleText(page.text).contains("Locked years 2022"))

            let before = try await Plan.counts(app)
            // A new actual for the locked year, through the admin
            let actual = try await postForm(
                app, "/admin/indicator-actuals",
                fields: [
                    "indicator_id": setup.cc11.id!.uuidString, "year": "2022", "country_id": "", "value": "9", "text": "",
                    "illustrative": "no",
                ], headers: setup.editor)
            #expect(actual.status == .unprocessableEntity)
            #expect(fieldError(actual.text, "year")?.contains("locked") == true)
            // Editing an existing actual of that year
            let seeded = try #require(
                try await IndicatorActual.query(on: app.db).filter(\.$indicator.$id == setup.cc11.id!).filter(\.$year == 2022)
                    .filter(\.$report.$id == nil).first())
            let edit = try await postForm(
                app, "/admin/indicator-actuals/\(seeded.id!.uuidString)",
                fields: [
                    "indicator_id": setup.cc11.id!.uuidString, "year": "2022", "country_id": "", "value": "9", "text": "",
                    "illustrative": "yes",
                ], headers: setup.editor)
            #expect(edit.status == .unprocessableEntity)
            // Editing the report, by its author
            let update = try await postForm(
                app, "/action-plan/reports/\(id.uuidString)", fields: setup.fields(actual: "9", ["narrative_en": "Changed."]),
                headers: setup.focalPoint)
            #expect(update.status.code >= 400, "editing a report of a locked year answered \(update.status)")
            // Sending it back to draft
            let back = try await postForm(app, "/action-plan/reports/\(id.uuidString)/return", fields: [:], headers: setup.editor)
            #expect(back.status == .conflict)

            #expect(try await Plan.counts(app) == before)
            let report = try #require(try await ProgressReport.find(id, on: app.db))
            #expect(report.status == .validated)
            #expect(report.narrativeEn == "Myanmar held seven exchange events.")
            #expect(try await IndicatorActual.query(on: app.db).filter(\.$report.$id == id).all().map(\.value) == [7])
            #expect(try await IndicatorActual.find(seeded.id, on: app.db)?.value == 5)
        }
    }

    @Test("A year cannot be locked while one of its reports is only submitted: 409 and no lock")
    func lockRefusedWithOpenReport() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let id = try await Self.create(app, setup, setup.fields(year: "2023"))
            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint).status
                    == .seeOther)
            let before = try await Plan.counts(app)
            let lock = try await postForm(app, "/action-plan/activities/CC-1/lock", fields: ["year": "2023"], headers: setup.editor)
            #expect(lock.status == .conflict)
            #expect(try await Plan.counts(app) == before)
            // Another year, with no open report, can be locked
            let other = try await postForm(app, "/action-plan/activities/CC-1/lock", fields: ["year": "2021"], headers: setup.editor)
            #expect(other.status == .seeOther)
            #expect(try await ReportingLock.query(on: app.db).filter(\.$activity.$id == setup.cc1.id!).all().map(\.year) == [2021])
        }
    }

    @Test("A focal point cannot lock a year")
    func focalPointCannotLock() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let lock = try await postForm(app, "/action-plan/activities/CC-1/lock", fields: ["year": "2021"], headers: setup.focalPoint)
            #expect(lock.status != .seeOther || lock.location?.hasPrefix("/login") == true)
            #expect(try await ReportingLock.query(on: app.db).count() == 0)
        }
    }

    @Test("A submitted report shows its narratives and actuals read-only to the editor who validates it and to its focal point")
    func submittedReportShowsItsContent() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let id = try await Self.create(
                app, setup,
                setup.fields(["narrative_en": "Myanmar held seven exchange events.\nTwo were online.", "narrative_zh": "缅甸举办了七次交流活动。"]))
            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/submit", fields: [:], headers: setup.focalPoint).status
                    == .seeOther)

            func check(_ headers: HTTPHeaders, _ who: String, status: String) async throws {
                let page = try await app.testing().sendRequest(.GET, "/action-plan/reports/\(id.uuidString)", headers: headers)
                #expect(page.status == .ok, "\(who)")
                let text = visibleText(page.text)
                #expect(text.contains("Status: \(status)"), "\(who): \(text.prefix(400))")
                // Both narratives, paragraph by paragraph
                #expect(
                    page.text.contains("<p>Myanmar held seven exchange events.</p><p>Two were online.</p>"),
                    "\(who) sees no English narrative")
                #expect(page.text.contains("<p>缅甸举办了七次交流活动。</p>"), "\(who) sees no Chinese narrative")
                #expect(text.contains("Year 2022") && text.contains("Country Myanmar"), "\(who): \(text.prefix(400))")
                // The actuals: indicator, year, country and value
                let rows = tableRows(page.text)
                #expect(rows.count == 1, "\(who): \(rows)")
                let row = try #require(rows.first)
                #expect(row.first?.hasPrefix("CC-1.1 · Illustrative indicator: exchange events held") == true, "\(who): \(row)")
                #expect(Array(row.dropFirst()) == ["2022", "Myanmar", "7 events"], "\(who): \(row)")
                // Read-only: no editable field is drawn
                #expect(
                    !page.text.contains(#"name="narrative_en""#) && !page.text.contains(#"name="actual__"#),
                    "\(who) is offered an edit form")
            }
            try await check(setup.editor, "the editor", status: "submitted")
            try await check(setup.focalPoint, "the focal point", status: "submitted")
            let editorPage = try await app.testing().sendRequest(.GET, "/action-plan/reports/\(id.uuidString)", headers: setup.editor)
            #expect(editorPage.text.contains("/action-plan/reports/\(id.uuidString)/validate"), "the editor can validate what they read")

            #expect(
                try await postForm(app, "/action-plan/reports/\(id.uuidString)/validate", fields: [:], headers: setup.editor).status
                    == .seeOther)
            try await check(setup.editor, "the editor", status: "validated")
            try await check(setup.focalPoint, "the focal point", status: "validated")
        }
    }

    @Test("A report without actuals says so when read; the demo's illustrative report is marked illustrative")
    func reportWithoutActuals() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let seeded = try #require(try await ProgressReport.query(on: app.db).filter(\.$illustrative == true).first())
            let page = try await app.testing().sendRequest(.GET, "/action-plan/reports/\(seeded.id!.uuidString)", headers: setup.editor)
            #expect(page.status == .ok)
            #expect(visibleText(page.text).contains("Illustrative report: an example of a country's annual progress report."))
            #expect(tableRows(page.text).isEmpty)
            #expect(visibleText(page.text).contains(app.localizer.text("report.no_actuals", .en)))
            #expect(page.text.contains(ActionPlanDemoTests.badge), "the illustrative report is marked")
        }
    }

    @Test("A form opened for CC-1 and saved with BD-1 refuses the typed CC-1 actual next to its field: 422 and nothing written")
    func actualOfAnotherActivityRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let setup = try await Setup.make(app)
            let bd1 = try await Plan.activity(app, "BD-1")
            let field = "actual__" + setup.cc11.id!.uuidString
            let before = try await Plan.counts(app)
            let response = try await postForm(
                app, "/action-plan/reports", fields: setup.fields(["activity_id": bd1.id!.uuidString]), headers: setup.focalPoint)
            #expect(response.status == .unprocessableEntity)
            let message = app.localizer.text(
                "report.actual_other_activity", .en, ["indicator": "CC-1.1", "other": "CC-1", "activity": "BD-1"])
            #expect(fieldError(response.text, field) == message)
            #expect(response.text.contains(#"name="\#(field)" value="7""#), "the typed value stays in the form")
            #expect(try await Plan.counts(app) == before)

            // Editing a CC-1 draft the same way changes nothing either
            let id = try await Self.create(app, setup, setup.fields())
            let draftCounts = try await Plan.counts(app)
            let update = try await postForm(
                app, "/action-plan/reports/\(id.uuidString)",
                fields: setup.fields(actual: "8", ["activity_id": bd1.id!.uuidString, "narrative_en": "Changed."]),
                headers: setup.focalPoint)
            #expect(update.status == .unprocessableEntity)
            #expect(fieldError(update.text, field) == message)
            #expect(try await Plan.counts(app) == draftCounts)
            let draft = try #require(try await ProgressReport.find(id, on: app.db))
            #expect(draft.$activity.id == setup.cc1.id && draft.narrativeEn == "Myanmar held seven exchange events.")
            #expect(try await IndicatorActual.query(on: app.db).filter(\.$report.$id == id).all().map(\.value) == [7])

            // A field of the first activity left empty does not stand in the way
            let empty = try await postForm(
                app, "/action-plan/reports", fields: setup.fields(actual: "", ["activity_id": bd1.id!.uuidString]),
                headers: setup.focalPoint)
            #expect(empty.status == .seeOther)
        }
    }
}
