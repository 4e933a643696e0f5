import Foundation

extension String {
    /// The text without leading and trailing white space and line breaks. Foundation's trimming
    /// copies every string through NSString; most strings (every field of a large CSV import) have
    /// nothing to trim and are returned as they are.
    var trimmedOfWhitespace: String {
        let isSpace: (UInt8) -> Bool = { $0 == 32 || ($0 >= 9 && $0 <= 13) || $0 >= 128 }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return self }
        return trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

extension String {
    /// "validated" -> "Validated", for a status standing alone in a table cell; Chinese is unchanged.
    var capitalisingFirstLetter: String {
        guard let first else { return self }
        return first.uppercased() + dropFirst()
    }
}
