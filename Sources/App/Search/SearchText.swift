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

    /// The same as splitting into runs and joining them, in one pass over the UTF-8 bytes: indexing
    /// reads every text of the index, and bytes cost a fraction of Characters or even scalars.
    static func index(_ text: String) -> Indexed {
        var contiguous = text
        return contiguous.withUTF8 { bytes in
            // No Han character begins below U+3400 (E3 90 80): most English texts are their own words.
            guard bytes.contains(where: { $0 >= 0xE3 }) else { return Indexed(words: text, han1: "", han2: "") }
            return index(utf8: bytes)
        }
    }

    private static func index(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Indexed {
        var words: [UInt8] = []
        var han1: [UInt8] = []
        var han2: [UInt8] = []
        words.reserveCapacity(bytes.count)
        var previous: Range<Int>?
        var position = 0
        while position < bytes.count {
            let (scalar, length) = decode(bytes, at: position)
            let character = position..<(position + length)
            if isHan(scalar) {
                if !han1.isEmpty { han1.append(0x20) }
                han1.append(contentsOf: bytes[character])
                if let previous {
                    if !han2.isEmpty { han2.append(0x20) }
                    han2.append(contentsOf: bytes[previous])
                    han2.append(contentsOf: bytes[character])
                }
                previous = character
            } else {
                if previous != nil {
                    words.append(0x20)
                    previous = nil
                }
                words.append(contentsOf: bytes[character])
            }
            position += length
        }
        if previous != nil { words.append(0x20) }
        return Indexed(
            words: String(decoding: words, as: UTF8.self), han1: String(decoding: han1, as: UTF8.self),
            han2: String(decoding: han2, as: UTF8.self))
    }

    /// The scalar at `position` of valid UTF-8 (a Swift string's), and how many bytes it takes.
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> (Unicode.Scalar, Int) {
        let lead = UInt32(bytes[position])
        let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
        guard length > 1, position + length <= bytes.count else { return (Unicode.Scalar(UInt8(truncatingIfNeeded: lead)), 1) }
        var value = lead & (0xFF >> (length + 1))
        for offset in 1..<length { value = value << 6 | (UInt32(bytes[position + offset]) & 0x3F) }
        return (Unicode.Scalar(value) ?? " ", length)
    }

    /// Whether a text has Latin letters and whether it has Han characters.
    static func scripts(_ text: Substring) -> (latin: Bool, han: Bool) {
        var latin = false
        var han = false
        for scalar in text.unicodeScalars {
            if latin && han { break }
            if scalar.isASCII {
                if !latin, (0x41...0x5A).contains(scalar.value) || (0x61...0x7A).contains(scalar.value) { latin = true }
            } else if !han, isHan(scalar) {
                han = true
            }
        }
        return (latin, han)
    }

    static func pairs(_ run: [Character]) -> [String] {
        guard run.count >= 2 else { return [] }
        return (0..<(run.count - 1)).map { String(run[$0]) + String(run[$0 + 1]) }
    }
}
