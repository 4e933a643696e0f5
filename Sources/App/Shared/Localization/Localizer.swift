import Foundation
import Vapor

/// Interface strings, one JSON file per language under Resources/Localization.
struct Localizer: Sendable {
    let strings: [Language: [String: String]]

    static func load(from directory: String) throws -> Localizer {
        var strings: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let path = "\(directory)/\(language.rawValue).json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Abort(.internalServerError, reason: "Missing interface strings file \(path)")
            }
            strings[language] = try JSONDecoder().decode([String: String].self, from: data)
        }
        return Localizer(strings: strings)
    }

    /// A missing key shows itself rather than an empty string, so it is noticed (the test suite
    /// also fails on it).
    func text(_ key: String, _ language: Language) -> String {
        strings[language]?[key] ?? strings[.en]?[key] ?? key
    }

    /// A record field's name as its form labels it ("name_zh" is "Name (Chinese)"), for history
    /// and audit pages; a field no form shows reads as words ("edition en" for "edition_en").
    func fieldLabel(_ field: String, _ language: Language) -> String {
        strings[language]?["field." + field] ?? strings[.en]?["field." + field]
            ?? field.replacingOccurrences(of: "_", with: " ").capitalisingFirstLetter
    }

    func text(_ key: String, _ language: Language, _ arguments: [String: String]) -> String {
        arguments.reduce(text(key, language)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}

extension Application {
    private struct LocalizerKey: StorageKey { typealias Value = Localizer }

    var localizer: Localizer {
        get { storage[LocalizerKey.self] ?? Localizer(strings: [:]) }
        set { storage[LocalizerKey.self] = newValue }
    }
}

extension Request {
    func t(_ key: String) -> String { application.localizer.text(key, language) }
    func t(_ key: String, _ arguments: [String: String]) -> String { application.localizer.text(key, language, arguments) }
}
