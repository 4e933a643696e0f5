import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Copy for WeChat: inline styles only, images and links absolute")
struct WeChatCopyTests {
    @Test("Every element of the copied article carries its style; no class, id, style sheet or script; addresses are absolute")
    func inlineStylesOnly() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let body = """
                ## Agreed

                A paragraph with *emphasis*, **strength** and [a link](/meetings/x).

                - first
                - second

                > quoted

                ```swift
                let x = 1
                ```
                """
            let article = try await NewsletterFixtures.createArticle(
                app, editor, edition: nil, title: "Copy me", slug: "copy-me", body: body + "\n")
            let page = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/wechat", headers: editor)
            #expect(page.status == .ok)
            #expect(page.text.contains("<script src=\"/js/copy-html.js\""))
            let source = try #require(
                captures(#"<textarea id="wechat-source" readonly rows="12">(.*?)</textarea>"#, in: page.text).first?.first)
            let html = source.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
                .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&amp;", with: "&")
            let tags = captures(#"<([a-z][a-z0-9]*)([^>]*)>"#, in: html)
            #expect(tags.count > 10)
            for tag in tags where !["br"].contains(tag[0]) {
                #expect(tag[1].contains("style=\""), "<\(tag[0])\(tag[1])> has no style")
                #expect(!tag[1].contains("class=") && !tag[1].contains(" id="), "<\(tag[0])\(tag[1])> keeps a class or id")
            }
            #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("<style"))
            let base = try app.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
            #expect(html.contains("href=\"\(base)/meetings/x\""), "a link on this site is not absolute")
            #expect(html.contains(">Copy me</h1>") && html.contains("<em style=\"font-style:italic;\">emphasis</em>"))

            let preview = try await app.testing().sendRequest(
                .GET, "/admin/articles/\(article.id!.uuidString)/wechat/preview", headers: editor)
            #expect(preview.status == .ok)
            #expect(preview.headers.first(name: "Content-Security-Policy")?.contains("sandbox") == true)
            #expect(preview.text.contains(html), "the preview differs from what is copied")

            let anonymous = try await app.testing().sendRequest(.GET, "/admin/articles/\(article.id!.uuidString)/wechat")
            #expect(anonymous.status != .ok, "readers must not reach the copy page")
        }
    }

    @Test("In Chinese, emphasis is bold and upright, and the lead image is included at its absolute address")
    func chineseAndImage() throws {
        let html = WeChatCopy.html(
            title: "东盟", bodyHTML: "<p>这是<em>重点</em>。<img src=\"/x.png\" alt=\"图\"></p>", leadImage: ("https://h/articles/a/image", "alt"),
            source: "简报", language: .zh, base: "https://h")
        #expect(html.contains("<em style=\"font-style:normal;font-weight:600;\">重点</em>"))
        #expect(html.contains("<img src=\"https://h/articles/a/image\" alt=\"alt\" style="))
        #expect(html.contains("<img src=\"https://h/x.png\" alt=\"图\" style="))
    }
}
