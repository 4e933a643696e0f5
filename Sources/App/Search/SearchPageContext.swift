import Vapor

struct SearchPageContext: Encodable {
    struct KindFacet: Encodable {
        let label: String
        let count: Int
        let href: String
        let current: Bool
    }

    struct Option: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    struct Result: Encodable {
        let kind: String
        let kindLabel: String
        let title: [SearchSnippet.Piece]
        /// The title in the other language, when it differs.
        let otherTitle: String?
        let href: String
        let year: Int?
        let snippet: [SearchSnippet.Piece]

        init(_ hit: SearchHit, _ query: SearchQuery, _ req: Request) {
            let l = req.language
            kind = hit.kind.rawValue
            kindLabel = req.t("search.kind." + hit.kind.rawValue)
            let shown = Bilingual.pick(en: hit.titleEn, zh: hit.titleZh, l)
            title = SearchSnippet.marked(shown, highlights: query.highlights)
            let other = l == .en ? hit.titleZh : hit.titleEn
            otherTitle = other.isEmpty || other == shown ? nil : other
            href = hit.url
            year = hit.year
            snippet = SearchSnippet.make(hit.text, highlights: query.highlights)
        }
    }

    let chrome: Chrome
    let query: String
    /// Why there are no results to show (an empty or too short query, a malformed filter).
    let reason: String?
    let summary: String?
    let kinds: [KindFacet]
    let allKindsHref: String
    let allKindsCurrent: Bool
    let results: [Result]
    let paging: ListPaging
    let year: String
    let kind: String
    let countries: [Option]
    let areas: [Option]
    let languages: [Option]
}
