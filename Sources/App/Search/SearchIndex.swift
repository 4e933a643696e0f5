import Fluent
import Foundation
import SQLKit

/// Who is asking, as search needs it.
struct SearchCaller: Sendable {
    let role: Role
    /// A focal point's countries: records scoped to them are theirs to find.
    var countries: [UUID] = []

    var audiences: [Visibility] { Visibility.visible(to: role) }
}

struct SearchFilters: Sendable, Equatable {
    var kinds: [SearchDocument.Kind] = []
    var year: Int? = nil
    var country: String? = nil
    var area: String? = nil
    var language: Language? = nil
}

struct SearchHit: Sendable, Equatable {
    let kind: SearchDocument.Kind
    let recordID: UUID
    let url: String
    let titleEn: String
    let titleZh: String
    let text: String
    let year: Int?
    let rank: Double
    let updatedAt: Date
    /// Who may find it, for the "Secretariat only" mark staff see.
    var audience: Visibility = .public
}

extension SearchHit {
    /// A result row of either engine (`search_entries` and a rank), nil for one that names no
    /// known kind or record. `rankSign` makes greater ranks better (bm25 is lower for better).
    init?(row: any SQLRow, rankSign: Double) throws {
        guard let kind = SearchDocument.Kind(rawValue: try row.decode(column: "kind", as: String.self)),
            let id = UUID(uuidString: try row.decode(column: "record_id", as: String.self))
        else { return nil }
        self.init(
            kind: kind, recordID: id, url: try row.decode(column: "url", as: String.self),
            titleEn: try row.decode(column: "title_en", as: String.self), titleZh: try row.decode(column: "title_zh", as: String.self),
            text: try row.decode(column: "text", as: String.self), year: try row.decode(column: "year", as: Int?.self),
            rank: rankSign * (try row.decode(column: "rank", as: Double.self)),
            updatedAt: try row.decode(column: "updated_at", as: Date.self),
            audience: Visibility(rawValue: try row.decode(column: "audience", as: String.self)) ?? .secretariat)
    }
}

/// A page of results. A query that matches more than `countLimit` entries (a single common
/// character, a word in every other text) is counted no further, and relevance ranks its
/// `countLimit` latest matches: ranking every match of such a query would cost each search tens
/// of milliseconds for an order nobody reads past the first pages.
struct SearchResults: Sendable {
    static let countLimit = 1_000
    static let empty = SearchResults(hits: [], countsByKind: [:], total: 0)

    let hits: [SearchHit]
    /// Matches per kind, for the counts beside each kind's filter (before the kind filter); a
    /// count over `countLimit` means "more than that".
    let countsByKind: [SearchDocument.Kind: Int]
    let total: Int

    var isCapped: Bool { total > Self.countLimit }
    /// The results that can be paged through.
    var pageable: Int { min(total, Self.countLimit) }
}

/// Counts per kind and the total, the same way on both engines: from the kinds of `countLimit` + 1
/// matches, which is every match of most queries; only a query with more matches than that
/// counts kind by kind (a kind may have matches only among the others), each count stopping past
/// the limit.
enum SearchCounting {
    static func counts(
        window: [SearchDocument.Kind: Int], filters: SearchFilters, countKind: (SearchDocument.Kind) async throws -> Int
    ) async throws -> (byKind: [SearchDocument.Kind: Int], total: Int) {
        var counts = window
        if window.values.reduce(0, +) > SearchResults.countLimit {
            // A kind that fills the whole window has more matches than the limit already.
            for kind in SearchDocument.Kind.allCases where (window[kind] ?? 0) <= SearchResults.countLimit {
                let n = try await countKind(kind)
                counts[kind] = n > 0 ? n : nil
            }
        }
        let selected = filters.kinds.isEmpty ? Array(counts.values) : filters.kinds.compactMap { counts[$0] }
        return (counts, min(selected.reduce(0, +), SearchResults.countLimit + 1))
    }
}

/// One interface, two engines: SQLite's FTS5 and PostgreSQL's full-text search. Both index
/// `SearchText.index` of the same text, so they find the same records.
protocol SearchIndex: Sendable {
    /// Adds or replaces a record's entry, in the caller's transaction when `db` is one.
    func replace(_ document: SearchDocument, on db: any Database) async throws
    func remove(kind: SearchDocument.Kind, recordID: UUID, on db: any Database) async throws
    func search(
        _ query: SearchQuery, filters: SearchFilters, caller: SearchCaller, limit: Int, offset: Int, on db: any Database
    ) async throws -> SearchResults
    func removeAll(on db: any Database) async throws
    /// Adds entries for records the index does not hold yet, many rows per statement: the rebuild
    /// after `removeAll`.
    func insertAll(_ documents: [SearchDocument], on db: any Database) async throws
}

enum SearchEngine {
    static func forDatabase(_ db: any Database) throws -> any SearchIndex {
        try db.sql.dialect.name == "postgresql" ? PostgresSearchIndex() : SQLiteSearchIndex()
    }

    static func createTables(on db: any Database) async throws {
        if try db.sql.dialect.name == "postgresql" {
            try await PostgresSearchIndex.create(on: db)
        } else {
            try await SQLiteSearchIndex.create(on: db)
        }
    }
}

/// Columns both engines keep beside the text.
enum SearchColumns {
    /// Who may see an entry, and the reader's filters, as conditions to add after the match.
    static func restrictions(_ filters: SearchFilters, _ caller: SearchCaller) -> SQLQueryString {
        var conditions = SQLQueryString(" AND e.audience IN (")
        conditions.appendInterpolation(unsafeRaw: caller.audiences.map { "'\($0.rawValue)'" }.joined(separator: ","))
        conditions.appendLiteral(")")
        if !caller.role.isStaff, !caller.countries.isEmpty {
            conditions.appendLiteral(" AND (e.country_scope IS NULL OR e.country_scope IN (")
            for (position, country) in caller.countries.enumerated() {
                if position > 0 { conditions.appendLiteral(", ") }
                conditions.appendInterpolation(bind: country.uuidString)
            }
            conditions.appendLiteral("))")
        } else if !caller.role.isStaff {
            conditions.appendLiteral(" AND e.country_scope IS NULL")
        }
        if let year = filters.year {
            conditions.appendLiteral(" AND e.year = ")
            conditions.appendInterpolation(bind: year)
        }
        if let country = filters.country {
            conditions.appendLiteral(" AND e.countries LIKE ")
            conditions.appendInterpolation(bind: "% " + country + " %")
        }
        if let area = filters.area {
            conditions.appendLiteral(" AND e.area = ")
            conditions.appendInterpolation(bind: area)
        }
        if let language = filters.language {
            conditions.appendLiteral(" AND e.language LIKE ")
            conditions.appendInterpolation(bind: "% " + language.rawValue + " %")
        }
        return conditions
    }

    static let entries = "search_entries"

    /// The languages an entry has text in, as " en zh ": its own for an article, else what its
    /// titles and text are written in (Han characters for Chinese, Latin letters for English).
    static func languages(_ d: SearchDocument) -> String {
        if let language = d.language { return " " + language.rawValue + " " }
        let all = d.titleEn + " " + d.titleZh + " " + d.text.prefix(20_000)
        let scripts = SearchText.scripts(all[...])
        var found: [String] = []
        if scripts.latin { found.append("en") }
        if scripts.han { found.append("zh") }
        return " " + found.joined(separator: " ") + " "
    }

    static func bindings(_ d: SearchDocument) -> [(String, any Encodable & Sendable)] {
        [
            ("kind", d.kind.rawValue), ("record_id", d.recordID.uuidString), ("url", d.url), ("title_en", d.titleEn),
            ("title_zh", d.titleZh), ("text", String(d.text.prefix(200_000))), ("year", d.year),
            ("countries", " " + d.countries.joined(separator: " ") + " "),
            ("area", d.area), ("language", languages(d)), ("audience", d.audience.rawValue),
            ("country_scope", d.countryScope?.uuidString), ("updated_at", d.updatedAt),
        ]
    }
}
