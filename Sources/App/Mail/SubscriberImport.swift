import Fluent
import Foundation
import SMTPKit
import SQLKit

/// CSV import of subscribers (RFC 4180; columns `email`, optional `name`, `language`, `lists`,
/// `status` — the columns of the export, so an export can be imported back):
/// every rejected row is reported with its line and reason, addresses are de-duplicated after
/// normalising, and rows are written in large batches.
struct SubscriberImport {
    struct Rejection: Equatable, Sendable {
        let line: Int
        let reason: String
    }

    struct Report: Sendable {
        var imported = 0
        var alreadySubscribed = 0
        var rejections: [Rejection] = []
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        case notUTF8(line: Int)
        case missingColumn(String)
        case unknownColumn(String)
        case unknownList(String)
        case empty

        var description: String {
            switch self {
            case .notUTF8(let line): return "the file is not UTF-8 text (first bad byte on line \(line)); save it as UTF-8 and try again"
            case .missingColumn(let name): return "the header has no \"\(name)\" column"
            case .unknownColumn(let name): return "unknown column \"\(name)\" (allowed: email, name, language, lists, status)"
            case .unknownList(let slug): return "no mailing list \"\(slug)\""
            case .empty: return "the file is empty"
            }
        }
    }

    let status: SubscriberStatus

    /// A cell as written before CSVWriter guarded it against spreadsheet formulas (a `'` before
    /// a leading `=`, `+`, `-`, `@`, tab or carriage return).
    static func unescaped(_ cell: String) -> String {
        let scalars = cell.unicodeScalars
        guard scalars.first == "'", let second = scalars.dropFirst().first, CSVWriter.formulaStarts.contains(second) else { return cell }
        return String(String.UnicodeScalarView(scalars.dropFirst()))
    }
    let source: String
    let defaultLists: [String]

    func run(_ data: Data, on db: any Database, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        guard let text = String(data: data, encoding: .utf8) else { throw Failure.notUTF8(line: Self.firstInvalidLine(data)) }
        var records = CSVReader.parse(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        guard !records.isEmpty else { throw Failure.empty }
        let header = records.removeFirst().fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for column in header where !["email", "name", "language", "lists", "status"].contains(column) {
            throw Failure.unknownColumn(column)
        }
        guard let emailColumn = header.firstIndex(of: "email") else { throw Failure.missingColumn("email") }
        let nameColumn = header.firstIndex(of: "name")
        let languageColumn = header.firstIndex(of: "language")
        let listsColumn = header.firstIndex(of: "lists")
        let statusColumn = header.firstIndex(of: "status")

        let lists = Dictionary(uniqueKeysWithValues: try await MailingList.query(on: db).all().map { ($0.slug, $0.savedID) })
        for slug in defaultLists where lists[slug] == nil { throw Failure.unknownList(slug) }
        var existing = Set(
            try await (try db.sql).select().column("email").from(Subscriber.schema).all().map {
                try $0.decode(column: "email", as: String.self)
            })
        var firstLine: [String: Int] = [:]
        var report = Report()
        var pending: [(Subscriber, [UUID])] = []
        let total = records.count
        for (index, record) in records.enumerated() {
            let fields = record.fields
            let line = record.line
            func field(_ column: Int?) -> String {
                Self.unescaped(column.flatMap { $0 < fields.count ? fields[$0] : nil }?.trimmedOfWhitespace ?? "")
            }
            if fields.count != header.count {
                report.rejections.append(Rejection(line: line, reason: "expected \(header.count) fields, found \(fields.count)"))
                continue
            }
            let email = Subscriber.normalise(field(emailColumn))
            if email.isEmpty {
                report.rejections.append(Rejection(line: line, reason: "no e-mail address"))
                continue
            }
            guard MailAddress.isValidEnvelopeAddress(email) else {
                report.rejections.append(Rejection(line: line, reason: "not a valid e-mail address: \(email)"))
                continue
            }
            if let first = firstLine[email] {
                report.rejections.append(Rejection(line: line, reason: "duplicate of line \(first)"))
                continue
            }
            if existing.contains(email) {
                firstLine[email] = line
                report.alreadySubscribed += 1
                continue
            }
            let name = field(nameColumn)
            if name.contains(where: { $0.isNewline || $0 == "\0" }) || name.count > 120 {
                report.rejections.append(Rejection(line: line, reason: "the name has line breaks or is longer than 120 characters"))
                continue
            }
            let languageText = field(languageColumn).lowercased()
            guard let language = languageText.isEmpty ? .en : SubscriberLanguage(rawValue: languageText) else {
                report.rejections.append(Rejection(line: line, reason: "language must be en, zh or both, not \(languageText)"))
                continue
            }
            var listIDs: [UUID] = []
            var unknown: String?
            for slug in (field(listsColumn).split(whereSeparator: { $0 == " " || $0 == ";" }).map(String.init) + defaultLists) {
                if let id = lists[slug] { if !listIDs.contains(id) { listIDs.append(id) } } else { unknown = slug }
            }
            if let unknown {
                report.rejections.append(Rejection(line: line, reason: "no mailing list \"\(unknown)\""))
                continue
            }
            // A row's own status (an export's) is kept when it says the person left or has not
            // confirmed: an import never turns an unsubscribe, a bounce or a complaint into consent.
            let statusText = field(statusColumn).lowercased()
            guard let rowStatus = statusText.isEmpty ? status : SubscriberStatus(rawValue: statusText) else {
                report.rejections.append(
                    Rejection(
                        line: line, reason: "status must be pending, confirmed, unsubscribed, bounced or complained, not \(statusText)"))
                continue
            }
            let importedStatus = rowStatus == .confirmed ? status : rowStatus
            // Only an accepted row claims its address: a refused one does not block a later good one.
            firstLine[email] = line
            let subscriber = Subscriber(email: email, name: name, language: language, status: importedStatus)
            subscriber.id = UUID()
            subscriber.confirmedAt = importedStatus == .confirmed ? Date() : nil
            existing.insert(email)
            pending.append((subscriber, listIDs))
            if pending.count == Self.batchSize {
                try await write(pending, on: db)
                report.imported += pending.count
                pending = []
            }
            if index % 1_000 == 0 { progress(index, total) }
        }
        try await write(pending, on: db)
        report.imported += pending.count
        progress(total, total)
        return report
    }

    /// Rows written per transaction: few commits, and what one transaction touches stays in the cache.
    static let batchSize = 5_000

    /// One transaction per batch: subscribers, their list memberships and the consent record.
    private func write(_ batch: [(Subscriber, [UUID])], on db: any Database) async throws {
        guard !batch.isEmpty else { return }
        let now = Date()
        try await db.transaction { db in
            let sql = try db.sql
            if sql.dialect.name == "sqlite" {
                // The default 2 MB page cache spills a batch's scattered index pages (the keys are
                // random UUIDs) to the log in the middle of the transaction; 64 MB holds them.
                try await sql.raw("PRAGMA cache_size = -65536").run()
            }
            for chunk in stride(from: 0, to: batch.count, by: 250).map({ Array(batch[$0..<min($0 + 250, batch.count)]) }) {
                var subscribers = sql.insert(into: Subscriber.schema).columns(
                    "id", "email", "name", "language", "status", "status_reason", "confirmed_at", "created_at", "updated_at")
                var consents = sql.insert(into: ConsentEvent.schema).columns(
                    "id", "subscriber_id", "occurred_at", "action", "text_version", "language", "source", "ip_hash", "detail")
                var memberships: [(UUID, UUID)] = []
                for (subscriber, lists) in chunk {
                    subscribers = subscribers.values(
                        SQLBind(subscriber.savedID), SQLBind(subscriber.email), SQLBind(subscriber.name),
                        SQLBind(subscriber.language.rawValue),
                        SQLBind(subscriber.status.rawValue), SQLBind(""), SQLBind(subscriber.confirmedAt), SQLBind(now), SQLBind(now))
                    consents = consents.values(
                        SQLBind(UUID()), SQLBind(subscriber.savedID), SQLBind(now), SQLBind("import"), SQLBind(source),
                        SQLBind(subscriber.language.rawValue),
                        SQLBind("csv-import"), SQLBind(""), SQLBind(""))
                    memberships += lists.map { (subscriber.savedID, $0) }
                }
                try await subscribers.run()
                try await consents.run()
                // Rows written here pass no model middleware: their search entries are written beside them.
                try await SearchEngine.forDatabase(db).insertAll(
                    chunk.compactMap { subscriber, _ in
                        subscriber.updatedAt = now
                        return SearchDocuments.subscriber(subscriber)
                    }, on: db)
                if !memberships.isEmpty {
                    var insert = sql.insert(into: Subscription.schema).columns("id", "subscriber_id", "list_id")
                    for (subscriber, list) in memberships { insert = insert.values(SQLBind(UUID()), SQLBind(subscriber), SQLBind(list)) }
                    try await insert.run()
                }
            }
        }
    }

    static func firstInvalidLine(_ data: Data) -> Int {
        var line = 1
        var index = data.startIndex
        while index < data.endIndex {
            let end = data[index...].firstIndex(of: 10) ?? data.endIndex
            if String(data: data[index..<end], encoding: .utf8) == nil { return line }
            line += 1
            index = end < data.endIndex ? data.index(after: end) : end
        }
        return line
    }
}

/// RFC 4180 records with the line each starts on; quoted fields may hold commas, quotes and line breaks.
enum CSVReader {
    struct Record {
        let line: Int
        let fields: [String]
    }

    static func parse(_ text: String) -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var iterator = text.unicodeScalars.makeIterator()
        var pendingScalar: Unicode.Scalar? = nil
        func endRecord() {
            fields.append(field)
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
            field = ""
        }
        while let scalar = pendingScalar ?? iterator.next() {
            pendingScalar = nil
            if quoted {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.unicodeScalars.append("\"")
                        } else {
                            quoted = false
                            pendingScalar = next
                        }
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\r": continue
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default: field.unicodeScalars.append(scalar)
            }
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
