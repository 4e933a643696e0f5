import Foundation

/// What a reader typed, as terms every engine understands: runs of words (a quoted phrase, or one
/// word) and runs of Han characters. Operators of either engine's query language are never passed
/// through: every term reaches the engine quoted, so `NEAR`, `*`, `(` and quotes are only text.
struct SearchQuery: Equatable, Sendable {
    enum Term: Equatable, Sendable {
        /// Words that must appear in this order (one word: anywhere).
        case words([String])
        /// Han characters that must appear together.
        case han([Character])
    }

    static let maximumLength = 500
    static let maximumTerms = 16

    let terms: [Term]
    /// The query as it was understood, for "results for …" and the search box.
    let text: String

    var isEmpty: Bool { terms.isEmpty }

    init(_ raw: String) {
        // Control characters and anything past the limit are dropped, not refused: a pasted
        // paragraph still searches for its beginning.
        let cleaned = String(String.UnicodeScalarView(raw.unicodeScalars.filter { !CharacterSet.controlCharacters.contains($0) }))
        let text = String(cleaned.prefix(Self.maximumLength)).trimmingCharacters(in: .whitespacesAndNewlines)
        self.text = text
        var terms: [Term] = []
        for (part, quoted) in Self.quotedParts(text) {
            let (words, runs) = SearchText.split(part)
            let tokens = Self.wordTokens(words)
            if quoted, runs.isEmpty, !tokens.isEmpty {
                terms.append(.words(tokens))
            } else {
                terms += tokens.map { .words([$0]) }
                terms += runs.map { .han($0) }
            }
        }
        var seen: [Term] = []
        for term in terms where !seen.contains(term) { seen.append(term) }
        self.terms = Array(seen.prefix(Self.maximumTerms))
    }

    /// The text split at double quotes: odd pieces are the quoted ones. An unbalanced quote
    /// quotes the rest.
    static func quotedParts(_ text: String) -> [(String, Bool)] {
        let normalised = text.replacingOccurrences(of: "“", with: "\"").replacingOccurrences(of: "”", with: "\"")
            .replacingOccurrences(of: "「", with: "\"").replacingOccurrences(of: "」", with: "\"")
        return normalised.split(separator: "\"", omittingEmptySubsequences: false).enumerated().compactMap { index, piece in
            let part = piece.trimmingCharacters(in: .whitespaces)
            return part.isEmpty ? nil : (part, index % 2 == 1)
        }
    }

    /// Letters and digits make words; everything else separates them.
    static func wordTokens(_ text: String) -> [String] {
        text.lowercased().split { !($0.isLetter || $0.isNumber) }.map(String.init)
    }

    /// Terms of one character need a query of at least that: a lone Latin letter or digit is too
    /// common to mean anything and is dropped; a lone Han character is a word.
    var meaningfulTerms: [Term] {
        terms.filter {
            switch $0 {
            case .words(let words): return words.count > 1 || (words.first?.count ?? 0) >= 2
            case .han: return true
            }
        }
    }

    /// A lone word of four or more letters also finds the longer words it begins: the stemmers
    /// take "environment" to "environ" but "environmental" to "environment", which an exact
    /// match would miss. Numbers and phrases match as written.
    static func isPrefix(_ words: [String]) -> Bool {
        words.count == 1 && (words.first?.count ?? 0) >= 4 && !(words.first?.allSatisfy(\.isNumber) ?? true)
    }

    /// Every piece of text a result should highlight: the words and the Han runs.
    var highlights: [String] {
        meaningfulTerms.flatMap { term -> [String] in
            switch term {
            case .words(let words): return words
            case .han(let characters): return [String(characters)]
            }
        }
    }
}
