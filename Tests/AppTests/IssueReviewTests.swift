import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Review means review: another editor publishes what one submitted")
struct IssueReviewTests {
    static func readyIssue(_ app: Application, _ editor: HTTPHeaders, number: Int) async throws -> NewsletterFixtures.IssueFixture {
        let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2031, number: number)
        try await NewsletterFixtures.createArticle(
            app, editor, edition: try fixture.edition(.en), title: "Reviewed \(number)", slug: "reviewed-\(number)")
        _ = try await postForm(app, fixture.hub + "/editions/zh/status", fields: ["status": "awaiting_translation"], headers: editor)
        return fixture
    }

    @Test("A draft is not published; the submitter cannot publish or schedule; another editor publishes")
    func anotherEditorPublishes() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let admin = try await signIn(app, as: Demo.admin)
            let fixture = try await Self.readyIssue(app, editor, number: 1)

            let fromDraft = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(fromDraft.status == .conflict)
            #expect(EditorialWorkflowTests.hubError(fromDraft.text)?.contains("submit it for review first") == true)
            let check = try await app.testing().sendRequest(.GET, fixture.hub + "/publish", headers: editor)
            #expect(visibleText(check.text).contains("submit it for review first"), "the check page does not say why")
            #expect(!check.text.contains("action=\"\(fixture.hub)/publish\""), "the check page still offers Publish")

            #expect(try await postForm(app, fixture.hub + "/submit", fields: [:], headers: editor).status == .seeOther)
            let submitted = try await NewsletterFixtures.reload(fixture.issue, app)
            let editorUser = try #require(try await User.query(on: app.db).filter(\.$email == Demo.editor.email).first())
            #expect(submitted.status == .inReview && submitted.submittedByID == editorUser.id)
            let hub = try await app.testing().sendRequest(.GET, fixture.hub, headers: editor)
            #expect(visibleText(hub.text).contains("Submitted for review by \(editorUser.name)."))

            let own = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(own.status == .conflict)
            #expect(EditorialWorkflowTests.hubError(own.text)?.contains("another editor publishes") == true)
            let ownSchedule = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "UTC"], headers: editor)
            #expect(ownSchedule.status == .conflict)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .inReview)
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2031/1").status == .notFound)

            let approved = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: admin)
            #expect(approved.status == .seeOther)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .published)
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2031/1").status == .ok)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == fixture.issue.id!.uuidString)
                .filter(\.$action == "publish").all()
            #expect(audit.map(\.actor) == [Demo.admin.email], "the publication is not audited once, as the approving editor")
        }
    }

    @Test("With the centre's one-person setting, the submitter publishes their own issue; back to draft forgets the submitter")
    func selfApprovalSetting() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let admin = try await signIn(app, as: Demo.admin)
            let profile = try #require(try await CentreProfile.query(on: app.db).first())
            #expect(profile.issuesSelfApproval == false, "review must be the default")
            var fields = CentreProfileForm.values(of: profile)
            fields["issues_self_approval"] = "yes"
            #expect(try await postForm(app, "/admin/centre", fields: fields, headers: admin).status == .seeOther)
            #expect(try await CentreProfile.query(on: app.db).first()?.issuesSelfApproval == true)

            let fixture = try await Self.readyIssue(app, editor, number: 2)
            #expect(try await postForm(app, fixture.hub + "/submit", fields: [:], headers: editor).status == .seeOther)
            #expect(try await postForm(app, fixture.hub + "/draft", fields: [:], headers: editor).status == .seeOther)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).submittedByID == nil)
            let published = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(published.status == .seeOther, "\(EditorialWorkflowTests.hubError(published.text) ?? "")")
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .published)
        }
    }

    @Test("A change to a published article waits until it is published, then shows with its correction note; a stale form changes nothing")
    func publishedArticleChange() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let article = try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
            let publicPath = "/articles/" + article.slug
            let original = article.bodyMarkdown
            var fields = NewsletterFixtures.articleFields(article)
            fields["body"] = original.replacingOccurrences(of: "about 40 delegates", with: "about 45 delegates")
            let saved = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: fields, headers: editor)
            #expect(saved.status == .seeOther)
            #expect(saved.headers.first(name: .location)?.contains("done=saved_pending") == true)
            #expect(
                try await app.testing().sendRequest(.GET, publicPath).text.contains("about 40 delegates"),
                "readers saw the unpublished change")
            #expect(!(try await app.testing().sendRequest(.GET, "/api/v1/articles/" + article.slug).text.contains("about 45")))

            let pending = try #require(try await Article.find(article.id, on: app.db))
            #expect(pending.pendingBodyMarkdown?.contains("about 45 delegates") == true && pending.bodyMarkdown == original)
            let form = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/edit", headers: editor)
            #expect(
                form.text.contains("<del>40</del>") && form.text.contains("<ins>45</ins>"), "the pending change is not shown word by word")
            #expect(form.text.contains("about 45 delegates"), "the form does not carry the saved change")

            let stale = try await postForm(
                app, "/admin/articles/\(article.id!.uuidString)/change/publish",
                fields: ["version": "\(pending.version - 1)", "correction_note": "x"], headers: editor)
            #expect(stale.status == .conflict)
            #expect(try await Article.find(article.id, on: app.db)?.bodyMarkdown == original)

            let published = try await postForm(
                app, "/admin/articles/\(article.id!.uuidString)/change/publish",
                fields: ["version": "\(pending.version)", "correction_note": "An earlier version gave the number of delegates as 40."],
                headers: editor)
            #expect(published.status == .seeOther)
            let page = try await app.testing().sendRequest(.GET, publicPath)
            #expect(page.text.contains("about 45 delegates") && !page.text.contains("about 40 delegates"))
            #expect(visibleText(page.text).contains("An earlier version gave the number of delegates as 40."))
            #expect(visibleText(page.text).contains("Corrected on"))
            let after = try #require(try await Article.find(article.id, on: app.db))
            #expect(!after.hasPendingChange)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$entityID == article.id!.uuidString).filter(\.$action == "publish").count()
                    == 1)

            var again = NewsletterFixtures.articleFields(after)
            again["body"] = after.bodyMarkdown + "\nA line never published.\n"
            #expect(
                try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: again, headers: editor).status == .seeOther)
            let withChange = try #require(try await Article.find(article.id, on: app.db))
            let discarded = try await postForm(
                app, "/admin/articles/\(article.id!.uuidString)/change/discard", fields: ["version": "\(withChange.version)"],
                headers: editor)
            #expect(discarded.status == .seeOther)
            let final = try #require(try await Article.find(article.id, on: app.db))
            #expect(!final.hasPendingChange && final.bodyMarkdown == after.bodyMarkdown)
            #expect(!(try await app.testing().sendRequest(.GET, publicPath).text.contains("A line never published.")))
        }
    }
}
