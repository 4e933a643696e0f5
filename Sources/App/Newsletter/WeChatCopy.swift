import Foundation

/// An article as the WeChat official-account editor keeps it when pasted: HTML whose every
/// element carries its look in a `style` attribute (the editor drops classes, style sheets and
/// scripts), with images and links at absolute addresses.
enum WeChatCopy {
    static let ink = "#1d2a26"
    static let brand = "#0b6e4f"
    static let muted = "#5b6b66"
    static let line = "#d5dfdb"
    static let tint = "#f3f7f5"

    static func styles(_ language: Language) -> [String: String] {
        [
            "p": "margin:0 0 1em;line-height:1.75;font-size:16px;color:\(ink);",
            "h1": "margin:0 0 .6em;font-size:22px;line-height:1.4;font-weight:700;color:\(brand);",
            "h2": "margin:1.4em 0 .6em;font-size:19px;line-height:1.4;font-weight:700;color:\(brand);",
            "h3": "margin:1.2em 0 .5em;font-size:17px;line-height:1.4;font-weight:700;color:\(ink);",
            "h4": "margin:1em 0 .5em;font-size:16px;font-weight:700;color:\(ink);",
            "ul": "margin:0 0 1em;padding-left:1.4em;", "ol": "margin:0 0 1em;padding-left:1.4em;",
            "li": "margin:.3em 0;line-height:1.75;font-size:16px;color:\(ink);",
            "blockquote": "margin:0 0 1em;padding:.6em 1em;border-left:4px solid \(brand);background:\(tint);color:\(muted);",
            "a": "color:\(brand);text-decoration:underline;",
            "strong": "font-weight:700;",
            // Chinese has no italics: emphasis is set bold, never slanted.
            "em": language == .zh ? "font-style:normal;font-weight:600;" : "font-style:italic;",
            "img": "display:block;max-width:100%;height:auto;margin:0 auto 1em;",
            "table": "border-collapse:collapse;width:100%;margin:0 0 1em;font-size:14px;",
            "th": "border:1px solid \(line);padding:6px;background:\(tint);text-align:left;",
            "td": "border:1px solid \(line);padding:6px;",
            "code": "font-family:Menlo,Consolas,monospace;font-size:14px;background:\(tint);padding:0 .2em;",
            "pre": "margin:0 0 1em;padding:.8em;background:\(tint);overflow-x:auto;font-size:14px;white-space:pre-wrap;",
            "hr": "border:none;border-top:1px solid \(line);margin:1.5em 0;",
            "del": "color:\(muted);", "sup": "font-size:12px;",
        ]
    }

    /// The article with its title, standfirst, byline, lead image, any correction and a line
    /// saying where it was published.
    static func html(
        title: String, bodyHTML: String, leadImage: (src: String, alt: String)?, source: String, language: Language, base: String,
        summary: String = "", byline: String = "", correction: String? = nil
    )
        -> String
    {
        let styles = styles(language)
        var html = "<section style=\"font-size:16px;line-height:1.75;color:\(ink);\">"
        html += "<h1 style=\"\(styles["h1"] ?? "")\">" + HTMLEntities.escape(title) + "</h1>"
        if !summary.isEmpty {
            html +=
                "<p style=\"margin:0 0 .8em;font-size:17px;color:\(ink);white-space:pre-line;\">" + HTMLEntities.escape(summary) + "</p>"
        }
        if !byline.isEmpty { html += "<p style=\"margin:0 0 1em;font-size:14px;color:\(muted);\">" + HTMLEntities.escape(byline) + "</p>" }
        if let leadImage {
            html +=
                "<img src=\"" + HTMLEntities.escape(leadImage.src) + "\" alt=\"" + HTMLEntities.escape(leadImage.alt) + "\" style=\""
                + (styles["img"] ?? "") + "\">"
        }
        html += inlineStyled(bodyHTML, styles: styles, base: base)
        if let correction {
            html +=
                "<p style=\"margin:1em 0 0;padding:.5em .8em;font-size:14px;background:\(tint);color:\(ink);\">"
                + HTMLEntities.escape(correction) + "</p>"
        }
        html += "<p style=\"margin:1.5em 0 0;font-size:14px;color:\(muted);\">" + HTMLEntities.escape(source) + "</p></section>"
        return html
    }

    /// Every opening tag loses its class and id and gets its style; addresses on this site become
    /// absolute, since the pasted text lives on another.
    static func inlineStyled(_ html: String, styles: [String: String], base: String) -> String {
        let tag = try? NSRegularExpression(pattern: #"<([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*?)?)(\s*/?)>"#)
        let attribute = try? NSRegularExpression(pattern: #"\s(class|id|style)\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)"#)
        guard let tag, let attribute else { return html }
        var result = ""
        var last = html.startIndex
        for match in tag.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let whole = Range(match.range, in: html), let nameRange = Range(match.range(at: 1), in: html),
                let attributesRange = Range(match.range(at: 2), in: html), let closeRange = Range(match.range(at: 3), in: html)
            else { continue }
            result += html[last..<whole.lowerBound]
            let name = html[nameRange].lowercased()
            var attributes = String(html[attributesRange])
            attributes = attribute.stringByReplacingMatches(
                in: attributes, range: NSRange(attributes.startIndex..., in: attributes), withTemplate: "")
            for key in ["href", "src"] {
                attributes = attributes.replacingOccurrences(of: " \(key)=\"/", with: " \(key)=\"\(base)/")
            }
            let style = styles[name].map { " style=\"\($0)\"" } ?? ""
            result += "<" + name + attributes + style + html[closeRange] + ">"
            last = whole.upperBound
        }
        return result + html[last...]
    }
}
