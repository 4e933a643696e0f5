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

    /// A row of both tables, made ready off the database's thread.
    private struct PreparedRow: Sendable {
        let columns: [(String, any Encodable & Sendable)]
        let title: SearchText.Indexed
        let body: SearchText.Indexed
        let tags: String

        init(_ document: SearchDocument) {
            columns = SearchColumns.bindings(document)
            title = SearchText.index(document.titleEn + "\n" + document.titleZh)
            body = SearchText.index(document.text)
            tags = SearchTags.tags(document)
        }
    }

    /// Many rows per statement; each chunk's text is split while SQLite writes the one before it.
    func insertAll(_ documents: [SearchDocument], on db: any Database) async throws {
        let sql = try db.sql
        var next = try await sql.raw("SELECT COALESCE(MAX(id), 0) AS n FROM search_entries").first()?.decode(column: "n", as: Int.self) ?? 0
        let chunks = stride(from: 0, to: documents.count, by: 200).map { Array(documents[$0..<min($0 + 200, documents.count)]) }
        func prepare(_ position: Int) -> Task<[PreparedRow], Never>? {
            guard position < chunks.count else { return nil }
            let chunk = chunks[position]
            return Task.detached { chunk.map(PreparedRow.init) }
        }
        var upcoming = prepare(0)
        for position in chunks.indices {
            guard let rows = await upcoming?.value, let first = rows.first else { break }
            upcoming = prepare(position + 1)
            var entries = sql.insert(into: SearchColumns.entries).columns(["id"] + first.columns.map(\.0))
            var texts = sql.insert(into: Self.fts).columns(
                "rowid", "title_words", "body_words", "title_han1", "body_han1", "title_han2", "body_han2", "tags")
            for row in rows {
                next += 1
                entries = entries.values([SQLBind(next)] + row.columns.map { SQLBind($0.1) as any SQLExpression })
                texts = texts.values(
                    SQLBind(next), SQLBind(row.title.words), SQLBind(row.body.words), SQLBind(row.title.han1), SQLBind(row.body.han1),
                    SQLBind(row.title.han2), SQLBind(row.body.han2), SQLBind(row.tags))
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
        let base = SearchTags.query(terms, unfiltered, caller)
        var window: [SearchDocument.Kind: Int] = [:]
        for row in try await sql.raw(
            """
            SELECT e.kind AS kind, COUNT(*) AS n FROM (SELECT rowid AS id FROM search_fts WHERE search_fts MATCH \(bind: base)
            ORDER BY rowid DESC LIMIT \(bind: SearchResults.countLimit + 1)) w JOIN search_entries e ON e.id = w.id GROUP BY e.kind
            """
        ).all() {
            if let kind = SearchDocument.Kind(rawValue: try row.decode(column: "kind", as: String.self)) {
                window[kind] = try row.decode(column: "n", as: Int.self)
            }
        }
        let (counts, total) = try await SearchCounting.counts(window: window, filters: filters) { kind in
            var ofKind = unfiltered
            ofKind.kinds = [kind]
            return try await count(SearchTags.query(terms, ofKind, caller), on: sql)
        }
        let expression = SearchTags.query(terms, filters, caller)
        // Titles weigh five times the text; relevance ranks the latest matches (see SearchResults).
        // Equal ranks go newest first by rowid, which follows the last change, so only the page's
        // rows are read from the entries, whose text can be long.
        let rows = try await sql.raw(
            """
            SELECT e.kind, e.record_id, e.url, e.title_en, e.title_zh, e.text, e.year, e.updated_at, e.audience, p.rank
            FROM (SELECT id, rank FROM (SELECT rowid AS id, bm25(search_fts, 5.0, 1.0, 5.0, 1.0, 5.0, 1.0, 0.0) AS rank FROM search_fts
                  WHERE search_fts MATCH \(bind: expression) ORDER BY rowid DESC LIMIT \(bind: SearchResults.countLimit))
                  ORDER BY rank, id DESC LIMIT \(bind: limit) OFFSET \(bind: offset)) p
            JOIN search_entries e ON e.id = p.id
            ORDER BY p.rank, p.id DESC
            """
        ).all()
        let hits = try rows.compactMap { try SearchHit(row: $0, rankSign: -1) }
        return SearchResults(hits: hits, countsByKind: counts, total: total)
    }
}
