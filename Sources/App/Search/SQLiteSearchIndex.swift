import Fluent
import Foundation
import SQLKit

/// FTS5 with Porter stemming and folded diacritics for words, and Han characters and pairs as
/// tokens of their own (`SearchText`). Entries and their text share a rowid.
struct SQLiteSearchIndex: SearchIndex {
    static let fts = "search_fts"

    static func create(on db: any Database) async throws {
        let sql = try db.sql
        try await sql.raw(
            """
            CREATE TABLE IF NOT EXISTS search_entries (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,
            url TEXT NOT NULL, title_en TEXT NOT NULL, title_zh TEXT NOT NULL, text TEXT NOT NULL, year INTEGER,
            countries TEXT NOT NULL, area TEXT, language TEXT, audience TEXT NOT NULL, country_scope TEXT,
            updated_at REAL NOT NULL, UNIQUE (kind, record_id))
            """
        ).run()
        try await sql.raw(
            """
            CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title_words, body_words, title_han1, body_han1,
            title_han2, body_han2, tokenize = 'porter unicode61 remove_diacritics 2')
            """
        ).run()
    }

    func replace(_ document: SearchDocument, on db: any Database) async throws {
        let sql = try db.sql
        try await remove(kind: document.kind, recordID: document.recordID, on: db)
        let columns = SearchColumns.bindings(document).map(\.0)
        let values = SearchColumns.bindings(document).map { SQLBind($0.1) as any SQLExpression }
        let rows = try await sql.insert(into: SearchColumns.entries).columns(columns).values(values).returning("id").all()
        guard let id = try rows.first?.decode(column: "id", as: Int.self) else { return }
        let title = SearchText.index(document.titleEn + "\n" + document.titleZh)
        let body = SearchText.index(document.text)
        try await sql.raw(
            """
            INSERT INTO search_fts (rowid, title_words, body_words, title_han1, body_han1, title_han2, body_han2)
            VALUES (\(bind: id), \(bind: title.words), \(bind: body.words), \(bind: title.han1), \(bind: body.han1),
            \(bind: title.han2), \(bind: body.han2))
            """
        ).run()
    }

    func insertAll(_ documents: [SearchDocument], on db: any Database) async throws {
        let sql = try db.sql
        var next = try await sql.raw("SELECT COALESCE(MAX(id), 0) AS n FROM search_entries").first()?.decode(column: "n", as: Int.self) ?? 0
        for start in stride(from: 0, to: documents.count, by: 200) {
            let chunk = documents[start..<min(start + 200, documents.count)]
            var entries = sql.insert(into: SearchColumns.entries).columns(["id"] + SearchColumns.bindings(chunk[chunk.startIndex]).map(\.0))
            var texts = sql.insert(into: Self.fts).columns(
                "rowid", "title_words", "body_words", "title_han1", "body_han1", "title_han2", "body_han2")
            for document in chunk {
                next += 1
                entries = entries.values([SQLBind(next)] + SearchColumns.bindings(document).map { SQLBind($0.1) as any SQLExpression })
                let title = SearchText.index(document.titleEn + "\n" + document.titleZh)
                let body = SearchText.index(document.text)
                texts = texts.values(
                    SQLBind(next), SQLBind(title.words), SQLBind(body.words), SQLBind(title.han1), SQLBind(body.han1), SQLBind(title.han2),
                    SQLBind(body.han2))
            }
            try await entries.run()
            try await texts.run()
        }
    }

    func remove(kind: SearchDocument.Kind, recordID: UUID, on db: any Database) async throws {
        let sql = try db.sql
        let rows = try await sql.select().column("id").from(SearchColumns.entries).where("kind", .equal, kind.rawValue)
            .where("record_id", .equal, recordID.uuidString).all()
        for row in rows {
            let id = try row.decode(column: "id", as: Int.self)
            try await sql.raw("DELETE FROM search_fts WHERE rowid = \(bind: id)").run()
            try await sql.raw("DELETE FROM search_entries WHERE id = \(bind: id)").run()
        }
    }

    func removeAll(on db: any Database) async throws {
        let sql = try db.sql
        try await sql.raw("DELETE FROM search_fts").run()
        try await sql.raw("DELETE FROM search_entries").run()
    }

    func search(
        _ query: SearchQuery, filters: SearchFilters, caller: SearchCaller, limit: Int, offset: Int, on db: any Database
    ) async throws -> SearchResults {
        guard let match = FTS5Expression.make(query) else { return SearchResults(hits: [], countsByKind: [:], total: 0) }
        let sql = try db.sql
        // Titles weigh five times the text; recency breaks ties.
        var conditions = SQLQueryString("search_fts MATCH \(bind: match)")
        conditions.appendInterpolation(SearchColumns.restrictions(filters, caller))
        let counted = try await sql.raw(
            "SELECT e.kind AS kind, COUNT(*) AS n FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid WHERE \(conditions) GROUP BY e.kind"
        ).all()
        var counts: [SearchDocument.Kind: Int] = [:]
        for row in counted {
            if let kind = SearchDocument.Kind(rawValue: try row.decode(column: "kind", as: String.self)) {
                counts[kind] = try row.decode(column: "n", as: Int.self)
            }
        }
        var kindFilter = SQLQueryString("")
        if !filters.kinds.isEmpty {
            kindFilter.appendLiteral(" AND e.kind IN (")
            kindFilter.appendInterpolation(unsafeRaw: filters.kinds.map { "'\($0.rawValue)'" }.joined(separator: ","))
            kindFilter.appendLiteral(")")
        }
        let rows = try await sql.raw(
            """
            SELECT e.kind, e.record_id, e.url, e.title_en, e.title_zh, e.text, e.year, e.updated_at, e.audience,
            bm25(search_fts, 5.0, 1.0, 5.0, 1.0, 5.0, 1.0) AS rank
            FROM search_fts JOIN search_entries e ON e.id = search_fts.rowid
            WHERE \(conditions)\(kindFilter)
            ORDER BY rank, e.updated_at DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all()
        let hits = try rows.compactMap { row -> SearchHit? in
            guard let kind = SearchDocument.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
                let id = UUID(uuidString: try row.decode(column: "record_id", as: String.self))
            else { return nil }
            return SearchHit(
                kind: kind, recordID: id, url: try row.decode(column: "url", as: String.self),
                titleEn: try row.decode(column: "title_en", as: String.self), titleZh: try row.decode(column: "title_zh", as: String.self),
                text: try row.decode(column: "text", as: String.self), year: try row.decode(column: "year", as: Int?.self),
                rank: -(try row.decode(column: "rank", as: Double.self)),
                updatedAt: try row.decode(column: "updated_at", as: Date.self),
                audience: Visibility(rawValue: try row.decode(column: "audience", as: String.self)) ?? .secretariat)
        }
        let total = filters.kinds.isEmpty ? counts.values.reduce(0, +) : filters.kinds.compactMap { counts[$0] }.reduce(0, +)
        return SearchResults(hits: hits, countsByKind: counts, total: total)
    }
}
