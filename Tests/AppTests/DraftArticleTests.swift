import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Drafting a newsletter article from a held meeting's record")
struct DraftArticleTests {
    static let memberStatesEN = [
        "Brunei Darussalam", "Cambodia", "Indonesia", "Malaysia", "Myanmar", "Philippines", "Singapore", "Thailand", "Viet Nam",
    ]
    static let memberStatesZH = ["文莱", "柬埔寨", "印度尼西亚", "马来西亚", "缅甸", "菲律宾", "新加坡", "泰国", "越南"]

    static func meeting(_ app: Application, _ slug: String = SeedMeeting.slug) async throws -> Meeting {
        try #require(try await Meeting.query(on: app.db).filter(\.$slug == slug).first(), "no meeting \(slug)")
    }

    /// Posts "Draft article" and returns the English and Chinese articles it made.
    static func draft(_ app: Application, _ editor: HTTPHeaders, _ meeting: Meeting) async throws -> (en: Article, zh: Article) {
        let before = Set(try await Article.query(on: app.db).all().compactMap(\.id))
        let response = try await postForm(app, "/admin/meetings/\(meeting.id!.uuidString)/draft-article", fields: [:], headers: editor)
        #expect(response.status == .seeOther, "drafting answered \(response.status)")
        let created = try await Article.query(on: app.db).all().filter { !before.contains($0.id!) }
        #expect(created.count == 2, "drafting made \(created.count) articles")
        let en = try #require(created.first { $0.language == .en }, "no English draft")
        let zh = try #require(created.first { $0.language == .zh }, "no Chinese draft")
        #expect(response.location == "/admin/articles/\(en.id!.uuidString)/edit", "drafting led to \(response.location ?? "nowhere")")
        return (en, zh)
    }

    @Test("The drafts of the seed's meeting state its facts in English and Chinese, linked to each other and to the meeting")
    func draftsFromRecord() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try await Self.meeting(app)
            let (en, zh) = try await Self.draft(app, editor, meeting)

            // The editor opens on the English draft.
            let page = try await app.testing().sendRequest(.GET, "/admin/articles/\(en.id!.uuidString)/edit", headers: editor)
            #expect(page.status == .ok)
            #expect(page.text.contains(en.title))

            // linked as translations and to the meeting
            #expect(zh.$translationOf.id == en.id)
            #expect(en.$translationOf.id == nil)
            for article in [en, zh] {
                let links = try await ArticleLink.query(on: app.db).filter(\.$article.$id == article.id!).all()
                #expect(
                    links.contains { $0.target == .meeting && $0.targetID == meeting.id },
                    "\(article.language) draft is not linked to the meeting")
                #expect(article.version == 1)
                #expect(try await ArticleRevision.query(on: app.db).filter(\.$article.$id == article.id!).count() == 1)
                #expect(HTMLSafety.problems(article.bodyHTML) == [])
            }

            let english = collapsed(en.bodyMarkdown)
            #expect(en.title.contains("ASEAN-China National Focal Point Meeting on Environmental Cooperation"))
            for fact in [
                "23 July 2021", "by video", "during ASEAN-China Environmental Cooperation Week 2021",
                "hosted by the Ministry of Ecology and Environment",
                "organized by China-ASEAN Environmental Cooperation Center", "Zhou Jun", "moderated the meeting", "about 40 delegates",
                "highlighted that under the support of ASEAN Secretariat, China and ASEAN Member States actively formulated and adopted the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)",
                "underscored that 2021 marked the 30th Anniversary of ASEAN-China Dialogue Relations",
                "mentioned that it was meaningful that ASEAN-China environmental cooperation focuses on regional hotspot environmental issues",
                "Vong Sok", "San Oo, Deputy Director General, Environmental Conservation Department of Myanmar",
            ] {
                #expect(english.contains(fact), "the English draft does not state \"\(fact)\":\n\(en.bodyMarkdown)")
            }
            for country in Self.memberStatesEN {
                #expect(english.contains(country), "the English draft omits \(country)")
            }
            #expect(!english.contains("Lao"), "the English draft names Lao PDR, which did not attend")
            #expect(!english.contains("July 23"), "dates read \"23 July 2021\"")

            let chinese = collapsed(zh.bodyMarkdown)
            for fact in ["2021年7月23日", "视频", "生态环境部", "主办", "中国-东盟环境保护合作中心", "承办", "主持会议", "约40名代表"] {
                #expect(chinese.contains(fact), "the Chinese draft does not state \"\(fact)\":\n\(zh.bodyMarkdown)")
            }
            for country in Self.memberStatesZH {
                #expect(chinese.contains(country), "the Chinese draft omits \(country)")
            }
            #expect(!chinese.contains("老挝"), "the Chinese draft names Lao PDR, which did not attend")
            #expect(zh.title.hasSuffix("成功召开"))
        }
    }

    @Test("The draft follows the record: one more member state absent gives fewer delegates and leaves it out")
    func draftFollowsRecord() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try await Self.meeting(app)
            let thailand = try #require(try await Country.query(on: app.db).filter(\.$code == "TH").first())
            let thai = try await Participation.query(on: app.db).filter(\.$meeting.$id == meeting.id!).filter(
                \.$country.$id == thailand.id!
            )
            .all().filter { $0.attendance == .present }
            #expect(thai.count == 5, "the demo has \(thai.count) Thai delegates present")
            var fields: [String: String] = [:]
            for participation in thai { fields["a__" + participation.id!.uuidString] = "absent" }
            let saved = try await postForm(app, "/admin/meetings/\(meeting.id!.uuidString)/attendance", fields: fields, headers: editor)
            #expect(saved.status == .seeOther, "the attendance sheet answered \(saved.status)")

            let (en, zh) = try await Self.draft(app, editor, meeting)
            let english = collapsed(en.bodyMarkdown)
            #expect(english.contains("about 35 delegates"), "\(en.bodyMarkdown)")
            #expect(!english.contains("about 40"))
            #expect(!english.contains("Thailand"), "the draft still names Thailand")
            for country in Self.memberStatesEN where country != "Thailand" {
                #expect(english.contains(country), "the English draft omits \(country)")
            }
            let chinese = collapsed(zh.bodyMarkdown)
            #expect(chinese.contains("约35名代表"), "\(zh.bodyMarkdown)")
            #expect(!chinese.contains("泰国"))
            #expect(!chinese.contains("约40名"))
        }
    }

    @Test("A second draft is a new pair with new slugs; the first is untouched")
    func secondDraft() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try await Self.meeting(app)
            let first = try await Self.draft(app, editor, meeting)
            let second = try await Self.draft(app, editor, meeting)
            #expect(Set([first.en.slug, first.zh.slug, second.en.slug, second.zh.slug]).count == 4)
            #expect(second.zh.$translationOf.id == second.en.id)
            #expect(try await Article.find(first.en.id, on: app.db)?.bodyMarkdown == first.en.bodyMarkdown)
        }
    }

    @Test("A meeting that has not been held cannot be written up: 409 and no article")
    func notHeld() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let forum = try await Self.meeting(app, "asean-china-environmental-cooperation-forum-2021")
            #expect(forum.status != .held)
            let before = try await Article.query(on: app.db).count()
            let revisions = try await ArticleRevision.query(on: app.db).count()
            let response = try await postForm(app, "/admin/meetings/\(forum.id!.uuidString)/draft-article", fields: [:], headers: editor)
            #expect(response.status == .conflict)
            #expect(response.text.contains("Only a meeting that has been held can be written up."))
            #expect(try await Article.query(on: app.db).count() == before)
            #expect(try await ArticleRevision.query(on: app.db).count() == revisions)
        }
    }

    @Test("Only editors may draft: anonymous callers and focal points are refused and nothing is written")
    func onlyEditors() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let meeting = try await Self.meeting(app)
            let before = try await Article.query(on: app.db).count()
            let anonymous = try await postForm(app, "/admin/meetings/\(meeting.id!.uuidString)/draft-article", fields: [:])
            #expect(anonymous.status != .seeOther || anonymous.location?.hasPrefix("/login") == true)
            let focal = try await signIn(app, as: Demo.focalPoint)
            let refused = try await postForm(app, "/admin/meetings/\(meeting.id!.uuidString)/draft-article", fields: [:], headers: focal)
            #expect(refused.status == .forbidden || refused.status == .notFound, "\(refused.status)")
            #expect(try await Article.query(on: app.db).count() == before)
        }
    }
}
