import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Publish, Send, Cancel and Lock each lead to a page that says exactly what will happen, and
/// looking at it changes nothing.
@Suite("Check pages before actions that cannot be taken back")
struct CheckPageTests {
    /// The text of the "What will happen" list.
    static func consequences(_ html: String) -> String {
        guard let start = html.range(of: "class=\"check-consequences\"") else { return "" }
        let rest = html[start.upperBound...]
        return visibleText(String(rest[..<(rest.range(of: "</section>")?.lowerBound ?? rest.endIndex)]))
    }

    @Test("Publish: the hub links to a page naming the address and each edition; only its form publishes")
    func publishCheck() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2031, number: 4)
            _ = try await NewsletterFixtures.createArticle(
                app, editor, edition: try fixture.edition(.en), title: "Checked", slug: "checked")
            _ = try await NewsletterFixtures.createArticle(app, editor, edition: try fixture.edition(.zh), title: "核对", slug: "he-dui")

            let hub = try await app.testing().sendRequest(.GET, fixture.hub + "?lang=en", headers: editor)
            #expect(hub.text.contains("href=\"\(fixture.hub)/publish\""), "the hub does not lead to the check page")
            #expect(!hub.text.contains("action=\"\(fixture.hub)/publish\""), "the hub still publishes in one click")

            let check = try await app.testing().sendRequest(.GET, fixture.hub + "/publish?lang=en", headers: editor)
            #expect(check.status == .ok)
            let said = Self.consequences(check.text)
            #expect(said.contains("/newsletters/2031/4"), "the address is not named: \(said)")
            #expect(said.contains("English edition is published (articles: 1)"), "\(said)")
            #expect(said.contains("Chinese edition is published (articles: 1)"), "\(said)")
            #expect(said.contains("No e-mail is sent"), "\(said)")
            #expect(check.text.contains("action=\"\(fixture.hub)/publish\""))
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .draft, "looking at the check page published")

            let published = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(published.status == .seeOther)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .published)
            let again = try await app.testing().sendRequest(.GET, fixture.hub + "/publish?lang=en", headers: editor)
            #expect(again.text.contains("class=\"error-summary\""), "a published issue is offered Publish again")
            #expect(!again.text.contains("action=\"\(fixture.hub)/publish\""))

            let zh = try await app.testing().sendRequest(.GET, fixture.hub + "/publish?lang=zh", headers: editor)
            #expect(zh.text.contains("若执行将会发生什么"), "a refused action still says what will happen")

            // Taking a published issue back to draft takes it off the site: a check page first.
            let hubAfter = try await app.testing().sendRequest(.GET, fixture.hub + "?lang=en", headers: editor)
            #expect(hubAfter.text.contains("href=\"\(fixture.hub)/draft\""), "Back to draft is still one click")
            let unpublish = try await app.testing().sendRequest(.GET, fixture.hub + "/draft?lang=en", headers: editor)
            #expect(Self.consequences(unpublish.text).contains("leaves the public site"))
            #expect(unpublish.text.contains("class=\"button danger\""))
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .published, "looking took it offline")
            #expect(try await postForm(app, fixture.hub + "/draft", fields: [:], headers: editor).status == .seeOther)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .draft)
        }
    }

    @Test("Send: recipients per language as the list holds them, a preview per language in a sandboxed frame, nothing written")
    func sendCheck() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try #require(
                try await Campaign.query(on: app.db).filter(\.$subjectEn == "Newsletter, Issue 7, 2021").first())
            let base = "/admin/campaigns/\(try campaign.requireID().uuidString)"
            let audience = try await CampaignAudience.count(campaign, on: app.db)
            let total = audience.values.reduce(0, +)
            #expect(total > 0, "the demo campaign reaches nobody")

            let check = try await app.testing().sendRequest(.GET, base + "/start?lang=en", headers: editor)
            #expect(check.status == .ok)
            let said = Self.consequences(check.text)
            #expect(said.contains("Messages sent now, one to each recipient: \(total)"), "\(said)")
            for (language, name) in [(SubscriberLanguage.en, "English"), (.zh, "Chinese")] where (audience[language] ?? 0) > 0 {
                #expect(said.contains("Recipients (\(name)): \(audience[language] ?? 0)"), "\(said)")
                #expect(check.text.contains("src=\"\(base)/preview/\(language.rawValue)\""), "no \(name) preview")
            }
            #expect(check.text.contains("sandbox"), "the preview frame is not sandboxed")
            #expect(try await Delivery.query(on: app.db).filter(\.$campaign.$id == campaign.requireID()).count() == 0)
            #expect(try await Campaign.find(campaign.id, on: app.db)?.status == .draft, "looking at the check page sent")

            let preview = try await app.testing().sendRequest(.GET, base + "/preview/zh", headers: editor)
            #expect(preview.status == .ok)
            #expect(preview.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
            #expect(preview.headers.first(name: "X-Frame-Options") == "SAMEORIGIN")
            #expect(preview.text.contains("lang=\"zh-Hans\""))
            #expect(!preview.text.contains("{{"), "a placeholder is left in the preview")
            let anonymous = try await app.testing().sendRequest(.GET, base + "/preview/zh")
            #expect(anonymous.status != .ok, "an anonymous visitor reads the preview")
            let page = try await app.testing().sendRequest(.GET, base, headers: editor)
            #expect(page.headers.first(name: "X-Frame-Options") == "DENY", "other pages lost their frame protection")

            let cancel = try await app.testing().sendRequest(.GET, base + "/cancel?lang=en", headers: editor)
            #expect(cancel.text.contains("class=\"button danger\""), "Cancel does not look destructive")
            #expect(Self.consequences(cancel.text).contains("nothing has been sent"))
        }
    }

    @Test("Lock: the page says what is frozen, and refuses while a report of the year is not validated")
    func lockCheck() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let activity = try #require(try await Activity.query(on: app.db).filter(\.$code == "CC-1").first())
            let check = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1/lock?year=2022&lang=en", headers: editor)
            #expect(check.status == .ok)
            #expect(Self.consequences(check.text).contains("for 2022 can no longer be changed"))
            #expect(check.text.contains("name=\"year\" value=\"2022\""))
            #expect(try await ReportingLock.query(on: app.db).count() == 0, "looking at the check page locked")

            let report = ProgressReport()
            report.$activity.id = try activity.requireID()
            report.year = 2022
            report.narrativeEn = ""
            report.narrativeZh = ""
            report.status = .submitted
            report.author = "check test"
            report.validatedBy = ""
            report.illustrative = true
            try await report.create(on: app.db)
            let refused = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1/lock?year=2022&lang=en", headers: editor)
            #expect(refused.text.contains("class=\"error-summary\""))
            #expect(!refused.text.contains("action=\"/action-plan/activities/CC-1/lock\""), "a year with open reports is offered Lock")

            let member = try await signIn(app, as: Demo.focalPoint)
            let forbidden = try await app.testing().sendRequest(.GET, "/action-plan/activities/CC-1/lock?year=2022", headers: member)
            #expect(forbidden.status == .forbidden || forbidden.status == .notFound)
        }
    }
}
