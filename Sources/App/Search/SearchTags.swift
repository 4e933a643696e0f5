import Foundation

/// What an entry may be filtered by, as words of the FTS5 `tags` column ("audpublic kindmeeting
/// year2021 countrymm"), and the caller's restrictions and filters as a query on them. Letters
/// and digits only, so the tokenizer keeps each one whole and nothing in them is query syntax.
enum SearchTags {
    static func word(_ prefix: String, _ value: String) -> String {
        prefix + value.lowercased().filter { ($0.isLetter || $0.isNumber) && $0.isASCII }
    }

    static func tags(_ d: SearchDocument) -> String {
        var tags = [word("aud", d.audience.rawValue), word("kind", d.kind.rawValue), word("scope", d.countryScope?.uuidString ?? "none")]
        if let year = d.year { tags.append(word("year", String(year))) }
        tags += d.countries.map { word("country", $0) }
        if let area = d.area { tags.append(word("area", area)) }
        tags += SearchColumns.languages(d).split(separator: " ").map { word("lang", String($0)) }
        return tags.joined(separator: " ")
    }

    static func any(_ words: [String]) -> String {
        "tags: (" + words.map { "\"" + $0 + "\"" }.joined(separator: " OR ") + ")"
    }

    static func kind(_ kind: SearchDocument.Kind) -> String { any([word("kind", kind.rawValue)]) }

    /// " AND …" for who may see an entry and the reader's filters.
    static func restrictions(_ filters: SearchFilters, _ caller: SearchCaller) -> String {
        var parts = [any(caller.audiences.map { word("aud", $0.rawValue) })]
        if !caller.role.isStaff { parts.append(any([word("scope", "none")] + caller.countries.map { word("scope", $0.uuidString) })) }
        if !filters.kinds.isEmpty { parts.append(any(filters.kinds.map { word("kind", $0.rawValue) })) }
        if let year = filters.year { parts.append(any([word("year", String(year))])) }
        if let country = filters.country { parts.append(any([word("country", country)])) }
        if let area = filters.area { parts.append(any([word("area", area)])) }
        if let language = filters.language { parts.append(any([word("lang", language.rawValue)])) }
        return parts.map { " AND " + $0 }.joined()
    }
}
