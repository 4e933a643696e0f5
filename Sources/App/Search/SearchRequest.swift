import Fluent
import Vapor

/// A search as a request asks for it: the query, the filters and the page, each checked; and who
/// is asking. Shared by the page and the API so both answer the same.
struct SearchRequest: Sendable {
    static let pageSize = 20

    let query: SearchQuery
    let filters: SearchFilters
    let page: Int
    let caller: SearchCaller

    /// The search with every well-formed part of the request, and a message for each malformed
    /// one (a filter without the documented form, a query that is not UTF-8), by parameter.
    static func parse(_ req: Request) async throws -> (SearchRequest, FieldErrors) {
        var errors = FieldErrors()
        var text = ""
        if let raw = req.url.query, raw.split(separator: "&").contains(where: { $0 == "q" || $0.hasPrefix("q=") }) {
            if let value = try? req.query.get(String.self, at: "q") { text = value } else { errors["q"] = req.t("search.unreadable") }
        }
        var filters = SearchFilters()
        func parameter(_ name: String, _ pattern: String) -> String? {
            do { return try req.filterParameter(name, pattern: pattern) } catch let failure as FieldErrors {
                for (field, message) in failure.messages { errors[field] = message }
                return nil
            } catch { return nil }
        }
        if let kind = parameter("kind", "^[a-z]{1,20}$") {
            if let known = SearchDocument.Kind(rawValue: kind) {
                filters.kinds = [known]
            } else {
                errors["kind"] = req.t("search.unknown_kind")
            }
        }
        filters.year = parameter("year", "^[0-9]{4}$").flatMap(Int.init)
        filters.country = parameter("country", "^[A-Za-z]{2}$")?.uppercased()
        filters.area = parameter("area", "^[A-Za-z0-9.-]{1,32}$")
        filters.language = parameter("lang_filter", "^(en|zh)$").flatMap(Language.init(rawValue:))
        let page = parameter("page", "^[0-9]{1,6}$").flatMap(Int.init) ?? 1
        var caller = SearchCaller(role: req.role)
        if req.role == .focalPoint { caller.countries = Array(try await ReportingRules.countries(of: req.currentUser, on: req.db)) }
        return (SearchRequest(query: SearchQuery(text), filters: filters, page: max(1, page), caller: caller), errors)
    }

    /// Why nothing was searched for, or nil when something was.
    var emptyReason: String? {
        if query.text.isEmpty { return "search.enter_query" }
        return query.meaningfulTerms.isEmpty ? "search.too_short" : nil
    }

    /// The results of the page asked for; past the last page, the last page's (and `page` says which).
    func run(on db: any Database) async throws -> (results: SearchResults, page: Int) {
        guard emptyReason == nil else { return (.empty, 1) }
        let index = try SearchEngine.forDatabase(db)
        let results = try await index.search(
            query, filters: filters, caller: caller, limit: Self.pageSize, offset: (page - 1) * Self.pageSize, on: db)
        let last = max(1, (results.pageable + Self.pageSize - 1) / Self.pageSize)
        guard page > last else { return (results, page) }
        let lastResults = try await index.search(
            query, filters: filters, caller: caller, limit: Self.pageSize, offset: (last - 1) * Self.pageSize, on: db)
        return (lastResults, last)
    }

    /// Whether the reader typed more than the search reads.
    static func wasShortened(_ req: Request) -> Bool {
        ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespacesAndNewlines).count > SearchQuery.maximumLength
    }
}
