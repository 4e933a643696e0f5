/// The staff menu: areas of work, each with its pages, the current area and page marked.
struct AdminNavigation: Encodable {
    struct Link: Encodable {
        let href: String
        let label: String
        let current: Bool
    }

    struct Area: Encodable {
        let key: String
        let href: String
        let label: String
        let current: Bool
        /// The area's address is the page shown (its first page).
        let isCurrentPage: Bool
        let pages: [Link]
    }

    let home: Link
    let areas: [Area]
    /// The pages of the current area, shown as the menu's second row.
    let currentPages: [Link]

    /// Pages by area, each page an address and its label key. An address belongs to the area of
    /// the longest page address it starts with.
    static func catalogue(includesUsers: Bool) -> [(key: String, pages: [(href: String, labelKey: String)])] {
        [
            (
                "network",
                [
                    ("/admin/countries", "admin.countries"), ("/admin/organisations", "admin.organisations"),
                    ("/admin/people", "admin.people"), ("/admin/positions", "admin.positions"),
                    ("/admin/focal-points", "admin.focal-points"), ("/admin/contact-points", "admin.contact-points"),
                ]
            ),
            (
                "meetings",
                [
                    ("/admin/meetings", "admin.meetings"), ("/admin/meeting-series", "admin.meeting-series"),
                    ("/admin/participations", "admin.participations"),
                ]
            ),
            ("documents", [("/admin/documents", "admin.documents")]),
            (
                "newsletter",
                [
                    ("/admin/newsletter-issues", "admin.newsletter-issues"), ("/admin/articles", "admin.articles"),
                    ("/admin/newsletters", "admin.newsletters"),
                ]
            ),
            (
                "mail",
                [
                    ("/admin/campaigns", "admin.campaigns"), ("/admin/subscribers", "admin.subscribers"),
                    ("/admin/subscribers/import", "mail.import"), ("/admin/mailing-lists", "admin.mailing-lists"),
                ]
            ),
            (
                "action_plan",
                [
                    ("/action-plan/reports", "report.title"), ("/admin/activities", "admin.activities"),
                    ("/admin/indicators", "admin.indicators"), ("/admin/indicator-targets", "admin.indicator-targets"),
                    ("/admin/indicator-actuals", "admin.indicator-actuals"),
                    ("/admin/activity-participants", "admin.activity-participants"),
                    ("/admin/activity-evidence", "admin.activity-evidence"), ("/admin/priority-areas", "admin.priority-areas"),
                    ("/admin/strategies", "admin.strategies"),
                ]
            ),
            (
                "settings",
                [("/admin/centre", "admin.centre"), ("/admin/audit", "admin.audit")]
                    + (includesUsers ? [("/admin/users", "admin.users")] : [])
            ),
        ]
    }

    /// Whether a path is one of the staff pages the menu is shown on.
    static func covers(_ path: String) -> Bool {
        path == "/admin" || path.hasPrefix("/admin/") || path == "/action-plan/reports" || path.hasPrefix("/action-plan/reports/")
    }

    init(path: String, includesUsers: Bool, t: (String) -> String) {
        let catalogue = Self.catalogue(includesUsers: includesUsers)
        let currentHref =
            catalogue.flatMap { $0.pages.map(\.href) }
            .filter { path == $0 || path.hasPrefix($0 + "/") }
            .max { $0.count < $1.count }
        home = Link(href: "/admin", label: t("admin.home"), current: path == "/admin")
        areas = catalogue.map { area in
            let pages = area.pages.map { Link(href: $0.href, label: t($0.labelKey), current: $0.href == currentHref) }
            return Area(
                key: area.key, href: area.pages.first?.href ?? "/admin", label: t("admin.area." + area.key),
                current: pages.contains(where: \.current), isCurrentPage: pages.first?.current ?? false, pages: pages)
        }
        currentPages = areas.first(where: \.current)?.pages ?? []
    }
}
