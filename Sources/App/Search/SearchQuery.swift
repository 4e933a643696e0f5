import Foundation

/// What a reader typed, as terms every engine understands: runs of words (a quoted phrase, or one
/// word) and runs of Han characters. Operators of either engine's query language are never passed
/// through: every term reaches the engine quoted, so `NEAR`, `*`, `(` and quotes are only text.
struct SearchQuery: Equatable, Sendable {
    enum Term: Equatable, Sendable {
        /// Words that must appear in this order (one word: anywhere); with `prefix`, the last one
        /// also finds the longer words it begins.
        case words([String], prefix: Bool = false)
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
            // Typed words joined by punctuation (an address, "2021-2025", "nfp.m") are read as a
            // phrase, as a quoted one is.
            for chunk in quoted ? [part] : part.split(whereSeparator: \.isWhitespace).map(String.init) {
                let (words, runs) = SearchText.split(chunk)
                let tokens = Self.wordTokens(words)
                if runs.isEmpty, tokens.count > 1 {
                    terms.append(.words(tokens, prefix: !quoted && Self.isPrefix(tokens.last ?? "", alone: false)))
                } else {
                    terms += tokens.map { .words([$0], prefix: !quoted && Self.isPrefix($0, alone: true)) }
                    terms += runs.map { .han($0) }
                }
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

    /// A lone Latin letter is too common to mean anything and is dropped; a lone digit ("delegate
    /// 4", "issue 7") and a lone Han character are words.
    var meaningfulTerms: [Term] {
        terms.filter {
            switch $0 {
            case .words(let words, _): return words.count > 1 || (words.first.map(Self.isWord) ?? false)
            case .han: return true
            }
        }
    }

    /// Two letters or more, or digits.
    static func isWord(_ token: String) -> Bool { token.count >= 2 || token.allSatisfy(\.isNumber) }

    /// A word of three or more letters also finds the longer words it begins, so "env" finds
    /// "environment" as the reader types, and the stemmers' "environ" (for "environment") still
    /// finds "environmental" (stemmed "environment"). The last word of a typed phrase does so at
    /// any length ("nfp.m" finds nfp.mm@…). Numbers match as written.
    static func isPrefix(_ word: String, alone: Bool) -> Bool {
        word.count >= (alone ? 3 : 1) && !word.allSatisfy(\.isNumber)
    }

    /// Every piece of text a result should highlight: the words and the Han runs.
    var highlights: [String] {
        meaningfulTerms.flatMap { term -> [String] in
            switch term {
            // A letter of a phrase marks nothing: it would mark every word it begins.
            case .words(let words, _): return words.filter(Self.isWord)
            case .han(let characters): return [String(characters)]
            }
        }
    }
}
