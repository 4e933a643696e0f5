import Fluent
import Vapor

/// Which page of an admin list a request asks for, and the links to the pages around it. Lists
/// fetch one page from the database and count the rest, so a list of 100,000 subscribers opens
/// as fast as one of ten.
struct ListPaging: Encodable, Sendable {
    static let pageSize = 100

    let page: Int
    let pageCount: Int
    let total: Int
    /// Positions (from 1) of the first and last row shown; 0 and 0 on an empty list.
    let first: Int
    let last: Int
    let previousHref: String?
    let nextHref: String?

    /// The page asked for (`?page=`), at least 1; a page past the end shows the last one.
    static func requestedPage(_ req: Request) -> Int {
        max(1, (try? req.query.get(Int.self, at: "page")) ?? 1)
    }

    /// `filters` are the list's other query parameters (`status=submitted`), kept on every page link.
    init(
        requested: Int, total: Int, base: String, query: String, filters: [(name: String, value: String)] = [],
        pageSize: Int = ListPaging.pageSize
    ) {
        let pageCount = max(1, (total + pageSize - 1) / pageSize)
        let page = min(max(1, requested), pageCount)
        self.page = page
        self.pageCount = pageCount
        self.total = total
        first = total == 0 ? 0 : (page - 1) * pageSize + 1
        last = min(total, page * pageSize)
        func href(_ target: Int) -> String { Self.href(base: base, query: query, filters: filters, page: target) }
        previousHref = page > 1 ? href(page - 1) : nil
        nextHref = page < pageCount ? href(page + 1) : nil
    }

    /// The rows of this page, as offsets into the whole list.
    var range: Range<Int> { total == 0 ? 0..<0 : (first - 1)..<last }

    /// `base?q=…&name=value&page=N`, the first page without `page`.
    static func href(base: String, query: String, filters: [(name: String, value: String)], page: Int = 1) -> String {
        var items: [String] = []
        if !query.isEmpty { items.append("q=" + Self.encoded(query)) }
        items += filters.map { $0.name + "=" + Self.encoded($0.value) }
        if page > 1 { items.append("page=\(page)") }
        return items.isEmpty ? base : base + "?" + items.joined(separator: "&")
    }

    private static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=+#?")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension ListPaging {
    /// The page of `query` a request asks for, and the paging around it: the rows are counted, then
    /// only that page is read, in `order` with the record's id breaking ties so rows keep their page.
    static func page<Record: Model>(
        of query: QueryBuilder<Record>, _ req: Request, base: String, filters: [(name: String, value: String)] = [],
        order: (QueryBuilder<Record>) -> QueryBuilder<Record> = { $0 }
    ) async throws -> (paging: ListPaging, rows: [Record]) {
        let total = try await query.copy().count()
        let paging = ListPaging(requested: requestedPage(req), total: total, base: base, query: "", filters: filters)
        guard total > 0 else { return (paging, []) }
        let ordered = order(query.copy()).sort(.path([.id], schema: Record.schemaOrAlias), .ascending)
        return (paging, try await ordered.range(paging.range).all())
    }
}
