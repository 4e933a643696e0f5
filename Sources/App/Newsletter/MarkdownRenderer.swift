import CCmarkGFM
import Foundation

/// Markdown to HTML with GitHub's cmark-gfm in its safe mode: raw HTML is dropped and
/// `javascript:`-style links are emptied by the library; a second pass keeps only http(s),
/// mailto and relative links, so nothing a writer types can run in a reader's browser.
enum MarkdownRenderer {
    private static let registered: Void = cmark_gfm_core_extensions_ensure_registered()

    /// `<h2>` becomes `<h3>` and so on (h6 stays h6), for text set under a heading of its own.
    static func headingsOneLevelDown(_ html: String) -> String {
        guard let tag = try? NSRegularExpression(pattern: "<(/?)h([1-6])(?=[\\s>])") else { return html }
        var result = ""
        var last = html.startIndex
        for match in tag.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let whole = Range(match.range, in: html), let slash = Range(match.range(at: 1), in: html),
                let level = Range(match.range(at: 2), in: html).flatMap({ Int(html[$0]) })
            else { continue }
            result += html[last..<whole.lowerBound] + "<" + html[slash] + "h" + String(min(6, level + 1))
            last = whole.upperBound
        }
        return result + html[last...]
    }

    static func html(_ markdown: String) -> String {
        _ = registered
        let options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8 | CMARK_OPT_SMART
        guard let parser = cmark_parser_new(options) else { return "" }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink"] {
            if let extensionPointer = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, extensionPointer) }
        }
        let utf8 = Array(markdown.utf8)
        utf8.withUnsafeBufferPointer { buffer in
            buffer.baseAddress?.withMemoryRebound(to: CChar.self, capacity: buffer.count) { cmark_parser_feed(parser, $0, buffer.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return "" }
        defer { cmark_node_free(document) }
        guard let rendered = cmark_render_html(document, options, cmark_parser_get_syntax_extensions(parser)) else { return "" }
        defer { free(rendered) }
        return LinkPolicy.apply(to: String(cString: rendered))
    }

    /// The text of the Markdown without markup, for feeds' summaries and e-mail previews.
    static func plainText(_ markdown: String) -> String {
        let html = html(markdown)
        let stripped = html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        return HTMLEntities.decode(stripped).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Keeps `href` and `src` values that are http(s), mailto or relative; anything else becomes "#".
enum LinkPolicy {
    static func apply(to html: String) -> String {
        let pattern = #"(href|src)="([^"]*)""#
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return html }
        var result = html
        for match in regex.matches(in: html, range: NSRange(html.startIndex..., in: html)).reversed() {
            guard let valueRange = Range(match.range(at: 2), in: html), let whole = Range(match.range, in: result),
                let attribute = Range(match.range(at: 1), in: html)
            else { continue }
            let value = HTMLEntities.decode(String(html[valueRange]))
            if !isAllowed(value) { result.replaceSubrange(whole, with: "\(html[attribute])=\"#\"") }
        }
        // An image whose source was refused (or emptied by cmark) would show as a broken picture:
        // its alternative text stands in its place.
        return result.replacingOccurrences(
            of: ##"<img src="#?"(?: alt="([^"]*)")?[^>]*>"##, with: "$1", options: .regularExpression)
    }

    static func isAllowed(_ url: String) -> Bool {
        let trimmed = url.trimmingCharacters(in: .whitespacesAndNewlines.union(.controlCharacters)).lowercased()
        if trimmed.isEmpty || trimmed.hasPrefix("/") || trimmed.hasPrefix("#") || trimmed.hasPrefix("?") { return !trimmed.hasPrefix("//") }
        guard let colon = trimmed.firstIndex(of: ":") else { return true }
        // A colon after a slash, ? or # belongs to a relative path, not a scheme.
        if let firstDelimiter = trimmed.firstIndex(where: { "/?#".contains($0) }), firstDelimiter < colon { return true }
        let scheme = String(trimmed[..<colon])
        return ["http", "https", "mailto"].contains(scheme)
    }
}

enum HTMLEntities {
    static func decode(_ text: String) -> String {
        var result = text
        for (entity, character) in [("&quot;", "\""), ("&#39;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&nbsp;", " ")] {
            result = result.replacingOccurrences(of: entity, with: character)
        }
        if let regex = try? NSRegularExpression(pattern: "&#(x?)([0-9a-fA-F]+);") {
            for match in regex.matches(in: result, range: NSRange(result.startIndex..., in: result)).reversed() {
                guard let whole = Range(match.range, in: result), let digits = Range(match.range(at: 2), in: result),
                    let hex = Range(match.range(at: 1), in: result)
                else { continue }
                let value = UInt32(result[digits], radix: result[hex].isEmpty ? 10 : 16)
                if let value, let scalar = Unicode.Scalar(value) { result.replaceSubrange(whole, with: String(Character(scalar))) }
            }
        }
        return result.replacingOccurrences(of: "&amp;", with: "&")
    }

    /// One pass over the bytes; the text itself when nothing needs escaping (the common case, and
    /// it runs for every value of every page and message).
    static func escape(_ text: String) -> String {
        let special: (UInt8) -> Bool = { $0 == 38 || $0 == 60 || $0 == 62 || $0 == 34 || $0 == 39 }
        guard text.utf8.contains(where: special) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 32)
        for byte in text.utf8 {
            switch byte {
            case 38: out.append(contentsOf: "&amp;".utf8)
            case 60: out.append(contentsOf: "&lt;".utf8)
            case 62: out.append(contentsOf: "&gt;".utf8)
            case 34: out.append(contentsOf: "&quot;".utf8)
            case 39: out.append(contentsOf: "&#39;".utf8)
            default: out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
