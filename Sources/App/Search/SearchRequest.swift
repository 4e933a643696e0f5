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

    /// A malformed filter is a `FieldErrors` naming it; a query that cannot be read (not UTF-8) is
    /// one naming `q`.
    static func parse(_ req: Request) async throws -> SearchRequest {
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
        guard errors.isEmpty else { throw errors }
        var caller = SearchCaller(role: req.role)
        if req.role == .focalPoint { caller.countries = Array(try await ReportingRules.countries(of: req.currentUser, on: req.db)) }
        return SearchRequest(query: SearchQuery(text), filters: filters, page: max(1, page), caller: caller)
    }

    /// Why nothing was searched for, or nil when something was.
    var emptyReason: String? {
        if query.text.isEmpty { return "search.enter_query" }
        return query.meaningfulTerms.isEmpty ? "search.too_short" : nil
    }

    func run(on db: any Database) async throws -> SearchResults {
        guard emptyReason == nil else { return SearchResults(hits: [], countsByKind: [:], total: 0) }
        return try await SearchEngine.forDatabase(db).search(
            query, filters: filters, caller: caller, limit: Self.pageSize, offset: (page - 1) * Self.pageSize, on: db)
    }
}
