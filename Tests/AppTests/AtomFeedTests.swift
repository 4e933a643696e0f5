import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Atom feed of newsletter articles (RFC 4287)")
struct AtomFeedTests {
    static let feedparserScript = #"""
        import json, sys
        try:
            import feedparser
        except ImportError:
            print("MISSING")
            sys.exit(3)
        d = feedparser.parse(open(sys.argv[1], "rb").read())
        out = {
            "bozo": int(bool(d.bozo)), "bozo_exception": str(d.get("bozo_exception", "")), "version": d.get("version", ""),
            "feed": {"id": d.feed.get("id", ""), "title": d.feed.get("title", ""), "updated": d.feed.get("updated", ""),
                     "language": d.feed.get("language", ""),
                     "links": [{"rel": l.get("rel", ""), "href": l.get("href", "")} for l in d.feed.get("links", [])]},
            "entries": [],
        }
        for e in d.entries:
            out["entries"].append({
                "id": e.get("id", ""), "title": e.get("title", ""), "link": e.get("link", ""),
                "updated": e.get("updated", ""), "updated_parsed": bool(e.get("updated_parsed")),
                "published": e.get("published", ""), "summary": e.get("summary", ""),
                "links": [{"rel": l.get("rel", ""), "href": l.get("href", ""), "hreflang": l.get("hreflang", "")}
                          for l in e.get("links", [])],
                "language": (e.get("title_detail") or {}).get("language", "") or "",
                "content": [{"type": c.get("type", ""), "value": c.get("value", ""), "language": c.get("language", "") or ""}
                            for c in e.get("content", [])],
            })
        print(json.dumps(out))
        """#

    /// Parses a feed with Python's feedparser; a missing package fails the test, it never skips it.
    static func parse(_ text: String) throws -> [String: Any]? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("focal-\(UUID().uuidString).atom")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runPython(feedparserScript, arguments: [file.path])
        if result.status == 3 || result.stdout.hasPrefix("MISSING") {
            Issue.record(
                "The Python package feedparser is not installed; install it with `scripts/install-system-packages test` (Debian's python3-feedparser)."
            )
            return nil
        }
        if result.status == 127 {
            Issue.record("/usr/bin/python3 was not found; run `scripts/install-system-packages test`.")
            return nil
        }
        guard result.status == 0 else {
            Issue.record("feedparser failed on the feed: \(result.stderr)")
            return nil
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    static func checkHeaders(_ response: TestingHTTPResponse, _ what: String) {
        #expect(response.status == .ok, "\(what) answered \(response.status)")
        let type = response.headers.contentType
        #expect(type?.type == "application" && type?.subType == "atom+xml", "\(what) is served as \(type?.serialize() ?? "nothing")")
        #expect(response.text.hasPrefix("<?xml"), "\(what) does not start with an XML declaration")
    }

    @Test("The English feed is valid Atom 1.0 with the seed's article in full")
    func englishFeed() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=en")
            Self.checkHeaders(response, "the English feed")
            let feed = try #require(try Self.parse(response.text))
            #expect(feed["bozo"] as? Int == 0, "feedparser found the feed malformed: \(feed["bozo_exception"] ?? "")")
            #expect(feed["version"] as? String == "atom10")
            let base = try app.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
            let head = feed["feed"] as? [String: Any] ?? [:]
            #expect((head["id"] as? String)?.isEmpty == false)
            #expect((head["title"] as? String)?.contains("Newsletter") == true, "\(head["title"] ?? "")")
            #expect((head["updated"] as? String)?.isEmpty == false)
            let links = head["links"] as? [[String: String]] ?? []
            #expect(links.contains { $0["rel"] == "self" && $0["href"] == base + "/newsletters/feed.atom?lang=en" }, "\(links)")
            let entries = feed["entries"] as? [[String: Any]] ?? []
            #expect(entries.count >= 1)
            let entry = try #require(
                entries.first { $0["title"] as? String == NewsletterDemoTests.articleTitle }, "no entry for the seed article")
            let url = base + "/articles/" + SeedNewsletter.articleSlug
            let article = try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
            #expect(
                entry["id"] as? String == "urn:uuid:" + (article.id?.uuidString.lowercased() ?? ""), "ids name the record, not the address")
            #expect(entry["link"] as? String == url)
            #expect(response.text.contains(#"hreflang="en" href="\#(url)""#), "the article's link carries no hreflang")
            #expect((entry["updated"] as? String)?.isEmpty == false)
            #expect(entry["updated_parsed"] as? Bool == true, "the entry's updated is not an RFC 3339 date")
            #expect((entry["published"] as? String)?.hasPrefix("2021-08-2") == true, "\(entry["published"] ?? "")")
            let content = try #require((entry["content"] as? [[String: Any]])?.first, "the entry has no content")
            #expect(content["type"] as? String == "text/html")
            let value = content["value"] as? String ?? ""
            #expect(
                proseText(value).contains(
                    "Vong Sok, Head of the Environment Division of ASEAN Secretariat underscored that 2021 marked the 30th Anniversary of ASEAN-China Dialogue Relations"
                ), "the content is not the full article")
            #expect(value.contains("<em>the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)</em>"))
            #expect(proseText(value).contains("other key regional environmental issues."), "the content is cut short")
            #expect((entry["summary"] as? String)?.contains("Issue 7, 2021") == true)
            // Every entry is an English article.
            for entry in entries {
                let language = (entry["content"] as? [[String: Any]])?.first?["language"] as? String ?? ""
                #expect(language == "en", "\(entry["title"] ?? "") is in \(language)")
            }
        }
    }

    @Test("The Chinese feed is valid Atom, dated, and while Issue 7's Chinese edition awaits translation it has one entry saying so")
    func chineseFeed() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=zh")
            Self.checkHeaders(response, "the Chinese feed")
            #expect(response.text.contains(#"xml:lang="zh-Hans""#))
            let feed = try #require(try Self.parse(response.text))
            #expect(feed["bozo"] as? Int == 0, "feedparser found the feed malformed: \(feed["bozo_exception"] ?? "")")
            #expect(feed["version"] as? String == "atom10")
            let entries = feed["entries"] as? [[String: Any]] ?? []
            #expect(
                !entries.contains { $0["title"] as? String == NewsletterDemoTests.articleTitle },
                "the English article is in the Chinese feed")
            #expect(!response.text.contains("<updated>1970"), "the feed is dated 1970")
            let issueEntry = try #require(entries.first, "the Chinese feed is empty while Issue 7 is out")
            #expect((issueEntry["title"] as? String)?.contains("2021") == true, "\(issueEntry["title"] ?? "")")
            #expect(
                (issueEntry["published"] as? String)?.hasPrefix("2021-08-2") == true, "dated by the issue: \(issueEntry["published"] ?? "")"
            )
            let links = issueEntry["links"] as? [[String: String]] ?? []
            #expect(
                links.contains { $0["hreflang"] == "zh-Hans" && ($0["href"] ?? "").hasSuffix("/newsletters/2021/7?lang=zh") }, "\(links)")
            #expect(links.contains { $0["hreflang"] == "en" && ($0["href"] ?? "").hasSuffix("/newsletters/2021/7?lang=en") }, "\(links)")
            #expect((issueEntry["summary"] as? String)?.contains("翻译") == true, "\(issueEntry["summary"] ?? "")")
            for entry in entries {
                let language = (entry["content"] as? [[String: Any]])?.first?["language"] as? String ?? ""
                #expect(language == "zh-Hans", "\(entry["title"] ?? "") is in \(language)")
            }
            #expect(!response.text.contains("On July 23, 2021"))
        }
    }

    @Test("A published Chinese article appears in the Chinese feed only; a draft issue's article in neither")
    func feedsFollowLanguageAndStatus() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let issue = try #require(try await IssueAddress.find(newsletter: nil, year: 2021, number: 7, on: app.db))
            let zh = try #require(try await Edition.query(on: app.db).filter(\.$issue.$id == issue.id!).filter(\.$language == .zh).first())
            let created = try await postForm(
                app, "/admin/articles",
                fields: [
                    "edition_id": zh.id!.uuidString, "language": "zh", "title": "会议成功召开", "slug": "feed-zh-article",
                    "body": "2021年7月23日，会议以*视频*形式召开。", "translation_of_id": "", "illustrative": "no", "version": "0",
                ], headers: editor)
            #expect(created.status == .seeOther)
            // A draft issue with an English article.
            let draft = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let draftEN = try #require(draft.editions.first { $0.language == .en })
            _ = try await NewsletterFixtures.createArticle(app, editor, edition: draftEN, title: "Not yet out", slug: "not-yet-out")

            let chinese = try #require(try Self.parse(try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=zh").text))
            #expect(chinese["bozo"] as? Int == 0)
            let zhEntries = chinese["entries"] as? [[String: Any]] ?? []
            #expect(zhEntries.map { $0["title"] as? String } == ["会议成功召开"])
            let zhContent = (zhEntries.first?["content"] as? [[String: Any]])?.first?["value"] as? String ?? ""
            #expect(zhContent.contains("<em>视频</em>"))
            let english = try #require(try Self.parse(try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=en").text))
            let enTitles = (english["entries"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            #expect(enTitles == [NewsletterDemoTests.articleTitle], "\(enTitles)")
        }
    }
}
