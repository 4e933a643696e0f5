import Vapor

enum Language: String, CaseIterable, Codable, Sendable {
    case en
    case zh

    /// The value for `<html lang>` and hreflang.
    var htmlTag: String { self == .zh ? "zh-Hans" : "en" }

    var other: Language { self == .en ? .zh : .en }

    /// Picks the first supported language from an Accept-Language header, honouring q-values.
    static func fromAcceptLanguage(_ header: String) -> Language? {
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (tag, quality)
        }
        for (tag, quality) in ranked.sorted(by: { $0.1 > $1.1 }) where quality > 0 {
            if tag.hasPrefix("zh") { return .zh }
            if tag.hasPrefix("en") { return .en }
        }
        return nil
    }
}

extension Request {
    private struct LanguageKey: StorageKey { typealias Value = Language }

    /// The reader's language, resolved by `LanguageMiddleware`.
    var language: Language {
        get { storage[LanguageKey.self] ?? .en }
        set { storage[LanguageKey.self] = newValue }
    }
}
