import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Admin lists search through the search index")
struct AdminSearchTests {
    @Test("A meeting by a word of its discussion, a person by two Han characters, an imported subscriber by a word of the address")
    func listsUseTheIndex() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            // No cell of the meetings list says biodiversity: only the index knows the meeting by it.
            let meetings = try await app.testing().sendRequest(.GET, "/admin/meetings?q=biodiversity", headers: editor)
            #expect(meetings.status == .ok)
            #expect(!meeting.titleEn.lowercased().contains("biodiversity"))
            #expect(meetings.body.string.contains(MeetingResource.rowHref(meeting)))
            let nothing = try await app.testing().sendRequest(.GET, "/admin/meetings?q=zzqqxxunfound", headers: editor)
            #expect(!nothing.body.string.contains(MeetingResource.rowHref(meeting)))

            let person = Person(nameEn: "Wang Xiaoming", nameZh: "王晓明")
            try await person.create(on: app.db)
            let people = try await app.testing().sendRequest(.GET, "/admin/people?q=%E6%99%93%E6%98%8E", headers: editor)
            #expect(people.body.string.contains("Wang Xiaoming"))
            let otherPeople = try await app.testing().sendRequest(.GET, "/admin/people?q=%E6%98%8E%E7%8E%8B", headers: editor)
            #expect(!otherPeople.body.string.contains("Wang Xiaoming"), "明王 are not neighbours in 王晓明")

            // The import writes rows in bulk, past the model middleware: their entries are written too.
            let csv = "email,name\nzhang.wei@ministry.example,Zhang Wei\n"
            let report = try await SubscriberImport(status: .confirmed, source: "import:search.csv", defaultLists: []).run(
                Data(csv.utf8), on: app.db)
            #expect(report.imported == 1)
            let subscribers = try await app.testing().sendRequest(.GET, "/admin/subscribers?q=ministry", headers: editor)
            #expect(subscribers.body.string.contains("zhang.wei@ministry.example"))
            let found = try await SearchAccessTests.search(app, "ministry", headers: editor)
            #expect(found.results.contains { $0.kind == "subscriber" })
            let anonymous = try await SearchAccessTests.search(app, "ministry")
            #expect(!anonymous.results.contains { $0.kind == "subscriber" }, "a subscriber reached an anonymous search")
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let asFocalPoint = try await SearchAccessTests.search(app, "zhang.wei@ministry.example", headers: focalPoint)
            #expect(!asFocalPoint.results.contains { $0.kind == "subscriber" }, "a subscriber reached a focal point's search")

            // A rebuild keeps them.
            _ = try await SearchRebuild.run(on: app.db)
            let rebuilt = try await SearchAccessTests.search(app, "ministry", headers: editor)
            #expect(rebuilt.results.filter { $0.kind == "subscriber" }.count == 1)
        }
    }

    @Test("A query with nothing the index can search for still matches the list's cells")
    func shortQueriesMatchCells() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await Subscriber(email: "q@x.example", name: "Q", language: .en, status: .confirmed).create(on: app.db)
            let page = try await app.testing().sendRequest(.GET, "/admin/subscribers?q=q%40", headers: editor)
            #expect(page.status == .ok)
            #expect(page.body.string.contains("q@x.example"))
        }
    }

    @Test("An anonymous search page is kept like other public pages, and any change, to any section, empties it")
    func cachedSearchFollowsChanges() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let before = try await app.testing().sendRequest(.GET, "/search?q=zyxwetlandtrust")
            #expect(before.status == .ok)
            #expect(!before.body.string.contains("class=\"search-result\""))
            try await Organisation(nameEn: "Zyxwetlandtrust Foundation", kind: .partner, countryID: nil).create(on: app.db)
            let api = try await SearchAccessTests.search(app, "zyxwetlandtrust")
            #expect(api.total == 1, "the API does not find the new organisation")
            // The network section changed: the cached search goes with it.
            try await app.contentChanged(.sections(["network"]))
            let after = try await app.testing().sendRequest(.GET, "/search?q=zyxwetlandtrust")
            #expect(visibleText(after.body.string).contains("Zyxwetlandtrust Foundation"))
        }
    }

    @Test("Articles and campaigns are searched too; what the index does not hold is matched in the cells; sign-in comes back")
    func otherListsAndFallback() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let article = try #require(try await Article.query(on: app.db).first())
            let word = try #require(article.title.split(separator: " ").first { $0.count >= 5 }.map(String.init))
            let articles = try await app.testing().sendRequest(
                .GET, "/admin/articles?q=" + (word.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), headers: editor)
            #expect(articles.body.string.contains("/admin/articles/\(try article.requireID().uuidString)/edit"))
            let noArticles = try await app.testing().sendRequest(.GET, "/admin/articles?q=zzqqxxunfound", headers: editor)
            #expect(!noArticles.body.string.contains("/admin/articles/\(try article.requireID().uuidString)/edit"))
            #expect(noArticles.body.string.contains("value=\"zzqqxxunfound\""), "the search box forgets the query")

            let campaign = try #require(try await Campaign.query(on: app.db).first())
            let subjectWord = try #require(campaign.subjectEn.split(separator: " ").first { $0.count >= 4 }.map(String.init))
            let campaigns = try await app.testing().sendRequest(
                .GET, "/admin/campaigns?q=" + (subjectWord.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
                headers: editor)
            #expect(campaigns.body.string.contains("/admin/campaigns/\(try campaign.requireID().uuidString)"))
            let noCampaigns = try await app.testing().sendRequest(.GET, "/admin/campaigns?q=zzqqxxunfound", headers: editor)
            #expect(!noCampaigns.body.string.contains("/admin/campaigns/\(try campaign.requireID().uuidString)"))

            // A meeting's slug is a column of the list but not a word of the index.
            let meetings = try await app.testing().sendRequest(.GET, "/admin/meetings?q=" + SeedMeeting.slug, headers: editor)
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            #expect(meetings.body.string.contains(MeetingResource.rowHref(meeting)))

            let search = try await app.testing().sendRequest(.GET, "/search?q=Vong%20Sok")
            #expect(search.body.string.contains("href=\"/login?next=%2Fsearch%3Fq%3DVong%2520Sok\""))
        }
    }
}
