import Foundation

/// Text made searchable the same way on both engines. Han script has no spaces between words, and
/// a word is most often two characters (东盟, 环境, 气候): each run of Han characters is indexed as
/// its single characters and as its overlapping pairs, so a query of one character finds the
/// characters, a query of two finds the pair, and a longer one finds its pairs in a row. Everything
/// else is left to the engine's word tokenizer (stemming, folded diacritics).
enum SearchText {
    struct Indexed: Equatable, Sendable {
        /// The text with its Han runs taken out, for the word tokenizer.
        var words: String
        /// Every Han character, separated by spaces.
        var han1: String
        /// Every pair of neighbouring Han characters within a run, separated by spaces.
        var han2: String
    }

    static func isHan(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F: return true
        default: return false
        }
    }

    /// The runs of Han characters in a text, and the text with them replaced by spaces.
    static func split(_ text: String) -> (words: String, runs: [[Character]]) {
        var words = ""
        var runs: [[Character]] = []
        var run: [Character] = []
        for character in text {
            if let scalar = character.unicodeScalars.first, character.unicodeScalars.count == 1, isHan(scalar) {
                run.append(character)
            } else {
                if !run.isEmpty {
                    runs.append(run)
                    run = []
                    words.append(" ")
                }
                words.append(character)
            }
        }
        if !run.isEmpty {
            runs.append(run)
            words.append(" ")
        }
        return (words, runs)
    }

    /// The same as splitting into runs and joining them, in one pass over the scalars: indexing
    /// reads every text of the index, and Characters cost several times more than scalars.
    static func index(_ text: String) -> Indexed {
        var words = String.UnicodeScalarView()
        var han1 = String.UnicodeScalarView()
        var han2 = String.UnicodeScalarView()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if isHan(scalar) {
                if !han1.isEmpty { han1.append(" ") }
                han1.append(scalar)
                if let previous {
                    if !han2.isEmpty { han2.append(" ") }
                    han2.append(previous)
                    han2.append(scalar)
                }
                previous = scalar
            } else {
                if previous != nil {
                    words.append(" ")
                    previous = nil
                }
                words.append(scalar)
            }
        }
        if previous != nil { words.append(" ") }
        return Indexed(words: String(words), han1: String(han1), han2: String(han2))
    }

    static func pairs(_ run: [Character]) -> [String] {
        guard run.count >= 2 else { return [] }
        return (0..<(run.count - 1)).map { String(run[$0]) + String(run[$0 + 1]) }
    }
}
