import Foundation

/// The part of a result's text around its first match, cut into plain and highlighted pieces, so
/// that the template escapes every piece and marks the matches without any HTML from the record.
enum SearchSnippet {
    struct Piece: Encodable, Equatable, Sendable {
        let text: String
        let mark: Bool
    }

    static let before = 60
    static let length = 220

    static func make(_ text: String, highlights: [String]) -> [Piece] {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " · ")
        let ranges = matches(in: flat, highlights)
        var start: String.Index
        if let first = ranges.first?.lowerBound {
            start = flat.index(first, offsetBy: -before, limitedBy: flat.startIndex) ?? flat.startIndex
        } else {
            start = flat.startIndex
        }
        var end = flat.index(start, offsetBy: length, limitedBy: flat.endIndex) ?? flat.endIndex
        // Cut between words, not inside one (Han text has no spaces and is cut anywhere).
        if start > flat.startIndex, isWordCharacter(flat[flat.index(before: start)]), isWordCharacter(flat[start]),
            let space = flat[start...].firstIndex(where: \.isWhitespace), space < (ranges.first?.lowerBound ?? end)
        {
            start = flat.index(after: space)
        }
        if end < flat.endIndex, isWordCharacter(flat[flat.index(before: end)]), isWordCharacter(flat[end]),
            let space = flat[start..<end].lastIndex(where: \.isWhitespace)
        {
            end = space
        }
        var pieces: [Piece] = []
        var cursor = start
        if start > flat.startIndex { pieces.append(Piece(text: "…", mark: false)) }
        for range in ranges where range.lowerBound >= cursor && range.upperBound <= end {
            if cursor < range.lowerBound { pieces.append(Piece(text: String(flat[cursor..<range.lowerBound]), mark: false)) }
            pieces.append(Piece(text: String(flat[range]), mark: true))
            cursor = range.upperBound
        }
        if cursor < end { pieces.append(Piece(text: String(flat[cursor..<end]), mark: false)) }
        if end < flat.endIndex { pieces.append(Piece(text: "…", mark: false)) }
        return pieces
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        (character.isLetter || character.isNumber) && !character.unicodeScalars.contains(where: SearchText.isHan)
    }

    /// A whole short text (a title) with its matches marked.
    static func marked(_ text: String, highlights: [String]) -> [Piece] {
        var pieces: [Piece] = []
        var cursor = text.startIndex
        for range in matches(in: text, highlights) {
            if cursor < range.lowerBound { pieces.append(Piece(text: String(text[cursor..<range.lowerBound]), mark: false)) }
            pieces.append(Piece(text: String(text[range]), mark: true))
            cursor = range.upperBound
        }
        if cursor < text.endIndex { pieces.append(Piece(text: String(text[cursor...]), mark: false)) }
        return pieces
    }

    /// Where the query's terms occur, in order and without overlaps: Han runs as written, words by
    /// the stem they share (`cooperate` marks `cooperation`), whole words only.
    static func matches(in text: String, _ highlights: [String]) -> [Range<String.Index>] {
        var found: [Range<String.Index>] = []
        for term in highlights where !term.isEmpty {
            if term.unicodeScalars.contains(where: SearchText.isHan) {
                var from = text.startIndex
                while let range = text.range(of: term, range: from..<text.endIndex) {
                    found.append(range)
                    from = range.upperBound
                }
            } else {
                let folded = term.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                let stem = folded.allSatisfy(\.isNumber) ? folded : String(folded.prefix(max(3, folded.count - 3)))
                var index = text.startIndex
                while index < text.endIndex {
                    guard text[index].isLetter || text[index].isNumber else {
                        index = text.index(after: index)
                        continue
                    }
                    let wordEnd = text[index...].firstIndex { !($0.isLetter || $0.isNumber) } ?? text.endIndex
                    let word = text[index..<wordEnd].folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
                    if word == folded
                        || (word.hasPrefix(stem) && (word.count <= folded.count + 6 || folded.count <= 4) && !folded.allSatisfy(\.isNumber))
                    {
                        found.append(index..<wordEnd)
                    }
                    index = wordEnd
                }
            }
        }
        var ordered: [Range<String.Index>] = []
        for range in found.sorted(by: { $0.lowerBound < $1.lowerBound })
        where ordered.last.map({ $0.upperBound <= range.lowerBound }) ?? true {
            ordered.append(range)
        }
        return ordered
    }
}
