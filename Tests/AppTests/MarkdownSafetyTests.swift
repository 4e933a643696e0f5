import Foundation
import Testing

@testable import App

/// Reads rendered HTML the way a browser's tokenizer would, as far as the safety checks need:
/// every start tag with its attributes (quoted, unquoted or bare), values entity-decoded.
enum HTMLSafety {
    struct Tag {
        let name: String
        let attributes: [(name: String, value: String)]
    }

    static func tags(_ html: String) -> [Tag] {
        let tagPattern = #"<([A-Za-z][A-Za-z0-9:-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>"#
        let attributePattern = #"([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"#
        guard let tagRegex = try? NSRegularExpression(pattern: tagPattern),
            let attributeRegex = try? NSRegularExpression(pattern: attributePattern)
        else { return [] }
        return tagRegex.matches(in: html, range: NSRange(html.startIndex..., in: html)).compactMap { match in
            guard let nameRange = Range(match.range(at: 1), in: html) else { return nil }
            let rest = Range(match.range(at: 2), in: html).map { String(html[$0]) } ?? ""
            let attributes = attributeRegex.matches(in: rest, range: NSRange(rest.startIndex..., in: rest)).compactMap {
                attribute -> (String, String)? in
                guard let name = Range(attribute.range(at: 1), in: rest) else { return nil }
                let value = (2...4).lazy.compactMap { Range(attribute.range(at: $0), in: rest) }.first.map { String(rest[$0]) } ?? ""
                return (String(rest[name]).lowercased(), decodeEntities(value))
            }
            return Tag(name: String(html[nameRange]).lowercased(), attributes: attributes)
        }
    }

    /// Decodes named, decimal and hexadecimal character references (with or without the final `;`,
    /// as browsers do in attribute values for numeric ones).
    static func decodeEntities(_ text: String) -> String {
        var result = ""
        var index = text.startIndex
        let named: [String: String] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "colon": ":", "tab": "\t", "newline": "\n",
            "lpar": "(", "rpar": ")", "sol": "/", "period": ".",
        ]
        while index < text.endIndex {
            let character = text[index]
            guard character == "&" else {
                result.append(character)
                index = text.index(after: index)
                continue
            }
            let rest = text[text.index(after: index)...]
            if rest.hasPrefix("#") {
                var cursor = rest.index(after: rest.startIndex)
                let hex = cursor < rest.endIndex && (rest[cursor] == "x" || rest[cursor] == "X")
                if hex { cursor = rest.index(after: cursor) }
                let start = cursor
                while cursor < rest.endIndex, rest[cursor].isHexDigit && (hex || rest[cursor].isNumber) {
                    cursor = rest.index(after: cursor)
                }
                if cursor > start, let value = UInt32(rest[start..<cursor], radix: hex ? 16 : 10), let scalar = Unicode.Scalar(value) {
                    result.unicodeScalars.append(scalar)
                    index = cursor < rest.endIndex && rest[cursor] == ";" ? rest.index(after: cursor) : cursor
                    continue
                }
            } else if let semicolon = rest.firstIndex(of: ";"), let value = named[String(rest[..<semicolon]).lowercased()] {
                result += value
                index = rest.index(after: semicolon)
                continue
            }
            result.append(character)
            index = text.index(after: index)
        }
        return result
    }

    /// What a URL attribute may hold: http(s), mailto, or a relative reference (not scheme-relative).
    static func isSafeURL(_ raw: String) -> Bool {
        // Browsers drop leading/trailing spaces and controls and ignore tabs and newlines inside URLs.
        let stripped = String(
            String.UnicodeScalarView(
                raw.unicodeScalars.filter { !($0 == "\t" || $0 == "\n" || $0 == "\r") }
            )
        ).trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters))
        let lower = stripped.lowercased()
        if lower.hasPrefix("//") || lower.hasPrefix("\\\\") || lower.hasPrefix("/\\") || lower.hasPrefix("\\/") { return false }
        guard let scheme = lower.range(of: #"^[a-z][a-z0-9+.-]*:"#, options: .regularExpression) else {
            // No scheme: relative. A colon may only come after a path, query or fragment delimiter.
            if let colon = lower.firstIndex(of: ":") {
                guard let delimiter = lower.firstIndex(where: { "/?#".contains($0) }), delimiter < colon else { return false }
            }
            return true
        }
        return ["http:", "https:", "mailto:"].contains(String(lower[scheme]))
    }

    static let urlAttributes: Set<String> = [
        "href", "src", "srcset", "action", "formaction", "xlink:href", "poster", "background", "data", "cite", "longdesc", "lowsrc",
        "dynsrc",
    ]
    static let forbiddenTags: Set<String> = [
        "script", "iframe", "style", "object", "embed", "frame", "frameset", "form", "input", "button", "svg", "math", "meta", "link",
        "base", "textarea", "select", "applet", "template",
    ]

    /// Every way the HTML could run code or load a foreign scheme; empty means safe.
    static func problems(_ html: String) -> [String] {
        var problems: [String] = []
        let lower = html.lowercased()
        for needle in ["<script", "<iframe", "<style", "<svg", "<object", "<embed"] where lower.contains(needle) {
            problems.append("contains \(needle)")
        }
        for tag in tags(html) {
            if forbiddenTags.contains(tag.name) { problems.append("a <\(tag.name)> element") }
            for (name, value) in tag.attributes {
                if name.hasPrefix("on") { problems.append("<\(tag.name)> has an event handler \(name)=\(value)") }
                if name == "style" { problems.append("<\(tag.name)> has a style attribute") }
                if urlAttributes.contains(name), !isSafeURL(value) { problems.append("<\(tag.name) \(name)=\"\(value)\">") }
            }
        }
        return problems
    }

    /// Every href and src value in the HTML, decoded.
    static func urls(_ html: String) -> [String] {
        tags(html).flatMap { $0.attributes.filter { ["href", "src"].contains($0.name) }.map(\.value) }
    }
}

@Suite("Markdown rendering is safe: nothing a writer types can run in a reader's browser")
struct MarkdownSafetyTests {
    static let payloads: [String] = [
        "<script>alert(1)</script>",
        "Text <script src=\"https://evil.example/x.js\"></script> more",
        "<SCRIPT>alert(1)</SCRIPT>",
        "<scr<script>ipt>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<img src=\"x\" onerror=\"alert(1)\">",
        "Inline <img src=x onerror=alert(1)> image",
        "<svg onload=alert(1)>",
        "<svg><script>alert(1)</script></svg>",
        "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<style>body { background: url(javascript:alert(1)) }</style>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\"x\" onclick=\"alert(1)\">x</a>",
        "<div onmouseover=\"alert(1)\">hover</div>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=\"javascript:alert(1)\">",
        "<form action=\"javascript:alert(1)\"><button>go</button></form>",
        "<details open ontoggle=alert(1)>",
        "<body onload=alert(1)>",
        "<!-- <script>alert(1)</script> -->",
        "<!--><img src=x onerror=alert(1)>-->",
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](  javascript:alert(1))",
        "[x](<javascript:alert(1)>)",
        "[x](java&#x09;script:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](&#106;avascript:alert(1))",
        "[x](javas\tcript:alert(1))",
        "[x](%6Aavascript:alert(1))",
        "<javascript:alert(1)>",
        "<JAVASCRIPT:alert(1)>",
        "![x](javascript:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
        "![x](data:image/png;base64,iVBORw0KGgo=)",
        "[x](file:///etc/passwd)",
        "[x](//evil.example/x)",
        "[x](\\\\evil.example/x)",
        "[x][evil]\n\n[evil]: javascript:alert(1)",
        "[x][evil]\n\n[evil]: <vbscript:msgbox(1)>",
        "![x][pic]\n\n[pic]: data:image/svg+xml,<svg/onload=alert(1)>",
        "[x](https://example.org \"onmouseover=alert(1)\")",
        "[x](https://example.org\" onmouseover=\"alert(1))",
        "[x](https://example.org/\"><script>alert(1)</script>)",
        "![x\" onerror=\"alert(1)](https://example.org/a.png)",
        "<https://example.org/\"onmouseover=\"alert(1)>",
        "www.example.org/\"onmouseover=\"alert(1)",
        "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
        "- <img src=x onerror=alert(1)>\n- [y](vbscript:x)",
        "> <iframe src=//evil.example></iframe>",
        "```html\n<script>alert(1)</script>\n```",
        "<a href=\"&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)\">x</a>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<base href=\"javascript:/\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
        "<link rel=\"stylesheet\" href=\"javascript:alert(1)\">",
        "**<img src=x onerror=alert(1)>**",
        "[*x*](javascript:alert(1))",
    ]

    @Test("The checker itself finds what it is meant to find")
    func checkerCatches() {
        let unsafe = [
            "<script>x</script>", "<iframe></iframe>", "<style></style>", "<p onclick=\"x\">", "<p ONMOUSEOVER=x>",
            "<a href=\"javascript:x\">", "<a href=\" JaVaScRiPt:x\">", "<a href=\"java&#x09;script:x\">", "<a href=\"&#106;avascript:x\">",
            "<img src=\"data:image/svg+xml,x\">", "<a href=\"//evil.example\">", "<a href=\"vbscript:x\">", "<a href=\"file:///etc\">",
            "<a href='javascript:x'>", "<a href=javascript:x>", "<img src=x onerror=alert(1)>",
        ]
        for html in unsafe { #expect(!HTMLSafety.problems(html).isEmpty, "the checker missed \(html)") }
        let safe = [
            "<a href=\"https://example.org\">x</a>", "<a href=\"mailto:a@b.org\">x</a>", "<a href=\"/meetings\">x</a>",
            "<a href=\"#top\">x</a>", "<a href=\"?page=2\">x</a>", "<a href=\"a/b:c\">x</a>", "<img src=\"\" alt=\"x\" />",
            "<p title=\"onmouseover=x\">x</p>", "<p>onclick=alert(1)</p>", "&lt;script&gt;",
        ]
        for html in safe { #expect(HTMLSafety.problems(html).isEmpty, "the checker refused \(html): \(HTMLSafety.problems(html))") }
    }

    @Test("Each of the XSS payloads renders to HTML with no script, frame, style, event handler or unsafe URL")
    func payloadsAreNeutralised() {
        #expect(Self.payloads.count >= 25)
        for payload in Self.payloads {
            let html = MarkdownRenderer.html(payload)
            let problems = HTMLSafety.problems(html)
            #expect(problems.isEmpty, "\(payload.debugDescription) rendered as \(html.debugDescription): \(problems)")
            for url in HTMLSafety.urls(html) {
                #expect(HTMLSafety.isSafeURL(url), "\(payload.debugDescription) kept the URL \(url.debugDescription)")
            }
        }
    }

    @Test("All payloads in one document render safely too")
    func payloadsTogether() {
        let html = MarkdownRenderer.html(Self.payloads.joined(separator: "\n\n"))
        #expect(HTMLSafety.problems(html) == [])
    }

    @Test("A link's visible text survives when its unsafe target is removed")
    func unsafeLinkKeepsText() {
        let html = MarkdownRenderer.html("Read [the report](javascript:alert(1)) today.")
        #expect(html.contains("the report"))
        #expect(!html.lowercased().contains("javascript"))
    }

    @Test("An image with an unsafe source becomes its alternative text, not a broken picture; a safe image stays")
    func unsafeImageBecomesText() {
        let html = MarkdownRenderer.html("Before ![The delegates](javascript:alert(1)) after ![Chart](https://example.org/c.png)")
        #expect(!html.contains(##"src="#""##) && !html.contains(#"src="""#), "\(html)")
        #expect(html.contains("Before The delegates after"), "\(html)")
        #expect(html.contains(#"<img src="https://example.org/c.png" alt="Chart""#), "\(html)")
    }

    @Test("Safe links, emphasis, lists and tables survive rendering")
    func safeMarkdownSurvives() {
        let cases: [(String, String)] = [
            ("[ok](https://example.org)", #"<a href="https://example.org">ok</a>"#),
            ("[plain](http://example.org/a?b=c)", #"<a href="http://example.org/a?b=c">plain</a>"#),
            ("[mail](mailto:a@b.org)", #"<a href="mailto:a@b.org">mail</a>"#),
            ("[rel](/meetings)", #"<a href="/meetings">rel</a>"#),
            ("[frag](#contact)", ##"<a href="#contact">frag</a>"##),
            ("<https://www.chinaaseanenv.org>", #"<a href="https://www.chinaaseanenv.org">https://www.chinaaseanenv.org</a>"#),
            ("![map](/img/map.png)", #"<img src="/img/map.png" alt="map" />"#),
            ("*italic* and **bold**", "<em>italic</em> and <strong>bold</strong>"),
            ("~~gone~~", "<del>gone</del>"),
            ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
            ("1. first\n2. second", "<ol>\n<li>first</li>\n<li>second</li>\n</ol>"),
            ("> quoted", "<blockquote>\n<p>quoted</p>\n</blockquote>"),
        ]
        for (markdown, expected) in cases {
            let html = MarkdownRenderer.html(markdown)
            #expect(html.contains(expected), "\(markdown.debugDescription) rendered as \(html.debugDescription)")
            #expect(HTMLSafety.problems(html) == [], "\(markdown.debugDescription)")
        }
        let table = MarkdownRenderer.html("| Country | Delegates |\n|---|---:|\n| Myanmar | 4 |\n| Thailand | 5 |")
        #expect(table.contains("<table>"), "\(table)")
        #expect(table.contains("<th>Country</th>"), "\(table)")
        #expect(table.matches(#"(<td[^>]*>Myanmar</td>)"#).count == 1, "\(table)")
        #expect(table.matches(#"(<td[^>]*>5</td>)"#).count == 1, "\(table)")
        #expect(HTMLSafety.problems(table) == [])
        // Text that merely looks like code is shown, escaped, not dropped.
        let text = MarkdownRenderer.html("Type `<script>` to see 1 < 2 & 3 > 2.")
        #expect(text.contains("<code>&lt;script&gt;</code>"), "\(text)")
        #expect(text.contains("1 &lt; 2 &amp; 3 &gt; 2"), "\(text)")
    }

    @Test("LinkPolicy keeps http(s), mailto and relative URLs and refuses every other scheme")
    func linkPolicy() {
        for url in [
            "https://example.org", "HTTP://EXAMPLE.ORG", "mailto:a@b.org", "/meetings", "meetings/2021", "#top", "?q=1", "a/b:c", "",
        ] {
            #expect(LinkPolicy.isAllowed(url), "\(url) was refused")
        }
        for url in [
            "javascript:alert(1)", " JavaScript:alert(1)", "\u{01}javascript:alert(1)", "vbscript:x", "data:text/html,x",
            "file:///etc/passwd",
            "//evil.example", "ftp://example.org", "tel:123",
        ] {
            #expect(!LinkPolicy.isAllowed(url), "\(url.debugDescription) was allowed")
        }
        #expect(LinkPolicy.apply(to: #"<a href="javascript:alert(1)">x</a>"#) == ##"<a href="#">x</a>"##)
        #expect(LinkPolicy.apply(to: #"<a href="&#106;avascript:alert(1)">x</a>"#) == ##"<a href="#">x</a>"##)
        // A refused image source leaves the image's alternative text, not a broken picture.
        #expect(LinkPolicy.apply(to: #"<img src="data:image/png;base64,AAAA" alt="Chart" />"#) == "Chart")
    }
}
