import Fluent
import Foundation
import SQLKit

/// FTS5 with Porter stemming and folded diacritics for words, Han characters and pairs as tokens
/// of their own (`SearchText`), and what a result may be filtered by (who may see it, its kind,
/// year, countries, area, languages) as tokens of a `tags` column, so that a search and its
/// restrictions are answered inside the full-text index without reading any row. The table is
/// contentless (the text is kept once, in `search_entries`, for snippets); entries and their
/// text share a rowid, and a new or changed entry takes the next rowid, so rowid order is the
/// order of the last change.
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
            title_han2, body_han2, tags, content = '', contentless_delete = 1,
            tokenize = 'porter unicode61 remove_diacritics 2')
            """
        ).run()
    }

    func replace(_ document: SearchDocument, on db: any Database) async throws {
        try await remove(kind: document.kind, recordID: document.recordID, on: db)
        try await insertAll([document], on: db)
    }

    func insertAll(_ documents: [SearchDocument], on db: any Database) async throws {
        let sql = try db.sql
        var next = try await sql.raw("SELECT COALESCE(MAX(id), 0) AS n FROM search_entries").first()?.decode(column: "n", as: Int.self) ?? 0
        for start in stride(from: 0, to: documents.count, by: 200) {
            let chunk = documents[start..<min(start + 200, documents.count)]
            var entries = sql.insert(into: SearchColumns.entries).columns(["id"] + SearchColumns.bindings(chunk[chunk.startIndex]).map(\.0))
            var texts = sql.insert(into: Self.fts).columns(
                "rowid", "title_words", "body_words", "title_han1", "body_han1", "title_han2", "body_han2", "tags")
            for document in chunk {
                next += 1
                entries = entries.values([SQLBind(next)] + SearchColumns.bindings(document).map { SQLBind($0.1) as any SQLExpression })
                let title = SearchText.index(document.titleEn + "\n" + document.titleZh)
                let body = SearchText.index(document.text)
                texts = texts.values(
                    SQLBind(next), SQLBind(title.words), SQLBind(body.words), SQLBind(title.han1), SQLBind(body.han1), SQLBind(title.han2),
                    SQLBind(body.han2), SQLBind(SearchTags.tags(document)))
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

    /// How many entries match, counting no further than `SearchResults.countLimit` + 1.
    private func count(_ expression: String, on sql: any SQLDatabase) async throws -> Int {
        try await sql.raw(
            "SELECT COUNT(*) AS n FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH \(bind: expression) LIMIT \(bind: SearchResults.countLimit + 1))"
        ).first()?.decode(column: "n", as: Int.self) ?? 0
    }

    func search(
        _ query: SearchQuery, filters: SearchFilters, caller: SearchCaller, limit: Int, offset: Int, on db: any Database
    ) async throws -> SearchResults {
        guard let terms = FTS5Expression.make(query) else { return .empty }
        let sql = try db.sql
        var unfiltered = filters
        unfiltered.kinds = []
        let base = terms + SearchTags.restrictions(unfiltered, caller)
        var counts: [SearchDocument.Kind: Int] = [:]
        for kind in SearchDocument.Kind.allCases {
            let n = try await count(base + " AND " + SearchTags.kind(kind), on: sql)
            if n > 0 { counts[kind] = n }
        }
        let expression = terms + SearchTags.restrictions(filters, caller)
        let total = try await count(expression, on: sql)
        // Titles weigh five times the text; relevance ranks the latest matches (see SearchResults).
        let rows = try await sql.raw(
            """
            SELECT e.kind, e.record_id, e.url, e.title_en, e.title_zh, e.text, e.year, e.updated_at, e.audience, w.rank
            FROM (SELECT rowid AS id, bm25(search_fts, 5.0, 1.0, 5.0, 1.0, 5.0, 1.0, 0.0) AS rank FROM search_fts
                  WHERE search_fts MATCH \(bind: expression) ORDER BY rowid DESC LIMIT \(bind: SearchResults.countLimit)) w
            JOIN search_entries e ON e.id = w.id
            ORDER BY w.rank, e.updated_at DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all()
        let hits = try rows.compactMap { try SearchHit(row: $0, rankSign: -1) }
        return SearchResults(hits: hits, countsByKind: counts, total: total)
    }
}
