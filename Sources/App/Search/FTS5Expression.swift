/// A `SearchQuery` in FTS5's query language: every term quoted, limited to the columns that hold
/// its kind of text, all of them required.
enum FTS5Expression {
    static let wordColumns = "{title_words body_words}"
    static let hanCharacterColumns = "{title_han1 body_han1}"
    static let hanPairColumns = "{title_han2 body_han2}"

    /// nil when nothing in the query can be searched for.
    static func make(_ query: SearchQuery) -> String? {
        let parts = query.meaningfulTerms.map { term -> String in
            switch term {
            case .words(let words, let prefix):
                return wordColumns + ": " + quoted(words.joined(separator: " ")) + (prefix ? "*" : "")
            case .han(let characters) where characters.count == 1:
                return hanCharacterColumns + ": " + quoted(String(characters))
            case .han(let characters):
                return hanPairColumns + ": " + quoted(SearchText.pairs(characters).joined(separator: " "))
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " AND ")
    }

    /// An FTS5 string: inside double quotes, a double quote is written twice and nothing else is
    /// special.
    static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
