import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Text of a page for comparing with prose: inline markup is removed without adding spaces (so
/// "<em>x</em>." stays "x."), block tags become spaces, entities are decoded, whitespace collapsed.
func proseText(_ html: String) -> String {
    let inline = html.replacingOccurrences(
        of: #"</?(em|strong|a|sup|sub|span|code|del|ins|abbr)(\s[^>]*)?>"#, with: "", options: [.regularExpression, .caseInsensitive])
    return collapsed(HTMLSafety.decodeEntities(visibleText(inline)))
}

@Suite("The seed's newsletter issue as readers see it")
struct NewsletterDemoTests {
    static let issuePath = "/newsletters/2021/7"
    static let articleTitle = "ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021 Successfully Held"

    /// The seed article's paragraphs as plain text: `<sup>` and `*` markup removed, whitespace collapsed.
    static func seedParagraphs() throws -> [String] {
        let seed = try String(contentsOfFile: SeedDemoTests.seedPath, encoding: .utf8)
        let afterTitle = try #require(seed.components(separatedBy: "## " + articleTitle).last)
        let article = try #require(afterTitle.components(separatedBy: "## Contact Us").first)
        return article.components(separatedBy: "\n\n").map { paragraph in
            var text = paragraph.replacingOccurrences(of: #"<sup>([^<]*)</sup>"#, with: "$1", options: .regularExpression)
            text = text.replacingOccurrences(of: "*", with: "")
            return collapsed(text)
        }.filter { !$0.isEmpty }
    }

    @Test("The seed file gives five paragraphs for the article (the test reads what it means to)")
    func seedIsReadable() throws {
        let paragraphs = try Self.seedParagraphs()
        #expect(paragraphs.count == 5)
        #expect(paragraphs.first?.hasPrefix("On July 23, 2021, ASEAN-China National Focal Point Meeting") == true)
        #expect(paragraphs.last?.hasSuffix("other key regional environmental issues.") == true)
    }

    @Test("Issue 7, 2021 in English reads like the seed: masthead, title, date, the article in full, contact and about")
    func englishIssue() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, Self.issuePath + "?lang=en")
            #expect(response.status == .ok)
            let html = response.text
            let text = proseText(html)
            #expect(
                html.contains(
                    #"<p class="issue-publisher"><span lang="zh-Hans">中国-东盟环境保护合作中心</span> <span lang="en">China-ASEAN Environmental Cooperation Center</span></p>"#
                ))
            #expect(html.contains(#"<h1 class="issue-name">Newsletter</h1>"#))
            #expect(html.contains(#"<p class="issue-line">Issue 7, 2021 · <span class="issue-date">22 August 2021</span></p>"#))
            #expect(!text.contains("22th"), "the date must not copy the seed's \"22th\"")
            #expect(!text.contains("awaiting translation"), "the English edition has its text")
            #expect(html.contains(">" + Self.articleTitle + "</a></h2>"))
            for paragraph in try Self.seedParagraphs() {
                #expect(text.contains(paragraph), "the issue page lacks the seed paragraph: \(paragraph.prefix(80))…")
            }
            #expect(
                html.contains("<em>the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)</em>"),
                "the seed's *…* is italic")
            // The paragraphs are separate <p> elements, in the seed's order.
            let body = try #require(html.components(separatedBy: #"<div class="article-body">"#).dropFirst().first)
            let paragraphs = body.matches(#"<p>(.*?)</p>"#).map(proseText)
            #expect(Array(paragraphs.prefix(5)) == (try Self.seedParagraphs()))

            let contact = try #require(html.components(separatedBy: #"<section class="issue-contact colophon">"#).dropFirst().first)
            let contactText = proseText(contact)
            #expect(contactText.lowercased().hasPrefix("contact us"), "\(contactText.prefix(60))")
            for line in try SeedDemoTests.contactLines() {
                #expect(contactText.contains(line), "the contact block lacks the seed line: \(line)")
            }
            #expect(contact.contains(#"<a href="mailto:li.xia@fecomee.org.cn">li.xia@fecomee.org.cn</a>"#))
            #expect(contact.contains(#"<a href="http://www.chinaaseanenv.org">http://www.chinaaseanenv.org</a>"#))
            #expect(
                html.contains(
                    #"<p class="about">China-ASEAN Environmental Cooperation Center is committed to implementing China-ASEAN Environmental Cooperation Strategy and promoting China-ASEAN exchange and cooperation in the field of environment. It is an important platform of foreign environmental cooperation.</p>"#
                ))
            #expect(html.contains(#"href="/newsletters/2021/7.pdf?lang=en""#), "the page offers its PDF edition")
        }
    }

    @Test("In Chinese the issue is 2021年第7期 of 2021年8月22日 and says its edition awaits translation")
    func chineseIssue() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, Self.issuePath + "?lang=zh")
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains(#"<p class="issue-line">2021年第7期 · <span class="issue-date">2021年8月22日</span></p>"#))
            #expect(html.contains(#"<span lang="zh-Hans">中国-东盟环境保护合作中心</span>"#))
            let notice = try #require(html.matches(#"<div class="notice">(.*?)</div>"#).first, "no notice on the Chinese edition")
            #expect(proseText(notice).contains("翻译"), "the notice does not say the edition awaits translation: \(notice)")
            #expect(notice.contains(#"href="/newsletters/2021/7?lang=en""#), "the notice points to the English edition")
            // The English article is offered by title only, marked as English; its text is not passed off as the Chinese edition.
            #expect(html.contains(#"lang="en">"# + Self.articleTitle + "</a>"))
            #expect(!html.contains(#"<div class="article-body">"#))
            #expect(!html.contains("On July 23, 2021"))
            #expect(!proseText(html).contains("Issue 7, 2021"))
        }
    }

    @Test("The archive lists Issue 7, 2021 with its article, in both languages")
    func archive() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let english = try await app.testing().sendRequest(.GET, "/newsletters?lang=en")
            #expect(english.status == .ok)
            #expect(english.text.contains(#"<a href="/newsletters/2021/7" class="meeting-title">Issue 7, 2021</a>"#))
            #expect(english.text.contains("22 August 2021"))
            #expect(english.text.contains("<li>" + Self.articleTitle + "</li>"))
            #expect(english.text.contains(#"href="/newsletters/feed.atom?lang=en""#))
            let chinese = try await app.testing().sendRequest(.GET, "/newsletters?lang=zh")
            #expect(chinese.status == .ok)
            #expect(chinese.text.contains(#"<a href="/newsletters/2021/7" class="meeting-title">2021年第7期</a>"#))
            #expect(chinese.text.contains("中文版待翻译"))
            #expect(chinese.text.contains(#"<li lang="en">"# + Self.articleTitle + "</li>"))
        }
    }

    @Test("The article page names itself canonical and links its language versions with hreflang")
    func articlePage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let path = "/articles/" + SeedNewsletter.articleSlug
            let base = try app.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
            let response = try await app.testing().sendRequest(.GET, path)
            #expect(response.status == .ok)
            let html = response.text
            #expect(html.contains(#"<link rel="canonical" href=""# + base + path + #"">"#), "no canonical link to itself")
            #expect(html.contains(#"<link rel="alternate" hreflang="en" href=""# + base + path + #"">"#), "no hreflang alternate")
            #expect(html.contains(#"<article class="article single" lang="en">"#))
            #expect(html.contains("<h1>" + Self.articleTitle + "</h1>"))
            #expect(html.contains(#"<a href="/newsletters/2021/7?lang=en">Issue 7, 2021</a> · 22 August 2021"#))
            for paragraph in try Self.seedParagraphs() {
                #expect(proseText(html).contains(paragraph), "the article page lacks: \(paragraph.prefix(80))…")
            }
            // It reports on the seed's meeting.
            #expect(html.contains("/meetings/" + SeedMeeting.slug))

            // With a translation, both pages name each other with hreflang.
            let editor = try await signIn(app, as: Demo.editor)
            let english = try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
            let issue = try #require(try await IssueAddress.find(newsletter: nil, year: 2021, number: 7, on: app.db))
            let zhEdition = try #require(
                try await Edition.query(on: app.db).filter(\.$issue.$id == issue.id!).filter(\.$language == .zh).first())
            let created = try await postForm(
                app, "/admin/articles",
                fields: [
                    "edition_id": zhEdition.id!.uuidString, "language": "zh", "title": "2021年中国-东盟环境合作国家联络人会议成功召开",
                    "slug": "asean-china-nfp-meeting-2021-zh", "body": "2021年7月23日，会议以视频形式召开。", "translation_of_id": english.id!.uuidString,
                    "illustrative": "no", "version": "0",
                ], headers: editor)
            #expect(created.status == .seeOther, "\(created.status)")
            let zhPath = "/articles/asean-china-nfp-meeting-2021-zh"
            let englishAgain = try await app.testing().sendRequest(.GET, path)
            #expect(englishAgain.text.contains(#"<link rel="alternate" hreflang="zh-Hans" href=""# + base + zhPath + #"">"#))
            let chinese = try await app.testing().sendRequest(.GET, zhPath)
            #expect(chinese.status == .ok)
            #expect(chinese.text.contains(#"<link rel="canonical" href=""# + base + zhPath + #"">"#))
            #expect(chinese.text.contains(#"<link rel="alternate" hreflang="en" href=""# + base + path + #"">"#))
            #expect(chinese.text.contains(#"<article class="article single" lang="zh-Hans">"#))
        }
    }

    @Test("An article does not point readers (or the API) to a translation they cannot open")
    func unpublishedTranslationNotLinked() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let english = try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
            // A Chinese translation in a draft issue: not public yet.
            let draft = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            try await NewsletterFixtures.createArticle(
                app, editor, edition: try draft.edition(.zh), title: "会议成功召开（草稿）", slug: "nfp-2021-zh-draft", translationOf: english.id)
            #expect(try await app.testing().sendRequest(.GET, "/articles/nfp-2021-zh-draft").status == .notFound)
            try app.siteCache.invalidate()
            let page = try await app.testing().sendRequest(.GET, "/articles/" + SeedNewsletter.articleSlug)
            #expect(page.status == .ok)
            #expect(
                !page.text.contains("nfp-2021-zh-draft"),
                "the public article links (hreflang) to an unpublished translation, a 404 for readers")
            let api = try await app.testing().sendRequest(.GET, "/api/v1/articles/" + SeedNewsletter.articleSlug)
            let entry = try JSONSerialization.jsonObject(with: Data(api.body.readableBytesView)) as? [String: Any]
            #expect(entry?["translationSlug"] == nil, "the API names an unpublished translation: \(entry?["translationSlug"] ?? "")")
        }
    }
}
