import Fluent
import Foundation
import SQLKit

/// PostgreSQL full-text search over the same `SearchText` columns: words in the `english`
/// configuration (stemming), Han characters and pairs in `simple` (each a token as written).
/// Titles are weight A, text D. Diacritics are folded before indexing and querying, as FTS5's
/// `remove_diacritics` does.
struct PostgresSearchIndex: SearchIndex {
    static func create(on db: any Database) async throws {
        let sql = try db.sql
        try await sql.raw(
            """
            CREATE TABLE IF NOT EXISTS search_entries (id BIGSERIAL PRIMARY KEY, kind TEXT NOT NULL, record_id TEXT NOT NULL,
            url TEXT NOT NULL, title_en TEXT NOT NULL, title_zh TEXT NOT NULL, text TEXT NOT NULL, year INTEGER,
            countries TEXT NOT NULL, area TEXT, language TEXT, audience TEXT NOT NULL, country_scope TEXT,
            updated_at TIMESTAMPTZ NOT NULL, words TSVECTOR NOT NULL, han1 TSVECTOR NOT NULL, han2 TSVECTOR NOT NULL,
            UNIQUE (kind, record_id))
            """
        ).run()
        for column in ["words", "han1", "han2"] {
            try await sql.raw(
                "CREATE INDEX IF NOT EXISTS search_entries_\(unsafeRaw: column) ON search_entries USING GIN (\(unsafeRaw: column))"
            )
            .run()
        }
    }

    static func folded(_ text: String) -> String { text.folding(options: [.diacriticInsensitive], locale: nil) }

    /// Words split as `SearchQuery` splits them: PostgreSQL's parser would read "2021-2025" as
    /// 2021 and -2025, which the query's "2021 2025" would then miss.
    static func words(_ text: String) -> String { SearchQuery.wordTokens(folded(text)).joined(separator: " ") }

    func replace(_ document: SearchDocument, on db: any Database) async throws {
        try await remove(kind: document.kind, recordID: document.recordID, on: db)
        try await insertAll([document], on: db)
    }

    /// A row's columns and its three vectors, weighted: titles A, text D.
    static func row(_ document: SearchDocument) -> [any SQLExpression] {
        let title = SearchText.index(document.titleEn + "\n" + document.titleZh)
        let body = SearchText.index(document.text)
        var values = SearchColumns.bindings(document).map { SQLBind($0.1) as any SQLExpression }
        values.append(
            SQLQueryString(
                "setweight(to_tsvector('english', \(bind: words(title.words))), 'A') || setweight(to_tsvector('english', \(bind: words(body.words))), 'D')"
            ))
        values.append(
            SQLQueryString(
                "setweight(to_tsvector('simple', \(bind: title.han1)), 'A') || setweight(to_tsvector('simple', \(bind: body.han1)), 'D')"))
        values.append(
            SQLQueryString(
                "setweight(to_tsvector('simple', \(bind: title.han2)), 'A') || setweight(to_tsvector('simple', \(bind: body.han2)), 'D')"))
        return values
    }

    func insertAll(_ documents: [SearchDocument], on db: any Database) async throws {
        let sql = try db.sql
        guard let first = documents.first else { return }
        let columns = SearchColumns.bindings(first).map(\.0) + ["words", "han1", "han2"]
        for start in stride(from: 0, to: documents.count, by: 200) {
            var insert = sql.insert(into: SearchColumns.entries).columns(columns)
            for document in documents[start..<min(start + 200, documents.count)] { insert = insert.values(Self.row(document)) }
            try await insert.run()
        }
    }

    func remove(kind: SearchDocument.Kind, recordID: UUID, on db: any Database) async throws {
        try await db.sql.delete(from: SearchColumns.entries).where("kind", .equal, kind.rawValue)
            .where("record_id", .equal, recordID.uuidString).run()
    }

    func removeAll(on db: any Database) async throws {
        try await db.sql.raw("DELETE FROM search_entries").run()
    }

    /// Each term as a condition on its own column, and the sum of their ranks.
    static func conditions(_ query: SearchQuery) -> (match: SQLQueryString, rank: SQLQueryString)? {
        let terms = query.meaningfulTerms
        guard !terms.isEmpty else { return nil }
        var match = SQLQueryString("TRUE")
        var rank = SQLQueryString("0")
        for term in terms {
            let column: String
            let config: String
            var text: String
            var function = "phraseto_tsquery"
            switch term {
            case .words(let words, let prefix):
                (column, config, text) = ("words", "english", folded(words.joined(separator: " ")))
                // Letters and digits only (SearchQuery's words), so nothing in it is tsquery syntax.
                if prefix { (function, text) = ("to_tsquery", words.map(folded).joined(separator: " <-> ") + ":*") }
            case .han(let characters) where characters.count == 1:
                (column, config, text) = ("han1", "simple", String(characters))
            case .han(let characters):
                (column, config, text) = ("han2", "simple", SearchText.pairs(characters).joined(separator: " "))
            }
            match.appendLiteral(" AND e.\(column) @@ \(function)('\(config)', ")
            match.appendInterpolation(bind: text)
            match.appendLiteral(")")
            rank.appendLiteral(" + ts_rank(e.\(column), \(function)('\(config)', ")
            rank.appendInterpolation(bind: text)
            rank.appendLiteral("))")
        }
        return (match, rank)
    }

    /// " AND e.kind IN (…)", or nothing for every kind (the kinds are the enum's own words).
    static func kindFilter(_ kinds: [SearchDocument.Kind]) -> SQLQueryString {
        guard !kinds.isEmpty else { return SQLQueryString("") }
        return SQLQueryString(" AND e.kind IN (\(unsafeRaw: kinds.map { "'\($0.rawValue)'" }.joined(separator: ",")))")
    }

    func search(
        _ query: SearchQuery, filters: SearchFilters, caller: SearchCaller, limit: Int, offset: Int, on db: any Database
    ) async throws -> SearchResults {
        guard let (match, rank) = Self.conditions(query) else { return .empty }
        let sql = try db.sql
        var unfiltered = filters
        unfiltered.kinds = []
        var conditions = match
        conditions.appendInterpolation(SearchColumns.restrictions(unfiltered, caller))
        let cap = SearchResults.countLimit
        func count(_ kinds: [SearchDocument.Kind]) async throws -> Int {
            try await sql.raw(
                "SELECT COUNT(*) AS n FROM (SELECT 1 FROM search_entries e WHERE \(conditions)\(Self.kindFilter(kinds)) LIMIT \(bind: cap + 1)) x"
            ).first()?.decode(column: "n", as: Int.self) ?? 0
        }
        // Any `cap` + 1 matches will do for counting (all of them, or proof of more): no sort, which
        // for a broad term would read every match.
        var window: [SearchDocument.Kind: Int] = [:]
        for row in try await sql.raw(
            """
            SELECT w.kind AS kind, COUNT(*) AS n FROM (SELECT e.kind FROM search_entries e WHERE \(conditions)
            LIMIT \(bind: cap + 1)) w GROUP BY w.kind
            """
        ).all() {
            if let kind = SearchDocument.Kind(rawValue: try row.decode(column: "kind", as: String.self)) {
                window[kind] = try row.decode(column: "n", as: Int.self)
            }
        }
        let (counts, total) = try await SearchCounting.counts(window: window, filters: filters) { try await count([$0]) }
        // As on SQLite: relevance ranks the latest `countLimit` matches (see SearchResults).
        let rows = try await sql.raw(
            """
            SELECT e.kind, e.record_id, e.url, e.title_en, e.title_zh, e.text, e.year, e.updated_at, e.audience, w.rank
            FROM (SELECT e.id, (\(rank)) AS rank FROM search_entries e WHERE \(conditions)\(Self.kindFilter(filters.kinds))
                  ORDER BY e.id DESC LIMIT \(bind: cap)) w
            JOIN search_entries e ON e.id = w.id
            ORDER BY w.rank DESC, e.updated_at DESC LIMIT \(bind: limit) OFFSET \(bind: offset)
            """
        ).all()
        let hits = try rows.compactMap { try SearchHit(row: $0, rankSign: 1) }
        return SearchResults(hits: hits, countsByKind: counts, total: total)
    }
}
