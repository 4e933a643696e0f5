import Vapor

struct SearchPageContext: Encodable {
    struct KindFacet: Encodable {
        let label: String
        /// "1000+" past the counting limit.
        let count: String
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
        let otherTitle: [SearchSnippet.Piece]?
        /// "Secretariat only" and the like, on what not everyone may find.
        let restriction: String?
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
            otherTitle = other.isEmpty || other == shown ? nil : SearchSnippet.marked(other, highlights: query.highlights)
            restriction = hit.audience == .public ? nil : req.t("search.only." + hit.audience.rawValue)
            href = hit.url
            year = hit.year
            snippet = SearchSnippet.make(hit.text, highlights: query.highlights)
        }
    }

    let chrome: Chrome
    let query: String
    /// Why there are no results to show (an empty or too short query).
    let reason: String?
    /// What was not understood (a malformed filter, by its label) or not read (a long query).
    let notes: [String]
    let summary: String?
    let kinds: [KindFacet]
    let allKindsHref: String
    let allKindsCurrent: Bool
    let results: [Result]
    let paging: ListPaging
    let year: String
    let yearInvalid: Bool
    let kind: String
    let countries: [Option]
    let areas: [Option]
    let languages: [Option]
}
