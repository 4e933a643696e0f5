import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Each role's home, the staff menu and confirmations")
struct WorkspaceTests {
    /// The text of one work queue on a home page (`<section aria-labelledby="queue-KEY">`).
    static func queue(_ key: String, in html: String) -> String {
        guard let start = html.range(of: "aria-labelledby=\"queue-\(key)\"") else { return "" }
        let rest = html[start.upperBound...]
        let end = rest.range(of: "</section>")?.lowerBound ?? rest.endIndex
        return visibleText(String(rest[..<end]))
    }

    /// The second row of the staff menu: the current area's pages.
    static func areaPages(_ html: String) -> String {
        guard let start = html.range(of: "<ul class=\"admin-pages\">") else { return "" }
        let rest = html[start.upperBound...]
        return String(rest[..<(rest.range(of: "</ul>")?.lowerBound ?? rest.endIndex)])
    }

    static func report(activity: Activity, country: UUID?, year: Int, status: ReportStatus, on db: any Database) async throws {
        let report = ProgressReport()
        report.$activity.id = try activity.requireID()
        report.$country.id = country
        report.year = year
        report.narrativeEn = ""
        report.narrativeZh = ""
        report.status = status
        report.author = "workspace test"
        report.validatedBy = ""
        report.illustrative = true
        try await report.create(on: db)
    }

    @Test("The staff home lists submitted reports, meetings of the next 30 days with their answers, and terms ending within 90 days")
    func staffHome() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let activity = try #require(try await Activity.query(on: app.db).sort(\.$code).first())
            let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            try await Self.report(activity: activity, country: myanmar.id, year: 2024, status: .submitted, on: app.db)
            try await Self.report(activity: activity, country: myanmar.id, year: 2023, status: .draft, on: app.db)

            let meetings = try await Meeting.query(on: app.db).sort(\.$sequence).all()
            try #require(meetings.count >= 2)
            let soon = meetings[0]
            soon.startsAt = Date().addingTimeInterval(10 * 86_400)
            soon.endsAt = soon.startsAt?.addingTimeInterval(3_600)
            soon.status = .confirmed
            try await soon.save(on: app.db)
            let later = meetings[1]
            later.startsAt = Date().addingTimeInterval(45 * 86_400)
            later.endsAt = later.startsAt?.addingTimeInterval(3_600)
            later.status = .confirmed
            try await later.save(on: app.db)
            let answers = try await Participation.query(on: app.db).filter(\.$meeting.$id == soon.requireID()).all(\.$registration)
            let attending = answers.filter { $0 == .registered || $0 == .approved }.count

            let terms = try await FocalPointAppointment.query(on: app.db).serving().with(\.$person).all()
            try #require(terms.count >= 2)
            terms[0].endDate = StaffHome.day(Date().addingTimeInterval(60 * 86_400))
            try await terms[0].save(on: app.db)
            terms[1].endDate = StaffHome.day(Date().addingTimeInterval(200 * 86_400))
            try await terms[1].save(on: app.db)

            let editor = try await signIn(app, as: Demo.editor)
            var countryFields = CountryResource.values(of: myanmar)
            countryFields["name_zh"] = "缅甸联邦共和国"
            #expect(
                try await postForm(app, "/admin/countries/\(try myanmar.requireID().uuidString)", fields: countryFields, headers: editor)
                    .status
                    == .seeOther)
            let home = try await app.testing().sendRequest(.GET, "/admin", headers: editor)
            #expect(home.status == .ok)
            let reports = Self.queue("reports", in: home.text)
            #expect(reports.contains(activity.code) && reports.contains("2024"), "the submitted report is missing: \(reports)")
            #expect(!reports.contains("2023"), "a draft report is listed as awaiting validation: \(reports)")
            let meetingQueue = Self.queue("meetings", in: home.text)
            #expect(meetingQueue.contains(soon.titleEn), "the meeting in 10 days is missing: \(meetingQueue)")
            #expect(meetingQueue.contains("\(attending) attending"), "the meeting's answers are not counted: \(meetingQueue)")
            #expect(!meetingQueue.contains(later.titleEn), "a meeting 45 days away is listed: \(meetingQueue)")
            let termQueue = Self.queue("terms", in: home.text)
            #expect(termQueue.contains(terms[0].person.nameEn), "the term ending in 60 days is missing: \(termQueue)")
            #expect(!termQueue.contains(terms[1].person.nameEn), "a term ending in 200 days is listed: \(termQueue)")

            // Each recent change folds its fields under their names.
            #expect(
                home.text.contains("<details class=\"changes\"><summary>Name (Chinese)</summary>"),
                "the change is not folded under its field")
            #expect(!home.text.contains("<summary></summary>"), "a change folds under an empty summary")
            let chinese = try await app.testing().sendRequest(.GET, "/admin?lang=zh", headers: editor)
            #expect(Self.queue("reports", in: chinese.text).contains("待审核"))
        }
    }

    @Test("A focal point's home shows their country's reports and activities, never another country's")
    func memberHome() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let activity = try #require(try await Activity.query(on: app.db).sort(\.$code).first())
            let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            let thailand = try #require(try await Country.query(on: app.db).filter(\.$code == "TH").first())
            try await Self.report(activity: activity, country: myanmar.id, year: 2023, status: .draft, on: app.db)
            try await Self.report(activity: activity, country: thailand.id, year: 2024, status: .submitted, on: app.db)

            let member = try await signIn(app, as: Demo.focalPoint)
            let home = try await app.testing().sendRequest(.GET, "/account", headers: member)
            #expect(home.status == .ok)
            let reports = Self.queue("reports", in: home.text)
            #expect(reports.contains("2023"), "their own draft is missing: \(reports)")
            #expect(!reports.contains("2024"), "another country's report is shown: \(reports)")
            #expect(visibleText(home.text).contains(myanmar.nameEn))
            #expect(home.text.contains("href=\"/account/profile\""))
            #expect(!home.text.contains("class=\"admin-nav\""), "a focal point sees the staff menu")

            let reportsPage = try await app.testing().sendRequest(.GET, "/action-plan/reports", headers: member)
            #expect(!reportsPage.text.contains("class=\"admin-nav\""), "a focal point sees the staff menu on the reports list")
        }
    }

    @Test("The staff menu groups pages by area, marks the current area and page, and shows Users to admins only")
    func staffMenu() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let countries = try await app.testing().sendRequest(.GET, "/admin/countries", headers: editor)
            #expect(countries.text.contains("class=\"current-area\" aria-current=\"page\">Network</a>"), "Network is not the current area")
            let pages = Self.areaPages(countries.text)
            #expect(pages.contains("<a href=\"/admin/countries\" aria-current=\"page\">"), "the page is not marked: \(pages)")
            #expect(pages.contains("<a href=\"/admin/organisations\">"), "the area's other pages are not listed")
            #expect(!pages.contains("href=\"/admin/mailing-lists\""), "another area's pages are listed")
            #expect(!countries.text.contains("href=\"/admin/users\""), "an editor is offered the users page")

            let report = try await app.testing().sendRequest(.GET, "/action-plan/reports?status=submitted", headers: editor)
            #expect(report.text.contains("class=\"current-area\""), "the reports list is outside the menu")
            #expect(report.text.contains("href=\"/action-plan/reports?status=submitted\" aria-current=\"page\""))
            #expect(Self.areaPages(report.text).contains("href=\"/admin/indicators\""), "the action plan's pages are not listed")

            let admin = try await signIn(app, as: Demo.admin)
            let audit = try await app.testing().sendRequest(.GET, "/admin/audit", headers: admin)
            #expect(audit.text.contains("href=\"/admin/users\""), "an admin is not offered the users page")
        }
    }

    @Test("A save leads to the record's page with a confirmation; a refusal lists each field's problem with a link to it")
    func confirmationsAndErrorSummary() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let country = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            let id = try country.requireID().uuidString
            var fields = CountryResource.values(of: country)
            fields["name_zh"] = "缅甸联邦"
            let saved = try await postForm(app, "/admin/countries/\(id)", fields: fields, headers: editor)
            #expect(saved.status == .seeOther)
            #expect(saved.location == "/admin/countries/\(id)/edit?done=saved")
            let page = try await app.testing().sendRequest(.GET, try #require(saved.location), headers: editor)
            #expect(page.text.contains("<div class=\"confirmation\" role=\"status\"><p>Saved.</p></div>"))

            let again = try await postForm(app, "/admin/countries/\(id)", fields: fields, headers: editor)
            #expect(again.location == "/admin/countries/\(id)/edit?done=unchanged")

            let forged = try await app.testing().sendRequest(.GET, "/admin/countries/\(id)/edit?done=<b>x</b>", headers: editor)
            #expect(!forged.text.contains("class=\"confirmation\""), "an unknown confirmation is shown")
            let anonymous = try await app.testing().sendRequest(.GET, "/?done=saved")
            #expect(!anonymous.text.contains("class=\"confirmation\""), "a public page confirms a change")

            var broken = fields
            broken["name_en"] = ""
            broken["membership_since"] = "2021-02-30"
            let refused = try await postForm(app, "/admin/countries/\(id)", fields: broken, headers: editor)
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.text.contains("class=\"error-summary\""))
            #expect(refused.text.contains("<a href=\"#f-name_en\">"), "the summary does not link to the English name")
            #expect(refused.text.contains("<a href=\"#f-membership_since\">"), "the summary does not link to the date")
            #expect(refused.text.contains("id=\"f-name_en\""), "the link's target is missing")
        }
    }
}
