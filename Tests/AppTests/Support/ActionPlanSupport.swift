import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Helpers for the action plan tests: finding the demo's records, the admin forms of activities
/// and indicators, reading CSV, HTML sections and tables, and running xmllint.

enum Plan {
    static func activity(_ app: Application, _ code: String) async throws -> Activity {
        try #require(try await Activity.query(on: app.db).filter(\.$code == code).first(), "no activity \(code)")
    }

    static func indicator(_ app: Application, _ code: String) async throws -> Indicator {
        try #require(try await Indicator.query(on: app.db).filter(\.$code == code).first(), "no indicator \(code)")
    }

    static func area(_ app: Application, _ code: String) async throws -> PriorityArea {
        try #require(try await PriorityArea.query(on: app.db).filter(\.$code == code).first(), "no priority area \(code)")
    }

    static func country(_ app: Application, _ code: String) async throws -> Country {
        try #require(try await Country.query(on: app.db).filter(\.$code == code).first(), "no country \(code)")
    }

    /// Counts of everything a refused change could have written.
    static func counts(_ app: Application) async throws -> [String: Int] {
        [
            "activities": try await Activity.query(on: app.db).count(),
            "indicators": try await Indicator.query(on: app.db).count(),
            "targets": try await IndicatorTarget.query(on: app.db).count(),
            "actuals": try await IndicatorActual.query(on: app.db).count(),
            "reports": try await ProgressReport.query(on: app.db).count(),
            "locks": try await ReportingLock.query(on: app.db).count(),
            "audit": try await AuditEntry.query(on: app.db).count(),
        ]
    }

    /// A complete, valid activity form for POST /admin/activities; tests override what they exercise.
    static func activityFields(code: String, areaID: UUID, _ overrides: [String: String] = [:]) -> [String: String] {
        [
            "code": code, "title_en": "Test activity " + code, "title_zh": "", "description_en": "", "description_zh": "",
            "priority_area_id": areaID.uuidString, "lead_organisation_id": "", "parent_id": "", "status": "implementation",
            "planned_start": "2022-01-01", "planned_end": "2024-12-31", "actual_start": "", "actual_end": "", "illustrative": "no",
        ].merging(overrides) { $1 }
    }

    /// A complete, valid indicator form for POST /admin/indicators.
    static func indicatorFields(code: String, _ overrides: [String: String] = [:]) -> [String: String] {
        [
            "code": code, "title_en": "Test indicator " + code, "title_zh": "", "activity_id": "", "priority_area_id": "",
            "measure": "unit", "unit_label": "events", "direction": "increase", "baseline_value": "", "baseline_text": "",
            "baseline_year": "", "illustrative": "no",
        ].merging(overrides) { $1 }
    }

    /// Creates an activity through the admin form as the signed-in editor and returns it.
    @discardableResult
    static func createActivity(
        _ app: Application, headers: HTTPHeaders, code: String, areaCode: String = "CC", _ overrides: [String: String] = [:]
    ) async throws -> Activity {
        let area = try await Plan.area(app, areaCode)
        let response = try await postForm(
            app, "/admin/activities", fields: activityFields(code: code, areaID: area.id!, overrides), headers: headers)
        try #require(
            response.status == .seeOther,
            "creating activity \(code) answered \(response.status): \(["code", "title_en", "priority_area_id", "parent_id", "planned_start", "planned_end", "goals", "status"].compactMap { name in fieldError(response.text, name).map { "\(name): \($0)" } })"
        )
        return try await activity(app, code)
    }
}

extension TestingHTTPResponse {
    var json: Any? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed]) }
}

/// RFC 4180 CSV: quoted cells may hold commas, quotes (doubled) and line breaks.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    var row: [String] = []
    var cell = ""
    var quoted = false
    var characters = Array(text).makeIterator()
    var pending: Character? = nil
    func next() -> Character? {
        if let p = pending {
            pending = nil
            return p
        }
        return characters.next()
    }
    while let c = next() {
        if quoted {
            if c == "\"" {
                if let following = next() {
                    if following == "\"" {
                        cell.append("\"")
                    } else {
                        quoted = false
                        pending = following
                    }
                } else {
                    quoted = false
                }
            } else {
                cell.append(c)
            }
        } else if c == "\"" && cell.isEmpty {
            quoted = true
        } else if c == "," {
            row.append(cell)
            cell = ""
        } else if c == "\r\n" || c == "\n" || c == "\r" {
            row.append(cell)
            rows.append(row)
            row = []
            cell = ""
        } else {
            cell.append(c)
        }
    }
    if !cell.isEmpty || !row.isEmpty {
        row.append(cell)
        rows.append(row)
    }
    return rows
}

/// CSV rows as dictionaries keyed by the header row.
func csvRecords(_ text: String) -> (header: [String], records: [[String: String]]) {
    let rows = parseCSV(text)
    guard let header = rows.first else { return ([], []) }
    return (
        header,
        rows.dropFirst().map {
            Dictionary(uniqueKeysWithValues: zip(header, $0 + Array(repeating: "", count: max(0, header.count - $0.count))))
        }
    )
}

/// The HTML from each `opening` marker to the next `</section>`.
func htmlSections(_ html: String, opening: String) -> [String] {
    html.components(separatedBy: opening).dropFirst().map { part in
        part.range(of: "</section>").map { String(part[..<$0.lowerBound]) } ?? part
    }
}

/// All matches of a regular expression's capture groups.
func captures(_ pattern: String, in text: String) -> [[String]] {
    guard let regex = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]) else { return [] }
    return regex.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match in
        (1..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: text).map { String(text[$0]) } ?? ""
        }
    }
}

/// The cells of each body row of the tables in an HTML fragment (`<td>` and row-header `<th>`), as visible text.
func tableRows(_ html: String) -> [[String]] {
    let bodies = captures(#"<tbody>(.*?)</tbody>"#, in: html).map { $0[0] }
    return bodies.flatMap { body in
        captures(#"<tr>(.*?)</tr>"#, in: body).map { row in
            captures(#"<t[dh][^>]*>(.*?)</t[dh]>"#, in: row[0]).map { visibleText($0[0]).trimmingCharacters(in: .whitespaces) }
        }
    }
}

/// The demo's date `days` from today, in UTC, as YYYY-MM-DD.
func isoDate(daysFromToday days: Int) -> String {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "UTC")
    formatter.dateFormat = "yyyy-MM-dd"
    return formatter.string(from: Date().addingTimeInterval(Double(days) * 86_400))
}

enum Xmllint {
    static let schemaPath = TestTools.fixtures + "/iati/iati-activities-schema.xsd"

    /// The xmllint executable on PATH (or in /usr/bin); records a failure with the install hint when absent.
    static func executable() -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init) + ["/usr/bin"]
        if let found = path.map({ $0 + "/xmllint" }).first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        Issue.record(
            "xmllint is not installed: install it (Debian/Ubuntu: apt-get install libxml2-utils) to check the IATI export against its schema"
        )
        return nil
    }

    /// Runs `xmllint --noout --schema <IATI schema> <file>` on the document; returns its exit status and messages.
    static func validate(_ xml: String) throws -> (status: Int32, output: String) {
        let xmllint = try #require(executable(), "xmllint is missing (apt-get install libxml2-utils)")
        #expect(FileManager.default.fileExists(atPath: schemaPath), "the IATI schema is missing at \(schemaPath)")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("focal-iati-\(UUID().uuidString).xml")
        try Data(xml.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try TestTools.run(xmllint, ["--noout", "--nonet", "--schema", schemaPath, file.path])
        return (result.status, String(decoding: result.stdout, as: UTF8.self) + result.stderr)
    }
}
