import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Localization")
struct LocalizationTests {
    static let root = ResourceLocator.defaultDirectory()

    static func strings(_ language: String) throws -> [String: String] {
        let data = try #require(FileManager.default.contents(atPath: "\(root)/Resources/Localization/\(language).json"))
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    @Test("English and Chinese interface strings have the same keys and no empty values")
    func sameKeys() throws {
        let en = try Self.strings("en")
        let zh = try Self.strings("zh")
        #expect(!en.isEmpty)
        #expect(Set(en.keys).subtracting(zh.keys).sorted() == [], "missing in zh.json")
        #expect(Set(zh.keys).subtracting(en.keys).sorted() == [], "missing in en.json")
        #expect(en.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys.sorted() == [])
        #expect(zh.filter { $0.value.trimmingCharacters(in: .whitespaces).isEmpty }.keys.sorted() == [])
    }

    @Test("Every #t(\"key\") used in a template exists in both languages")
    func templateKeysExist() throws {
        let en = try Self.strings("en")
        let zh = try Self.strings("zh")
        let views = Self.root + "/Resources/Views"
        let enumerator = try #require(FileManager.default.enumerator(atPath: views))
        let regex = try NSRegularExpression(pattern: #"#t\("([^"]+)"\)"#)
        var used: Set<String> = []
        var files = 0
        for case let file as String in enumerator where file.hasSuffix(".leaf") {
            files += 1
            let text = try String(contentsOfFile: views + "/" + file, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                used.insert(String(text[Range(match.range(at: 1), in: text)!]))
            }
        }
        #expect(files > 10)
        #expect(used.count > 20)
        #expect(used.filter { en[$0] == nil }.sorted() == [], "missing in en.json")
        #expect(used.filter { zh[$0] == nil }.sorted() == [], "missing in zh.json")
    }

    @Test("Keys the code builds from enum values and literal t(\"...\") calls exist in both languages")
    func codeKeysExist() throws {
        let en = try Self.strings("en")
        let zh = try Self.strings("zh")
        var keys: Set<String> = []
        keys.formUnion(Role.accountRoles.map { "role." + $0.rawValue })
        keys.formUnion(ContactKind.allCases.map { "contact_kind." + $0.rawValue })
        keys.formUnion(Visibility.allCases.map { "visibility." + $0.rawValue })
        keys.formUnion(CountryGroup.allCases.flatMap { ["country_group." + $0.rawValue, "country_group_plural." + $0.rawValue] })
        keys.formUnion(OrganisationKind.allCases.map { "organisation_kind." + $0.rawValue })
        keys.formUnion(FocalPointRoleType.allCases.map { "focal_role." + $0.rawValue })
        keys.formUnion(FocalPointRank.allCases.map { "focal_rank." + $0.rawValue })
        keys.formUnion(AppointmentStatus.allCases.map { "appointment_status." + $0.rawValue })
        keys.formUnion(Language.allCases.map { "language." + $0.rawValue })
        keys.formUnion(["create", "update", "end", "delete"].map { "audit.action." + $0 })
        keys.formUnion(
            ["country", "organisation", "person", "position", "focal_point", "contact_point", "user", "centre"].map { "entity." + $0 })
        keys.formUnion(
            ["countries", "organisations", "people", "positions", "focal-points", "contact-points", "users"].map { "admin." + $0 })
        // literal keys in Swift sources: t("key") and labelKey: "key"
        let sources = Self.root + "/Sources/App"
        let enumerator = try #require(FileManager.default.enumerator(atPath: sources))
        let regex = try NSRegularExpression(pattern: #"(?:\bt\(|[Kk]ey: |\.choice\("[a-z_]+", )"([a-z_]+\.[a-z_.-]+)""#)
        for case let file as String in enumerator where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let key = String(text[Range(match.range(at: 1), in: text)!])
                if !key.hasSuffix(".") { keys.insert(key) }
            }
        }
        #expect(keys.count > 80)
        #expect(keys.filter { en[$0] == nil }.sorted() == [], "missing in en.json")
        #expect(keys.filter { zh[$0] == nil }.sorted() == [], "missing in zh.json")
    }

    @Test("Dates are written as each language's readers expect")
    func dates() {
        // Typed: swift-property-based makes Date expressible by a string literal, which would pick
        // the overload for instants.
        let day: String = "2021-07-23"
        let impossible: String = "2021-02-30"
        #expect(LocalizedDate.format(day, .en) == "23 July 2021")
        #expect(LocalizedDate.format(day, .zh) == "2021年7月23日")
        #expect(LocalizedDate.format(impossible, .en) == "2021-02-30")
    }

    @Test("Accept-Language picks the first supported language by quality")
    func acceptLanguage() {
        #expect(Language.fromAcceptLanguage("zh-CN,zh;q=0.9") == .zh)
        #expect(Language.fromAcceptLanguage("fr, en;q=0.5") == .en)
        #expect(Language.fromAcceptLanguage("en;q=0.4, zh-TW;q=0.8") == .zh)
        #expect(Language.fromAcceptLanguage("fr, de") == nil)
    }

    @Test("?lang=zh answers in Chinese and remembers the choice in a cookie")
    func explicitChoiceRemembered() async throws {
        try await withApp(loadDemo: false) { app async throws in
            // When a reader asks for Chinese
            let first = try await app.testing().sendRequest(.GET, "/?lang=zh")
            // Then the page is Chinese and the choice is stored
            #expect(first.status == .ok)
            #expect(first.text.contains("<html lang=\"zh-Hans\""))
            #expect(first.setCookie("lang") == "zh")
            // And a later request carrying only that cookie is Chinese too
            let later = try await app.testing().sendRequest(.GET, "/", headers: cookieHeader([("lang", "zh")]))
            #expect(later.text.contains("<html lang=\"zh-Hans\""))
        }
    }

    @Test("Accept-Language alone gives Chinese; nothing gives English")
    func negotiated() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let chinese = try await app.testing().sendRequest(.GET, "/", headers: ["Accept-Language": "zh"])
            #expect(chinese.text.contains("<html lang=\"zh-Hans\""))
            #expect(chinese.setCookie("lang") == nil, "a negotiated language is not an explicit choice")
            let english = try await app.testing().sendRequest(.GET, "/")
            #expect(english.text.contains("<html lang=\"en\""))
        }
    }
}
