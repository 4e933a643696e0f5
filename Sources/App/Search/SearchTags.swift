import Foundation

/// What an entry may be filtered by, as words of the FTS5 `tags` column ("audpublic kindmeeting
/// year2021 countrymm"), and the caller's restrictions and filters as a query on them. Letters
/// and digits only, so the tokenizer keeps each one whole and nothing in them is query syntax.
enum SearchTags {
    static func word(_ prefix: String, _ value: String) -> String {
        prefix + value.lowercased().filter { ($0.isLetter || $0.isNumber) && $0.isASCII }
    }

    /// Only a restricted entry carries its audience and scope: a search for everyone then
    /// excludes the few restricted entries (`NOT`) instead of intersecting with all the others.
    static func tags(_ d: SearchDocument) -> String {
        var tags = [word("kind", d.kind.rawValue)]
        if d.audience != .public { tags.append(word("aud", d.audience.rawValue)) }
        if let scope = d.countryScope { tags += ["scoped", word("scope", scope.uuidString)] }
        if let year = d.year { tags.append(word("year", String(year))) }
        tags += d.countries.map { word("country", $0) }
        if let area = d.area { tags.append(word("area", area)) }
        tags += SearchColumns.languages(d).split(separator: " ").map { word("lang", String($0)) }
        return tags.joined(separator: " ")
    }

    static func any(_ words: [String]) -> String {
        "tags: (" + words.map { "\"" + $0 + "\"" }.joined(separator: " OR ") + ")"
    }

    /// " AND …" for the reader's filters.
    static func filters(_ filters: SearchFilters) -> String {
        var parts: [String] = []
        if !filters.kinds.isEmpty { parts.append(any(filters.kinds.map { word("kind", $0.rawValue) })) }
        if let year = filters.year { parts.append(any([word("year", String(year))])) }
        if let country = filters.country { parts.append(any([word("country", country)])) }
        if let area = filters.area { parts.append(any([word("area", area)])) }
        if let language = filters.language { parts.append(any([word("lang", language.rawValue)])) }
        return parts.map { " AND " + $0 }.joined()
    }

    /// What the caller may not see: audiences beyond theirs, and entries scoped to a country that
    /// is not theirs.
    static func exclusions(_ caller: SearchCaller) -> [String] {
        var parts: [String] = []
        let hidden = Visibility.allCases.filter { $0 != .public && !caller.audiences.contains($0) }
        if !hidden.isEmpty { parts.append(any(hidden.map { word("aud", $0.rawValue) })) }
        if !caller.role.isStaff {
            if caller.countries.isEmpty {
                parts.append(any(["scoped"]))
            } else {
                parts.append("(" + any(["scoped"]) + " NOT " + any(caller.countries.map { word("scope", $0.uuidString) }) + ")")
            }
        }
        return parts
    }

    /// The whole query: the terms and the filters, less what the caller may not see. Every `NOT`
    /// is parenthesised, so its reading does not depend on FTS5's precedence and associativity.
    static func query(_ terms: String, _ filters: SearchFilters, _ caller: SearchCaller) -> String {
        exclusions(caller).reduce("((" + terms + ")" + Self.filters(filters) + ")") { "(" + $0 + " NOT " + $1 + ")" }
    }
}
