import Fluent
import Vapor

/// `/search` and `GET /api/v1/search`: one index, each result only where the caller may see it.
struct SearchController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        // An anonymous reader's search page is a public page like any other: kept per address and
        // language until a change (every change empties the cached searches, see SiteCache).
        routes.publicPages().get("search", use: page)
        routes.requiring(.anonymous).get("api", "v1", "search", use: api)
    }

    /// Labels of the parameters a message can be about, as the page names them.
    static let parameterLabels = [
        "q": "search.label", "kind": "search.kinds", "year": "search.year", "country": "field.country", "area": "search.area",
        "lang_filter": "search.language", "page": "admin.page",
    ]

    func page(req: Request) async throws -> View {
        let l = req.language
        let (search, problems) = try await SearchRequest.parse(req)
        let (results, page) = try await search.run(on: req.db)
        let countries = try await Country.query(on: req.db).all().sorted {
            $0.name(l).localizedStandardCompare($1.name(l)) == .orderedAscending
        }
        let areas = try await PriorityArea.query(on: req.db).sort(\.$position).all()
        let base = SearchLinks(search)
        let kinds = SearchDocument.Kind.allCases.compactMap { kind -> SearchPageContext.KindFacet? in
            guard let count = results.countsByKind[kind], count > 0 else { return nil }
            return .init(
                label: req.t("search.kind." + kind.rawValue), count: count > SearchResults.countLimit ? "1000+" : String(count),
                href: base.href(kind: kind),
                current: search.filters.kinds == [kind])
        }
        let paging = ListPaging(
            requested: page, total: results.pageable, base: "/search", query: search.query.text, filters: base.filterItems(),
            pageSize: SearchRequest.pageSize)
        var notes = problems.messages.sorted { $0.key < $1.key }.map { field, message in
            req.t(Self.parameterLabels[field] ?? "search.label") + req.t("punct.colon") + message
        }
        if SearchRequest.wasShortened(req) { notes.append(req.t("search.shortened", ["max": String(SearchQuery.maximumLength)])) }
        let rawYear = (try? req.query.get(String.self, at: "year")) ?? ""
        let context = SearchPageContext(
            chrome: try await Chrome.make(for: req, title: search.query.text.isEmpty ? req.t("search.title") : search.query.text),
            query: search.query.text, reason: search.emptyReason.map(req.t), notes: notes,
            summary: search.emptyReason == nil
                ? req.t(
                    results.total == 1 ? "search.summary_one" : "search.summary",
                    ["count": String(results.total), "query": search.query.text])
                : nil,
            kinds: kinds, allKindsHref: base.href(kind: nil), allKindsCurrent: search.filters.kinds.isEmpty,
            results: results.hits.map { SearchPageContext.Result($0, search.query, req) },
            paging: paging, year: problems["year"] == nil ? (search.filters.year.map(String.init) ?? "") : rawYear,
            yearInvalid: problems["year"] != nil, kind: search.filters.kinds.first?.rawValue ?? "",
            countries: countries.map {
                .init(value: $0.code, label: $0.name(l), selected: $0.code == search.filters.country)
            },
            areas: areas.map { .init(value: $0.code, label: $0.code + " " + $0.title(l), selected: $0.code == search.filters.area) },
            languages: Language.allCases.map {
                .init(value: $0.rawValue, label: req.t("language." + $0.rawValue), selected: $0 == search.filters.language)
            })
        return try await req.view.render("search/index", context)
    }

    func api(req: Request) async throws -> Response {
        let (search, problems) = try await SearchRequest.parse(req)
        guard problems.isEmpty else { throw problems }
        // The API documents q as required: absent, it is refused; present but empty, answered.
        guard (req.url.query ?? "").split(separator: "&").contains(where: { $0 == "q" || $0.hasPrefix("q=") }) else {
            throw FieldErrors(["q": req.t("search.q_required")])
        }
        let (results, page) = try await search.run(on: req.db)
        let body = SearchAPI.Results(
            query: search.query.text, notice: search.emptyReason.map(req.t), total: min(results.total, SearchResults.countLimit),
            more: results.isCapped, page: page,
            pageCount: max(1, (results.pageable + SearchRequest.pageSize - 1) / SearchRequest.pageSize),
            counts: Dictionary(
                uniqueKeysWithValues: results.countsByKind.map { ($0.key.rawValue, min($0.value, SearchResults.countLimit)) }),
            results: results.hits.map {
                SearchAPI.Hit(
                    kind: $0.kind.rawValue, id: $0.recordID, title: BilingualText(en: $0.titleEn, zh: $0.titleZh), url: $0.url,
                    snippet: SearchSnippet.make($0.text, highlights: search.query.highlights).map(\.text).joined(), year: $0.year)
            })
        let response = Response(status: .ok)
        try response.content.encode(body, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "private, no-store")
        return response
    }
}

/// Links that keep the query and the other filters while one changes.
struct SearchLinks {
    let search: SearchRequest

    init(_ search: SearchRequest) { self.search = search }

    func filterItems(kind: SearchDocument.Kind?? = nil) -> [(name: String, value: String)] {
        var items: [(name: String, value: String)] = []
        let chosenKind = kind ?? search.filters.kinds.first
        if let chosenKind { items.append(("kind", chosenKind.rawValue)) }
        if let year = search.filters.year { items.append(("year", String(year))) }
        if let country = search.filters.country { items.append(("country", country)) }
        if let area = search.filters.area { items.append(("area", area)) }
        if let language = search.filters.language { items.append(("lang_filter", language.rawValue)) }
        return items
    }

    func href(kind: SearchDocument.Kind?) -> String {
        ListPaging.href(base: "/search", query: search.query.text, filters: filterItems(kind: .some(kind)))
    }
}

enum SearchAPI {
    struct Hit: Content {
        let kind: String
        let id: UUID
        let title: BilingualText
        let url: String
        let snippet: String
        let year: Int?
    }

    struct Results: Content {
        let query: String
        /// Why nothing was searched for (an empty query, or one of a single Latin letter).
        let notice: String?
        /// At most `SearchResults.countLimit`; `more` says there are more matches than that.
        let total: Int
        let more: Bool
        let page: Int
        let pageCount: Int
        let counts: [String: Int]
        let results: [Hit]
    }
}
