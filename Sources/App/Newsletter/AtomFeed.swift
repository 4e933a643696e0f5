import Crypto
import Foundation

/// An Atom 1.0 feed (RFC 4287) with each article's full content.
struct AtomFeed {
    struct Link {
        let href: String
        /// The language of the page linked to (RFC 4287 §4.2.7.4).
        let hreflang: Language
        var rel = "alternate"
    }

    struct Entry {
        let id: String
        let title: String
        let links: [Link]
        let published: Date
        let updated: Date
        let summary: String
        let contentHTML: String
        let language: Language
    }

    let id: String
    let title: String
    let selfLink: String
    let alternateLink: Link
    let author: String
    let language: Language
    let entries: [Entry]
    /// When the feed has no entries: the newest change it could have reported.
    let emptySince: Date

    func render() -> String {
        let updated = entries.map(\.updated).max() ?? emptySince
        var xml = """
            <?xml version="1.0" encoding="utf-8"?>
            <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="\(language.htmlTag)">
            <id>\(escape(id))</id>
            <title>\(escape(title))</title>
            <updated>\(updated.internetTimestamp)</updated>
            <link rel="self" type="application/atom+xml" href="\(escape(selfLink))"/>
            \(render(alternateLink))
            <author><name>\(escape(author))</name></author>
            <generator>Focal</generator>

            """
        for entry in entries {
            xml += """
                <entry xml:lang="\(entry.language.htmlTag)">
                <id>\(escape(entry.id))</id>
                <title>\(escape(entry.title))</title>
                \(entry.links.map(render).joined(separator: "\n"))
                <published>\(entry.published.internetTimestamp)</published>
                <updated>\(entry.updated.internetTimestamp)</updated>
                <summary>\(escape(entry.summary))</summary>
                <content type="html">\(escape(entry.contentHTML))</content>
                </entry>

                """
        }
        return xml + "</feed>\n"
    }

    private func render(_ link: Link) -> String {
        "<link rel=\"\(link.rel)\" type=\"text/html\" hreflang=\"\(link.hreflang.htmlTag)\" href=\"\(escape(link.href))\"/>"
    }

    /// An id that names the thing, not where it is served (RFC 4287 §4.2.6): moving the site to
    /// another address must not make readers see every entry again.
    static func urn(_ id: UUID) -> String { "urn:uuid:" + id.uuidString.lowercased() }

    /// A stable UUID (RFC 9562 version 8) for something that has no record of its own, such as
    /// one language's feed: derived from a record's id and a name.
    static func derivedUUID(from base: UUID, name: String) -> UUID {
        var bytes = Array(SHA256.hash(data: Data((base.uuidString.lowercased() + "/" + name).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUID(
            uuid: (
                bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                bytes[12], bytes[13], bytes[14], bytes[15]
            ))
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
