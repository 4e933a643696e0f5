import Foundation

/// An Atom 1.0 feed (RFC 4287) with each article's full content.
struct AtomFeed {
    struct Entry {
        let id: String
        let title: String
        let link: String
        let published: Date
        let updated: Date
        let summary: String
        let contentHTML: String
        let language: Language
    }

    let id: String
    let title: String
    let selfLink: String
    let alternateLink: String
    let author: String
    let language: Language
    let entries: [Entry]

    func render() -> String {
        let formatter = ISO8601DateFormatter()
        let updated = entries.map(\.updated).max() ?? Date(timeIntervalSince1970: 0)
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(language.htmlTag)">
            <id>\(escape(id))</id>
            <title>\(escape(title))</title>
            <updated>\(formatter.string(from: updated))</updated>
            <link rel="self" type="application/atom+xml" href="\(escape(selfLink))"/>
            <link rel="alternate" type="text/html" href="\(escape(alternateLink))"/>
            <author><name>\(escape(author))</name></author>
            <generator>Focal</generator>

            """
        for entry in entries {
            xml += """
                <entry xml:lang="\(entry.language.htmlTag)">
                <id>\(escape(entry.id))</id>
                <title>\(escape(entry.title))</title>
                <link rel="alternate" type="text/html" href="\(escape(entry.link))"/>
                <published>\(formatter.string(from: entry.published))</published>
                <updated>\(formatter.string(from: entry.updated))</updated>
                <summary>\(escape(entry.summary))</summary>
                <content type="html">\(escape(entry.contentHTML))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    private func escape(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.filter {
                    $0 == "\t" || $0 == "\n" || $0 == "\r" || ($0.value >= 0x20 && $0.value != 0xFFFE && $0.value != 0xFFFF)
                }
            )
        )
        .replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
