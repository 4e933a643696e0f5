import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("The home page is the network's front page")
struct FrontPageTests {
    @Test("Home shows the latest issue's lead article, the meetings, the plan by area, the member states and a subscribe box")
    func frontPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let page = try await app.testing().sendRequest(.GET, "/?lang=en")
            #expect(page.status == .ok)
            let text = visibleText(page.text)
            let issue = try #require(try await NewsletterIssue.query(on: app.db).filter(\.$status == .published).first())
            let lead = try #require(try await IssueRecord.load(issue, on: app.db).articles(.en).first)
            #expect(text.contains(lead.title), "the lead article is missing")
            #expect(page.text.contains("href=\"/articles/\(lead.slug)\""))
            #expect(page.text.contains("href=\"\(issue.path)?lang=en\""), "no link to the issue")
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$status == .held).filter(\.$startsAt != nil).first())
            #expect(text.contains(meeting.titleEn), "the held meeting is not among the recent ones")
            for area in try await PriorityArea.query(on: app.db).all() {
                #expect(text.contains(area.titleEn), "priority area \(area.code) is missing")
            }
            for country in try await Country.query(on: app.db).filter(\.$group == .aseanMemberState).all() {
                #expect(page.text.contains("href=\"/network/countries/\(country.code)\""), "\(country.nameEn) is not linked")
            }
            #expect(page.text.contains("<form method=\"get\" action=\"/subscribe\""))
            #expect(!text.contains("Added ·"), "the audit log is still shown to readers")

            let prefilled = try await app.testing().sendRequest(.GET, "/subscribe?email=reader%40example.org")
            #expect(prefilled.text.contains("value=\"reader@example.org\""), "the subscribe box's address is not carried over")
        }
    }

    @Test("A meeting for the secretariat only is not on the public front page")
    func restrictedMeetingHidden() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$status == .held).filter(\.$startsAt != nil).first())
            meeting.visibility = .secretariat
            meeting.titleEn = "Closed session on budgets"
            try await meeting.save(on: app.db)
            let page = try await app.testing().sendRequest(.GET, "/?lang=en")
            #expect(!page.text.contains("Closed session on budgets"))
            let editor = try await signIn(app, as: Demo.editor)
            let staff = try await app.testing().sendRequest(.GET, "/?lang=en", headers: editor)
            #expect(staff.text.contains("Closed session on budgets"), "staff do not see the meeting they may see")
        }
    }

    @Test("An excerpt is text, cut at a word with an ellipsis, or at a character in Chinese")
    func excerpts() {
        #expect(FrontPage.excerpt("<p>One <b>two</b> &amp; three four</p>", characters: 13) == "One two &…")
        #expect(FrontPage.excerpt("<p>短文</p>", characters: 10) == "短文")
        #expect(FrontPage.excerpt("中国东盟环境合作", characters: 4) == "中国东盟…")
    }
}
