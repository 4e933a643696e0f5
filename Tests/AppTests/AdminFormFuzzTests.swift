import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Every admin form of every registered `AdminResource`, submitted as a browser would (create and
/// update) with every option of every select, with empty values, unknown options and over-long
/// values: no answer may be a server error, and the server must still answer afterwards. A fatal
/// error inside a handler (a Fluent field read before it was set) would end this test process.
@Suite("Admin forms under every input")
struct AdminFormFuzzTests {
    struct FormField {
        enum Kind {
            case input(String)
            case textarea
            case select([String])
            case checkboxes([String])
        }
        let name: String
        let kind: Kind
    }

    /// The fields of an admin page's form (the shared fields partial gives each an `f-` id).
    static func fields(in form: String) -> [FormField] {
        var fields: [FormField] = []
        for match in matches(#"<input id="f-[^"]*" type="([a-z]+)" name="([^"]+)""#, in: form) {
            fields.append(FormField(name: match[1], kind: .input(match[0])))
        }
        for match in matches(#"<textarea id="f-[^"]*" name="([^"]+)""#, in: form) {
            fields.append(FormField(name: match[0], kind: .textarea))
        }
        for match in matches(#"<select id="f-[^"]*" name="([^"]+)"[^>]*>(.*?)</select>"#, in: form) {
            let options = matches(#"<option value="([^"]*)""#, in: match[1]).map { $0[0] }
            fields.append(FormField(name: match[0], kind: .select(options)))
        }
        for match in matches(#"<fieldset id="f-([^"]+)" class="checkboxes"[^>]*>(.*?)</fieldset>"#, in: form) {
            let values = matches(#"name="[^"]+__([^"]+)""#, in: match[1]).map { $0[0] }
            fields.append(FormField(name: match[0], kind: .checkboxes(values)))
        }
        return fields
    }

    static func matches(_ pattern: String, in text: String) -> [[String]] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
        return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
            (1..<match.numberOfRanges).map { index in
                Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
            }
        }
    }

    /// A plausible value for each field, unique per submission where uniqueness may be required.
    static func plausible(_ fields: [FormField], serial: Int) -> [String: String] {
        var values: [String: String] = [:]
        for field in fields {
            switch field.kind {
            case .input(let type):
                switch type {
                case "email": values[field.name] = "fuzz\(serial)@example.org"
                case "date": values[field.name] = "2024-05-06"
                case "time": values[field.name] = "10:30"
                case "url": values[field.name] = "https://example.org/fuzz/\(serial)"
                case "password": values[field.name] = "a-long-enough-passw0rd-\(serial)"
                default: values[field.name] = field.name.contains("code") ? "Z\(serial % 10)" : "fuzz-\(serial)"
                }
            case .textarea: values[field.name] = "Fuzz text \(serial)"
            case .select(let options): values[field.name] = options.first { !$0.isEmpty } ?? ""
            case .checkboxes(let options): if let first = options.first { values[field.name + "__" + first] = "on" }
            }
        }
        return values
    }

    /// Every submission to try: plausible values, then each option of each select in turn, an
    /// unknown option, every field empty, every field far over its length.
    static func variants(_ fields: [FormField], serial: inout Int) -> [[String: String]] {
        func next() -> Int {
            serial += 1
            return serial
        }
        var variants: [[String: String]] = [plausible(fields, serial: next())]
        for field in fields {
            guard case .select(let options) = field.kind else { continue }
            // Every option of a choice; of a long list of records, a spread of twelve (which record
            // is chosen rarely matters, and the suite must stay quick).
            let chosen = options.count <= 12 ? options : (0..<12).map { options[$0 * (options.count - 1) / 11] }
            for option in chosen + ["not-an-option", "00000000-0000-0000-0000-000000000000"] {
                var values = plausible(fields, serial: next())
                values[field.name] = option
                variants.append(values)
            }
        }
        variants.append(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, "") }))
        let long = String(repeating: "长x", count: 5_000)
        variants.append(Dictionary(uniqueKeysWithValues: fields.map { ($0.name, long) }))
        for field in fields {
            var values = plausible(fields, serial: next())
            values[field.name] = long
            variants.append(values)
        }
        return variants
    }

    @Test("Every admin form, created and updated with every select option, empty and over-long values: never a 5xx")
    func everyFormEveryOption() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let admin = try await signIn(app, as: Demo.admin)
            var serial = 0
            var submissions = 0
            for resource in AdminResources.all {
                let base = "/admin/\(resource.slug)"
                let page = try await app.testing().sendRequest(.GET, base + "/new", headers: admin)
                #expect(page.status == .ok, "\(base)/new answered \(page.status)")
                let fields = Self.fields(in: page.text)
                #expect(!fields.isEmpty, "no fields found on \(base)/new")
                // an existing record to update: the first edit link of the list
                let list = try await app.testing().sendRequest(.GET, base, headers: admin)
                let existing = Self.matches(#"href="\#(base)/([0-9A-Fa-f-]{36})/edit""#, in: list.text).first?.first
                for values in Self.variants(fields, serial: &serial) {
                    let created = try await postForm(app, base, fields: values, headers: admin)
                    submissions += 1
                    #expect(created.status.code < 500, "POST \(base) answered \(created.status) for \(values.mapValues { $0.prefix(40) })")
                    guard let existing else { continue }
                    let updated = try await postForm(app, "\(base)/\(existing)", fields: values, headers: admin)
                    submissions += 1
                    #expect(
                        updated.status.code < 500,
                        "POST \(base)/\(existing) answered \(updated.status) for \(values.mapValues { $0.prefix(40) })")
                }
            }
            #expect(submissions > 500, "only \(submissions) submissions were made")
            let alive = try await app.testing().sendRequest(.GET, "/ping")
            #expect(alive.status == .ok)
        }
    }
}
