import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Editorial workflow: issues, editions, article order, preview, publishing and scheduling")
struct EditorialWorkflowTests {
    /// What a refused step must leave as it was.
    static func snapshot(_ app: Application) async throws -> [String] {
        let issues = try await NewsletterIssue.query(on: app.db).sort(\.$year).sort(\.$number).all().map {
            "\($0.year)/\($0.number) \($0.status.rawValue) \($0.publishedAt.map { "\($0.timeIntervalSince1970)" } ?? "-") \($0.scheduledAt.map { "\($0.timeIntervalSince1970)" } ?? "-")"
        }
        let editions = try await Edition.query(on: app.db).all().map { "\($0.$issue.id) \($0.language.rawValue) \($0.status.rawValue)" }
            .sorted()
        let articles = try await Article.query(on: app.db).all().map { "\($0.slug) \($0.position) \($0.version)" }.sorted()
        let audit = try await AuditEntry.query(on: app.db).count()
        return issues + editions + articles + ["audit \(audit)"]
    }

    static func hubError(_ html: String) -> String? {
        html.matches(#"<p class="form-error" role="alert">([^<]*)</p>"#).first.map { visibleText($0).trimmingCharacters(in: .whitespaces) }
    }

    @Test("A new issue gets an English and a Chinese edition; its number is unique within the year")
    func createIssue() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            #expect(fixture.issue.status == .draft)
            #expect(fixture.issue.publicationDate == "2030-06-15")
            #expect(Set(fixture.editions.map(\.language)) == [.en, .zh])
            #expect(fixture.editions.count == 2)
            #expect(fixture.editions.allSatisfy { $0.status == .ready })
            let hub = try await app.testing().sendRequest(.GET, fixture.hub, headers: editor)
            #expect(hub.status == .ok)
            #expect(hub.text.contains("Issue 1, 2030"))

            let before = try await Self.snapshot(app)
            let newsletter = try #require(try await Newsletter.query(on: app.db).first())
            let duplicate = try await postForm(
                app, "/admin/newsletter-issues",
                fields: NewsletterFixtures.issueFields(newsletterID: newsletter.id!, year: 2030, number: 1),
                headers: editor)
            #expect(duplicate.status == .unprocessableEntity)
            #expect(fieldError(duplicate.text, "number") == "This number is already used in that year.")
            #expect(try await Self.snapshot(app) == before, "a refused issue wrote something")
            // The seed's number 7 is taken in 2021 too, but not in another year.
            let seedTaken = try await postForm(
                app, "/admin/newsletter-issues",
                fields: NewsletterFixtures.issueFields(newsletterID: newsletter.id!, year: 2021, number: 7),
                headers: editor)
            #expect(seedTaken.status == .unprocessableEntity)
            #expect(fieldError(seedTaken.text, "number") != nil)
            _ = try await NewsletterFixtures.createIssue(app, editor, year: 2031, number: 1)
            // The publication date must lie in the issue's year.
            let wrongYear = try await postForm(
                app, "/admin/newsletter-issues",
                fields: NewsletterFixtures.issueFields(newsletterID: newsletter.id!, year: 2032, number: 1, date: "2033-01-01"),
                headers: editor)
            #expect(wrongYear.status == .unprocessableEntity)
            #expect(fieldError(wrongYear.text, "publication_date") != nil)
        }
    }

    @Test("Articles go into an edition of their own language, last, and can be reordered")
    func articlesAndOrder() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let en = try fixture.edition(.en)
            let first = try await NewsletterFixtures.createArticle(app, editor, edition: en, title: "First story", slug: "first-story")
            #expect(first.position == 1)
            #expect(first.$edition.id == en.id)
            #expect(first.language == .en)
            #expect(first.version == 1)
            #expect(first.bodyHTML == "<p>A paragraph.</p>\n")
            let second = try await NewsletterFixtures.createArticle(app, editor, edition: en, title: "Second story", slug: "second-story")
            #expect(second.position == 2)
            let third = try await postForm(
                app, "/admin/articles", fields: NewsletterFixtures.articleForm(edition: en, title: "Third story", slug: ""), headers: editor
            )
            #expect(third.status == .seeOther)

            // A slug is made from the title when none is given.
            let made = try #require(try await Article.query(on: app.db).filter(\.$title == "Third story").first())
            #expect(made.slug == "third-story")
            #expect(made.position == 3)

            // (An article sent with another language than its edition's takes the edition's: ArticleWritingTests.)
            let before = try await Self.snapshot(app)
            // A taken slug is refused.
            let taken = try await postForm(
                app, "/admin/articles", fields: NewsletterFixtures.articleForm(edition: en, title: "Again", slug: "first-story"),
                headers: editor)
            #expect(taken.status == .unprocessableEntity)
            #expect(fieldError(taken.text, "slug") != nil)
            #expect(try await Self.snapshot(app) == before)

            func order() async throws -> [String] {
                try await Article.query(on: app.db).filter(\.$edition.$id == en.id!).sort(\.$position).all().map(\.slug)
            }
            func positions() async throws -> [Int] {
                try await Article.query(on: app.db).filter(\.$edition.$id == en.id!).sort(\.$position).all().map(\.position)
            }
            #expect(try await order() == ["first-story", "second-story", "third-story"])
            let up = try await postForm(app, fixture.hub + "/articles/\(made.id!.uuidString)/move/up", fields: [:], headers: editor)
            #expect(up.status == .seeOther)
            #expect(try await order() == ["first-story", "third-story", "second-story"])
            let down = try await postForm(app, fixture.hub + "/articles/\(first.id!.uuidString)/move/down", fields: [:], headers: editor)
            #expect(down.status == .seeOther)
            #expect(try await order() == ["third-story", "first-story", "second-story"])
            #expect(try await positions() == [1, 2, 3])
            // Moving the first up or the last down changes nothing.
            _ = try await postForm(app, fixture.hub + "/articles/\(made.id!.uuidString)/move/up", fields: [:], headers: editor)
            _ = try await postForm(app, fixture.hub + "/articles/\(second.id!.uuidString)/move/down", fields: [:], headers: editor)
            #expect(try await order() == ["third-story", "first-story", "second-story"])
            #expect(try await positions() == [1, 2, 3])
            // The hub lists them in that order.
            let hub = try await app.testing().sendRequest(.GET, fixture.hub, headers: editor)
            let titles = hub.text.matches(#"<li><a href="/admin/articles/[^"]+/edit">([^<]+)</a>"#)
            #expect(titles == ["Third story", "First story", "Second story"])
            // An article of another issue cannot be moved through this one.
            let seedArticle = try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
            let foreign = try await postForm(
                app, fixture.hub + "/articles/\(seedArticle.id!.uuidString)/move/down", fields: [:], headers: editor)
            #expect(foreign.status == .notFound)
        }
    }

    @Test("The preview shows the draft exactly as readers will, only to staff; the public URL of a draft is 404")
    func preview() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let body = "First paragraph with *emphasis*.\n\nSecond paragraph with [a link](https://example.org).\n"
            let article = try await NewsletterFixtures.createArticle(
                app, editor, edition: try fixture.edition(.en), title: "Preview story", slug: "preview-story", body: body)
            let preview = try await app.testing().sendRequest(.GET, fixture.hub + "/preview?lang=en", headers: editor)
            #expect(preview.status == .ok)
            #expect(
                preview.text.contains(#"<div class="article-body">"# + article.bodyHTML + "</div>"), "the preview differs from the draft")
            #expect(article.bodyHTML.contains("<em>emphasis</em>"))
            #expect(preview.text.contains(#"<p class="issue-line">Issue 1, 2030 · <span class="issue-date">15 June 2030</span></p>"#))
            #expect(preview.text.contains("Preview: this is exactly what readers will see once the issue is published"))
            let chinese = try await app.testing().sendRequest(.GET, fixture.hub + "/preview?lang=zh", headers: editor)
            #expect(chinese.status == .ok)
            #expect(chinese.text.contains("2030年第1期"))

            let anonymous = try await app.testing().sendRequest(.GET, fixture.hub + "/preview?lang=en")
            #expect(anonymous.status != .ok, "the preview was shown to an anonymous reader")
            #expect(!anonymous.text.contains("Preview story"))
            let focal = try await signIn(app, as: Demo.focalPoint)
            let focalPreview = try await app.testing().sendRequest(.GET, fixture.hub + "/preview?lang=en", headers: focal)
            #expect(focalPreview.status == .forbidden)

            // Nothing of a draft is public.
            for path in ["/newsletters/2030/1", "/newsletters/2030/1?lang=zh", "/articles/preview-story", "/api/v1/newsletters/2030/1"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.status == .notFound, "\(path) answered \(response.status)")
                #expect(!response.text.contains("Preview story"), "\(path) shows the draft")
            }
            let archive = try await app.testing().sendRequest(.GET, "/newsletters")
            #expect(!archive.text.contains("Issue 1, 2030"))
        }
    }

    @Test("Publishing refuses a ready edition without articles; marked awaiting translation, the issue goes out")
    func publishNow() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            try await NewsletterFixtures.createArticle(app, editor, edition: try fixture.edition(.en), title: "Out now", slug: "out-now")

            let before = try await Self.snapshot(app)
            let refused = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(refused.status == .conflict)
            #expect(
                Self.hubError(refused.text) == "The Chinese edition has no articles: add some or mark it as awaiting translation.",
                "\(Self.hubError(refused.text) ?? "no message")")
            #expect(try await Self.snapshot(app) == before, "a refused publication changed something")
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2030/1").status == .notFound)

            let marked = try await postForm(
                app, fixture.hub + "/editions/zh/status", fields: ["status": "awaiting_translation"], headers: editor)
            #expect(marked.status == .seeOther)
            #expect(try await Edition.find(try fixture.edition(.zh).id, on: app.db)?.status == .awaitingTranslation)
            let bogus = try await postForm(app, fixture.hub + "/editions/zh/status", fields: ["status": "finished"], headers: editor)
            #expect(bogus.status == .unprocessableEntity)
            #expect(try await Edition.find(try fixture.edition(.zh).id, on: app.db)?.status == .awaitingTranslation)

            let published = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(published.status == .seeOther)
            let issue = try await NewsletterFixtures.reload(fixture.issue, app)
            #expect(issue.status == .published)
            #expect(issue.publishedAt != nil)
            let page = try await app.testing().sendRequest(.GET, "/newsletters/2030/1?lang=en")
            #expect(page.status == .ok)
            #expect(page.text.contains("Out now"))
            #expect(try await app.testing().sendRequest(.GET, "/articles/out-now").status == .ok)
            let chinese = try await app.testing().sendRequest(.GET, "/newsletters/2030/1?lang=zh")
            #expect(chinese.status == .ok)
            #expect(chinese.text.contains("本期中文版正在翻译中"))
            let archive = try await app.testing().sendRequest(.GET, "/newsletters?lang=en")
            #expect(archive.text.contains("Issue 1, 2030"))
            // Publishing twice is refused.
            let again = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(again.status == .conflict)
            // The change is audited.
            let audit = try await AuditEntry.query(on: app.db).all().filter {
                $0.entityID == issue.id!.uuidString && $0.action == "publish"
            }
            #expect(audit.count == 1)
        }
    }

    @Test("An issue with no articles at all cannot be published or scheduled")
    func noArticles() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 2)
            for language in ["en", "zh"] {
                _ = try await postForm(
                    app, fixture.hub + "/editions/\(language)/status", fields: ["status": "awaiting_translation"], headers: editor)
            }
            let before = try await Self.snapshot(app)
            let refused = try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor)
            #expect(refused.status == .conflict)
            #expect(Self.hubError(refused.text) == "An issue needs at least one article before it can be published.")
            let scheduled = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "Asia/Shanghai"],
                headers: editor)
            #expect(scheduled.status == .conflict)
            #expect(Self.hubError(scheduled.text) == "An issue needs at least one article before it can be published.")
            #expect(try await Self.snapshot(app) == before)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .draft)
        }
    }

    @Test("Several instances run the scheduler at once: a due issue is published once, with one audit entry")
    func scheduledPublicationOnce() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 4)
            try await NewsletterFixtures.createArticle(app, editor, edition: try fixture.edition(.en), title: "Once", slug: "once")
            _ = try await postForm(app, fixture.hub + "/editions/zh/status", fields: ["status": "awaiting_translation"], headers: editor)
            let scheduled = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "UTC"], headers: editor)
            try #require(scheduled.status == .seeOther)
            let due = try #require(try await NewsletterFixtures.reload(fixture.issue, app).scheduledAt).addingTimeInterval(60)

            let published = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 { group.addTask { try await IssueWorkflow.publishDue(on: app.db, now: due) } }
                return try await group.reduce(0, +)
            }
            #expect(published == 1, "\(published) schedulers reported publishing the issue")
            let entries = try await AuditEntry.query(on: app.db).filter(\.$entityID == fixture.issue.id!.uuidString)
                .filter(\.$action == "publish").count()
            #expect(entries == 1)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .published)
        }
    }

    @Test("Scheduling: a past time is refused; a future one is kept and publishDue publishes the issue once it is due")
    func scheduling() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 3)
            try await NewsletterFixtures.createArticle(app, editor, edition: try fixture.edition(.en), title: "Later", slug: "later")
            _ = try await postForm(app, fixture.hub + "/editions/zh/status", fields: ["status": "awaiting_translation"], headers: editor)

            let before = try await Self.snapshot(app)
            let past = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2020-01-01", "time": "09:00", "time_zone": "Asia/Shanghai"],
                headers: editor)
            #expect(past.status == .conflict)
            let message = Self.hubError(past.text) ?? ""
            #expect(message.contains("future"), "the refusal does not say the time must be in the future: \(message)")
            #expect(try await Self.snapshot(app) == before)
            let badZone = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "Mars/Olympus"],
                headers: editor)
            #expect(badZone.status == .unprocessableEntity)
            #expect(try await Self.snapshot(app) == before)

            let future = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "Asia/Shanghai"],
                headers: editor)
            #expect(future.status == .seeOther)
            let scheduled = try await NewsletterFixtures.reload(fixture.issue, app)
            #expect(scheduled.status == .scheduled)
            let time = try #require(scheduled.scheduledAt)
            // 09:00 in Shanghai is 01:00 UTC.
            #expect(time == ISO8601DateFormatter().date(from: "2099-01-01T01:00:00Z"))
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2030/3").status == .notFound)

            // Not yet due: nothing happens.
            #expect(try await IssueWorkflow.publishDue(on: app.db, now: time.addingTimeInterval(-60)) == 0)
            #expect(try await NewsletterFixtures.reload(fixture.issue, app).status == .scheduled)
            // Due: published, at the scheduled run.
            let now = time.addingTimeInterval(60)
            #expect(try await IssueWorkflow.publishDue(on: app.db, now: now) == 1)
            let published = try await NewsletterFixtures.reload(fixture.issue, app)
            #expect(published.status == .published)
            #expect(published.publishedAt.map { abs($0.timeIntervalSince(now)) < 1 } == true)
            #expect(published.scheduledAt == nil)
            try app.siteCache.invalidate()
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2030/3").status == .ok)
            // Running again publishes nothing more.
            #expect(try await IssueWorkflow.publishDue(on: app.db, now: now.addingTimeInterval(60)) == 0)
        }
    }

    @Test("A scheduled issue whose content stopped being publishable goes back to review instead of out")
    func scheduledButBroken() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 4)
            try await NewsletterFixtures.createArticle(app, editor, edition: try fixture.edition(.en), title: "Soon", slug: "soon")
            _ = try await postForm(app, fixture.hub + "/editions/zh/status", fields: ["status": "awaiting_translation"], headers: editor)
            let future = try await postForm(
                app, fixture.hub + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "UTC"], headers: editor)
            #expect(future.status == .seeOther)
            // The Chinese edition is marked ready again while still empty.
            _ = try await postForm(app, fixture.hub + "/editions/zh/status", fields: ["status": "ready"], headers: editor)
            let time = try #require(try await NewsletterFixtures.reload(fixture.issue, app).scheduledAt)
            #expect(try await IssueWorkflow.publishDue(on: app.db, now: time.addingTimeInterval(60)) == 0)
            let issue = try await NewsletterFixtures.reload(fixture.issue, app)
            #expect(issue.status == .inReview)
            #expect(issue.publishedAt == nil)
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2030/4").status == .notFound)
        }
    }

    @Test("An issue published in Chinese only tells English readers that the English edition awaits translation")
    func chineseOnlyIssue() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await NewsletterFixtures.allowSelfApproval(app)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 5)
            try await NewsletterFixtures.createArticle(app, editor, edition: try fixture.edition(.zh), title: "中文文章", slug: "zh-only")
            _ = try await postForm(app, fixture.hub + "/editions/en/status", fields: ["status": "awaiting_translation"], headers: editor)
            #expect(try await postForm(app, fixture.hub + "/publish", fields: [:], headers: editor).status == .seeOther)
            let page = try await app.testing().sendRequest(.GET, "/newsletters/2030/5?lang=en")
            #expect(page.status == .ok)
            #expect(page.text.contains("This edition is awaiting translation."))
            let archive = try await app.testing().sendRequest(.GET, "/newsletters?lang=en")
            let item = try #require(
                archive.text.components(separatedBy: #"<li class="issue-item">"#).first { $0.contains("Issue 5, 2030") },
                "the issue is not in the archive")
            #expect(item.contains("中文文章"))
            #expect(
                !item.contains("Chinese edition awaiting translation"),
                "the English archive says the Chinese edition awaits translation, but it is the English one")
        }
    }

    @Test("Drafting from a meeting into an issue puts each article last in the edition of its language")
    func draftIntoIssue() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fixture = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 6)
            try await NewsletterFixtures.createArticle(
                app, editor, edition: try fixture.edition(.en), title: "Lead story", slug: "lead-story")
            let meeting = try await DraftArticleTests.meeting(app)
            let response = try await postForm(
                app, "/admin/meetings/\(meeting.id!.uuidString)/draft-article", fields: ["issue_id": fixture.issue.id!.uuidString],
                headers: editor)
            #expect(response.status == .seeOther)
            let en = try await Article.query(on: app.db).filter(\.$edition.$id == (try fixture.edition(.en)).id!).sort(\.$position).all()
            let zh = try await Article.query(on: app.db).filter(\.$edition.$id == (try fixture.edition(.zh)).id!).sort(\.$position).all()
            #expect(en.map(\.position) == [1, 2])
            #expect(en.first?.slug == "lead-story")
            #expect(en.last?.language == .en)
            #expect(zh.map(\.position) == [1])
            #expect(zh.first?.language == .zh)
            #expect(zh.first?.$translationOf.id == en.last?.id)
        }
    }
}
