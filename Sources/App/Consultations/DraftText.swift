import Foundation

/// A draft's text as the secretariat writes it and member states cite it: blocks separated by a
/// blank line; a block that starts with `#` is a heading, every other block a paragraph numbered
/// in order (1, 2, 3 …), the numbers a comment refers to. A paragraph typed with its own number
/// ("3. Welcomes …" or "3) …") keeps that number's place, without the number in its text.
enum DraftText {
    struct Block: Equatable, Sendable {
        enum Kind: String, Codable, CaseIterable, Sendable { case heading, paragraph }
        let kind: Kind
        /// "1", "2" … for paragraphs; nil for headings.
        let number: String?
        let text: String
    }

    static func blocks(_ markdown: String) -> [Block] {
        var blocks: [Block] = []
        var number = 0
        let normalised = markdown.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        for raw in normalised.components(separatedBy: "\n\n") {
            let lines = raw.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            let text = lines.filter { !$0.isEmpty }.joined(separator: " ")
            guard !text.isEmpty else { continue }
            if text.hasPrefix("#") {
                blocks.append(
                    Block(kind: .heading, number: nil, text: String(text.drop { $0 == "#" }).trimmingCharacters(in: .whitespaces)))
            } else {
                number += 1
                blocks.append(Block(kind: .paragraph, number: String(number), text: withoutOwnNumber(text)))
            }
        }
        return blocks
    }

    /// "3. Welcomes" → "Welcomes"; text without a leading number is returned as it is.
    static func withoutOwnNumber(_ text: String) -> String {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 3 else { return text }
        let rest = text.dropFirst(digits.count)
        guard let mark = rest.first, mark == "." || mark == ")", rest.dropFirst().first?.isWhitespace == true else { return text }
        return rest.dropFirst().trimmingCharacters(in: .whitespaces)
    }

    /// The Markdown that gives back these blocks.
    static func markdown(_ blocks: [Block]) -> String {
        blocks.map { $0.kind == .heading ? "# " + $0.text : $0.text }.joined(separator: "\n\n")
    }
}
