import Fluent
import Vapor

/// The search box of an admin list. Records the search index holds are looked up there (Han
/// characters, stems, the text around a record); when the index finds nothing, or the query has
/// nothing it can search for (one letter, `a@`), the list matches what its cells show instead, so
/// a slug, a country's name or a status label shown in a row still finds that row.
enum AdminListSearch {
    static func query(_ req: Request) -> String {
        ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
    }

    /// The records of `kind` the index finds for `query`, or nil when it finds none.
    static func indexed(_ query: String, kind: SearchDocument.Kind, _ req: Request) async throws -> (ids: [UUID], capped: Bool)? {
        let search = SearchQuery(query)
        guard !search.meaningfulTerms.isEmpty else { return nil }
        let results = try await SearchEngine.forDatabase(req.db).search(
            search, filters: SearchFilters(kinds: [kind]), caller: SearchCaller(role: req.role), limit: SearchResults.countLimit,
            offset: 0, on: req.db)
        let ids = results.hits.map(\.recordID)
        return ids.isEmpty ? nil : (ids, results.isCapped)
    }

    /// One page of the records whose cells contain `query`, read from the whole list.
    static func matchingCells<Record>(
        _ records: [Record], query: String, base: String, _ req: Request, cells: (Record) -> [String]
    ) -> (paging: ListPaging, rows: [Record]) {
        let matching = records.filter { record in cells(record).contains { $0.localizedCaseInsensitiveContains(query) } }
        let paging = ListPaging(requested: ListPaging.requestedPage(req), total: matching.count, base: base, query: query)
        return (paging, Array(matching[paging.range]))
    }
}

extension QueryBuilder {
    /// Only the records with these ids.
    func filter(ids: [UUID]) -> Self {
        filter(.path([.id], schema: Model.schemaOrAlias), .subset(inverse: false), .array(ids.map { .bind($0) }))
    }
}
