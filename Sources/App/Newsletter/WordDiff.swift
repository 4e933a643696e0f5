/// The difference between two texts word by word, so a two-word change shows as two words: words,
/// runs of spaces and each punctuation mark are units, and each Han character is one (Chinese
/// has no spaces between words).
enum WordDiff {
    enum Kind: String, Encodable {
        case same
        case added
        case removed
    }

    struct Piece: Encodable, Equatable {
        let kind: Kind
        let text: String
    }

    /// Beyond this many unit comparisons the changed middle is shown as removed and added whole,
    /// so one request never builds a table of hundreds of megabytes.
    static let comparisonLimit = 4_000_000

    static func diff(_ old: String, _ new: String) -> [Piece] {
        let a = tokens(old)
        let b = tokens(new)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let oldMiddle = Array(a[prefix..<(a.count - suffix)])
        let newMiddle = Array(b[prefix..<(b.count - suffix)])
        var pieces: [Piece] = []
        func append(_ kind: Kind, _ text: String) {
            guard !text.isEmpty else { return }
            if let last = pieces.last, last.kind == kind {
                pieces[pieces.count - 1] = Piece(kind: kind, text: last.text + text)
            } else {
                pieces.append(Piece(kind: kind, text: text))
            }
        }
        append(.same, a[0..<prefix].joined())
        if oldMiddle.count * newMiddle.count > comparisonLimit {
            append(.removed, oldMiddle.joined())
            append(.added, newMiddle.joined())
        } else {
            // A change reads as one: the words removed, then the words put in their place, the
            // spaces between changed words belonging to the change.
            let ops = middle(oldMiddle, newMiddle)
            var removed = ""
            var added = ""
            var index = 0
            while index < ops.count {
                let (kind, token) = ops[index]
                if kind == .removed {
                    removed += token
                } else if kind == .added {
                    added += token
                } else if !(removed.isEmpty && added.isEmpty), token.allSatisfy(\.isWhitespace), index + 1 < ops.count,
                    ops[index + 1].0 != .same
                {
                    removed += token
                    added += token
                } else {
                    append(.removed, removed)
                    append(.added, added)
                    (removed, added) = ("", "")
                    append(.same, token)
                }
                index += 1
            }
            append(.removed, removed)
            append(.added, added)
        }
        append(.same, a[(a.count - suffix)...].joined())
        return pieces
    }

    /// The longest common subsequence of two token lists, as the tokens kept, removed and added.
    private static func middle(_ a: [String], _ b: [String]) -> [(Kind, String)] {
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var out: [(Kind, String)] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                out.append((.same, a[i]))
                i += 1
                j += 1
            } else if i < a.count, j == b.count || lengths[i + 1][j] >= lengths[i][j + 1] {
                out.append((.removed, a[i]))
                i += 1
            } else {
                out.append((.added, b[j]))
                j += 1
            }
        }
        return out
    }

    static func tokens(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var currentIsWord = false
        var currentIsSpace = false
        func flush() {
            if !current.isEmpty { tokens.append(current) }
            current = ""
        }
        for character in text {
            let isHan = character.unicodeScalars.contains { $0.properties.isIdeographic }
            let isWord = !isHan && (character.isLetter || character.isNumber)
            let isSpace = character.isWhitespace
            if isWord, currentIsWord {
                current.append(character)
            } else if isSpace, currentIsSpace {
                current.append(character)
            } else {
                flush()
                current.append(character)
                currentIsWord = isWord
                currentIsSpace = isSpace
                if !isWord && !isSpace {
                    flush()
                    currentIsWord = false
                    currentIsSpace = false
                }
            }
        }
        flush()
        return tokens
    }
}
