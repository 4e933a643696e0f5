import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Action plan administration")
struct ActionPlanAdminTests {
    @Test("A duplicate activity code is refused on the code field, and nothing is written")
    func duplicateActivityCode() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let area = try await Plan.area(app, "CC")
            let before = try await Plan.counts(app)
            for code in ["CC-1", "cc-1"] {
                let response = try await postForm(
                    app, "/admin/activities", fields: Plan.activityFields(code: code, areaID: area.id!), headers: editor)
                #expect(response.status == .unprocessableEntity, "code \(code)")
                #expect(fieldError(response.text, "code") != nil, "code \(code) names the code field")
            }
            #expect(try await Plan.counts(app) == before)
        }
    }

    @Test("A planned end before the planned start is refused on planned_end")
    func plannedEndBeforeStart() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let area = try await Plan.area(app, "CC")
            let before = try await Plan.counts(app)
            let response = try await postForm(
                app, "/admin/activities",
                fields: Plan.activityFields(code: "CC-5", areaID: area.id!, ["planned_start": "2023-06-01", "planned_end": "2022-06-01"]),
                headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "planned_end") == "The end is before the start.")
            #expect(fieldError(response.text, "planned_start") == nil)
            #expect(try await Plan.counts(app) == before)
        }
    }

    @Test("Making A part of B when B is already part of A is refused on parent_id, and A is unchanged")
    func parentCycleRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let a = try await Plan.createActivity(app, headers: editor, code: "CC-A")
            let b = try await Plan.createActivity(app, headers: editor, code: "CC-B", ["parent_id": a.id!.uuidString])
            #expect(b.$parent.id == a.id)
            let before = try await Plan.counts(app)
            let area = try await Plan.area(app, "CC")
            let response = try await postForm(
                app, "/admin/activities/\(a.id!.uuidString)",
                fields: Plan.activityFields(code: "CC-A", areaID: area.id!, ["parent_id": b.id!.uuidString]), headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "parent_id") == "An activity cannot be part of itself or of one of its own parts.")
            #expect(try await Activity.find(a.id, on: app.db)?.$parent.id == nil)
            #expect(try await Plan.counts(app) == before)
            // A longer loop (A under C under B under A) is refused too
            let c = try await Plan.createActivity(app, headers: editor, code: "CC-C", ["parent_id": b.id!.uuidString])
            let longer = try await postForm(
                app, "/admin/activities/\(a.id!.uuidString)",
                fields: Plan.activityFields(code: "CC-A", areaID: area.id!, ["parent_id": c.id!.uuidString]), headers: editor)
            #expect(longer.status == .unprocessableEntity)
            #expect(try await Activity.find(a.id, on: app.db)?.$parent.id == nil)
        }
    }

    @Test("An indicator belongs to exactly one of an activity and a priority area")
    func indicatorOwner() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let activity = try await Plan.activity(app, "CC-1")
            let area = try await Plan.area(app, "CC")
            let before = try await Plan.counts(app)
            for (what, owner) in [
                ("both", ["activity_id": activity.id!.uuidString, "priority_area_id": area.id!.uuidString]),
                ("neither", ["activity_id": "", "priority_area_id": ""]),
            ] {
                let response = try await postForm(
                    app, "/admin/indicators", fields: Plan.indicatorFields(code: "CC-1.7", owner), headers: editor)
                #expect(response.status == .unprocessableEntity, "\(what) owner")
                #expect(
                    fieldError(response.text, "activity_id") == "An indicator belongs to one activity or to one priority area.", "\(what)")
            }
            #expect(try await Plan.counts(app) == before)
            // One owner is accepted
            let ok = try await postForm(
                app, "/admin/indicators", fields: Plan.indicatorFields(code: "CC-0.1", ["priority_area_id": area.id!.uuidString]),
                headers: editor)
            #expect(ok.status == .seeOther)
            #expect(try await Plan.indicator(app, "CC-0.1").$priorityArea.id == area.id)
        }
    }

    @Test("A qualitative indicator with a numeric baseline is refused on baseline_value")
    func qualitativeNumericBaseline() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let activity = try await Plan.activity(app, "EX-1")
            let before = try await Plan.counts(app)
            let response = try await postForm(
                app, "/admin/indicators",
                fields: Plan.indicatorFields(
                    code: "EX-1.2",
                    ["activity_id": activity.id!.uuidString, "measure": "qualitative", "baseline_value": "3", "baseline_year": "2020"]),
                headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "baseline_value") == "A qualitative indicator takes text, not a number.")
            #expect(try await Plan.counts(app) == before)
        }
    }

    @Test("A target for a year outside 2021–2025, or a second target for a year, is refused on year")
    func targetYears() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let indicator = try await Plan.indicator(app, "CC-1.1")
            let before = try await Plan.counts(app)
            func target(_ year: String) -> [String: String] {
                ["indicator_id": indicator.id!.uuidString, "year": year, "value": "12", "text": ""]
            }
            for year in ["2020", "2026", "2030"] {
                let response = try await postForm(app, "/admin/indicator-targets", fields: target(year), headers: editor)
                #expect(response.status == .unprocessableEntity, "target for \(year)")
                #expect(fieldError(response.text, "year") == "Outside the strategy's period (2021–2025).", "target for \(year)")
            }
            let duplicate = try await postForm(app, "/admin/indicator-targets", fields: target("2023"), headers: editor)
            #expect(duplicate.status == .unprocessableEntity)
            #expect(fieldError(duplicate.text, "year") == "This indicator already has a target for that year.")
            #expect(try await Plan.counts(app) == before)
            #expect(
                try await IndicatorTarget.query(on: app.db).filter(\.$indicator.$id == indicator.id!).filter(\.$year == 2023).first()?.value
                    == 6)
        }
    }

    @Test("The SDGs chosen in the multi-select are saved and shown on the activity page")
    func goalsSaved() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let activity = try await Plan.createActivity(
                app, headers: editor, code: "BD-7", areaCode: "BD", ["goals__13": "on", "goals__15": "on"])
            #expect(activity.goals == [13, 15])
            let page = try await app.testing().sendRequest(.GET, "/action-plan/activities/BD-7")
            #expect(page.status == .ok)
            let text = visibleText(page.text)
            #expect(text.contains("13. Climate action"))
            #expect(text.contains("15. Life on land"))
            #expect(!text.contains("14. Life below water"))
            // A goal that is not one of the 17 is not stored
            let area = try await Plan.area(app, "BD")
            let bad = try await postForm(
                app, "/admin/activities",
                fields: Plan.activityFields(code: "BD-8", areaID: area.id!, ["goals__18": "on", "goals__13": "on"]),
                headers: editor)
            #expect(bad.status == .seeOther)
            #expect(try await Plan.activity(app, "BD-8").goals == [13])
        }
    }
}
