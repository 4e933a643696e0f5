/// Record text put into Markdown stays text: a name with an asterisk, an underscore or brackets
/// is not read as emphasis or a link.
enum MarkdownEscape {
    /// Characters that start Markdown syntax anywhere in a line.
    static let inline: Set<Character> = ["\\", "`", "*", "_", "[", "]", "<", "|", "~"]

    static func text(_ text: String) -> String {
        var out = ""
        for character in text {
            if inline.contains(character) { out.append("\\") }
            out.append(character)
        }
        // A paragraph opening with "-", "+", "#", ">" or "1." would become a list, a heading or a quote.
        if let first = out.first, "-+#>".contains(first) {
            out = "\\" + out
        } else if let dot = out.firstIndex(of: "."), out[..<dot].allSatisfy(\.isNumber), !out[..<dot].isEmpty,
            out.index(after: dot) == out.endIndex || out[out.index(after: dot)] == " "
        {
            out.insert("\\", at: dot)
        }
        return out
    }
}
