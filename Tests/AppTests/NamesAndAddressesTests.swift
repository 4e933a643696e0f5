import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Names and addresses that work in Chinese")
struct NamesAndAddressesTests {
    @Test("An address made from a Chinese title is its pinyin, never a bare number or nothing")
    func chineseSlugs() {
        #expect(Slug.make(from: "东盟") == "dong-meng")
        #expect(Slug.make(from: "2022年东盟环境合作周") == "2022nian-dong-meng-huan-jing-he-zuo-zhou")
        #expect(Slug.make(from: "Coopération régionale") == "cooperation-regionale")
        #expect(Slug.isValid(Slug.make(from: "生物多样性：昆明—蒙特利尔框架")))
    }

    @Test("Two articles with the same Chinese title and no typed address both save, the second at -2")
    func noClash() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            for _ in 0..<2 {
                let response = try await postForm(
                    app, "/admin/articles", fields: NewsletterFixtures.articleForm(edition: nil, language: .zh, title: "东盟环境合作"),
                    headers: editor)
                #expect(response.status == .seeOther, "\(response.status): \(visibleText(response.text).prefix(300))")
            }
            let slugs = try await Article.query(on: app.db).filter(\.$title == "东盟环境合作").all().map(\.slug).sorted()
            #expect(slugs == ["dong-meng-huan-jing-he-zuo", "dong-meng-huan-jing-he-zuo-2"])

            for _ in 0..<2 {
                let response = try await postForm(
                    app, "/admin/meeting-series", fields: ["name_en": "Working Group", "name_zh": "工作组"], headers: editor)
                #expect(response.status == .seeOther)
            }
            let series = try await MeetingSeries.query(on: app.db).filter(\.$nameEn == "Working Group").all().map(\.slug).sorted()
            #expect(series == ["working-group", "working-group-2"])

            let typed = try await postForm(
                app, "/admin/meeting-series", fields: ["name_en": "Other", "slug": "working-group"], headers: editor)
            #expect(typed.status == .unprocessableEntity, "a typed address another record has is accepted")
        }
    }

    @Test("Record text put into a drafted article stays text: emphasis, links and list markers are escaped")
    func markdownEscape() {
        let escaped = MarkdownEscape.text("Dr *Star* of [Org](/x) said <b>hi</b> and_so_on")
        let html = MarkdownRenderer.html(escaped)
        #expect(!html.contains("<em>") && !html.contains("<strong>"), "\(html)")
        #expect(!html.contains("<a "), "\(html)")
        #expect(!html.contains("<b>"), "\(html)")
        #expect(html.contains("*Star*") && html.contains("[Org](/x)"), "\(html)")
        #expect(!MarkdownRenderer.html(MarkdownEscape.text("- not a list")).contains("<li>"))
        #expect(!MarkdownRenderer.html(MarkdownEscape.text("1. not a list")).contains("<li>"))
        #expect(!MarkdownRenderer.html(MarkdownEscape.text("# not a heading")).contains("<h1>"))
        #expect(MarkdownEscape.text("东盟，2021年。") == "东盟，2021年。")
    }
}

@Suite("Prose differences by word")
struct WordDiffTests {
    static func marked(_ pieces: [WordDiff.Piece]) -> String {
        pieces.map { piece in
            switch piece.kind {
            case .same: return piece.text
            case .added: return "{+" + piece.text + "+}"
            case .removed: return "[-" + piece.text + "-]"
            }
        }.joined()
    }

    @Test("A two-word change shows as two words, in English and in Chinese")
    func twoWords() {
        let old = "The meeting was held by video on 23 July 2021 during the week."
        let new = "The meeting was held in Nanning on 23 July 2021 during the week."
        #expect(Self.marked(WordDiff.diff(old, new)) == "The meeting was held [-by video-]{+in Nanning+} on 23 July 2021 during the week.")
        #expect(Self.marked(WordDiff.diff("东盟环境合作中心", "东盟生态合作中心")) == "东盟[-环境-]{+生态+}合作中心")
        #expect(WordDiff.diff("same", "same") == [WordDiff.Piece(kind: .same, text: "same")])
    }

    @Test("Joining the pieces gives back both texts, whatever they are")
    func roundTrip() {
        let samples = ["", "a", "a b c", "Line one.\nLine two.\n", "中文，English; 混合 text!", "  spaced  out  ", "x\r\ny"]
        for old in samples {
            for new in samples {
                let pieces = WordDiff.diff(old, new)
                #expect(pieces.filter { $0.kind != .added }.map(\.text).joined() == old)
                #expect(pieces.filter { $0.kind != .removed }.map(\.text).joined() == new)
            }
        }
    }

    @Test("A text too long to compare unit by unit still diffs, its changed middle shown whole")
    func longText() {
        let old = String(repeating: "word ", count: 3_000) + "end"
        let new = String(repeating: "mot ", count: 3_000) + "end"
        let pieces = WordDiff.diff(old, new)
        #expect(pieces.filter { $0.kind != .added }.map(\.text).joined() == old)
        #expect(pieces.last == WordDiff.Piece(kind: .same, text: " end"))
    }

    @Test("A textarea's CR LF line endings are stored as LF")
    func lineEndings() {
        let spec = FieldSpec(name: "body", labelKey: "field.body", kind: .textarea)
        #expect(FormValidator.normalise(["body": "one\r\ntwo\rthree\n"], fields: [spec])["body"] == "one\ntwo\nthree")
    }
}
