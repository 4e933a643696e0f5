import Vapor

/// What every page's layout needs: language, navigation, the signed-in user and the footer.
struct Chrome: Encodable {
    struct NavItem: Encodable {
        let href: String
        let label: String
        let current: Bool
    }

    struct Alternate: Encodable {
        let hreflang: String
        let href: String
    }

    struct SignedInUser: Encodable {
        let name: String
        let role: String
        let isStaff: Bool
        let isAdmin: Bool
        let isFocalPoint: Bool
    }

    let lang: String
    let htmlLang: String
    let title: String
    let path: String
    let switchLanguageHref: String
    /// Back to this page after signing in (a search, a meeting), except from the home and sign-in pages.
    let signInHref: String
    let switchLanguageLabel: String
    let switchLanguageHtmlLang: String
    /// `<link rel="canonical">` where a page has one address whatever the interface language.
    var canonical: String? = nil
    /// `<link rel="alternate" hreflang>`: by default this page in the other interface language.
    var alternates: [Alternate]
    let nav: [NavItem]
    let user: SignedInUser?
    let csrf: String?
    let centre: CentreContext
    let showsIllustrativeNote: Bool
    /// The staff menu by area, on staff pages.
    var adminNav: AdminNavigation? = nil
    /// The confirmation after a change (`?done=saved`), for the signed-in person who made it.
    var confirmation: String? = nil
    /// A page that prints the centre's contact block itself (an issue's colophon) keeps only the
    /// footer's links.
    var footerWithoutContact = false

    /// Confirmations a redirect may ask for; anything else in `done` is ignored.
    static let confirmations: Set<String> = [
        "created", "saved", "unchanged", "ended", "published", "scheduled", "sent", "cancelled", "locked", "saved_pending",
        "discarded", "created_published", "image_saved", "image_removed", "circulated", "circulated_unsent", "comment_saved",
        "comment_removed", "answer_submitted", "answer_withdrawn", "silence_broken", "reopened", "response_saved",
    ]

    /// The request's query without its language and confirmation, and `item` after it: switching
    /// language keeps a search or a filter.
    static func queryKept(_ request: Request, adding item: String) -> String {
        (keptQuery(request) + [item]).joined(separator: "&")
    }

    private static func keptQuery(_ request: Request) -> [String] {
        (request.url.query ?? "").split(separator: "&").filter {
            !($0 == "lang" || $0.hasPrefix("lang=") || $0 == "done" || $0.hasPrefix("done="))
        }.map(String.init)
    }

    static func signInHref(_ request: Request) -> String {
        let path = request.url.path
        guard path != "/", !path.hasPrefix("/login") else { return "/login" }
        let kept = keptQuery(request)
        let target = path + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        return "/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    static func make(for request: Request, title: String, showsIllustrativeNote: Bool = false) async throws -> Chrome {
        let language = request.language
        let path = request.url.path
        let centre = try await CentreSnapshot.current(request)
        let user = request.currentUser
        var nav = [
            ("/", "nav.home"), ("/network", "nav.network"), ("/meetings", "nav.meetings"), ("/newsletters", "nav.newsletters"),
            ("/action-plan", "nav.action_plan"), ("/documents", "nav.documents"),
            ("/contact", "nav.contact"),
        ]
        if let user, user.role >= .focalPoint { nav.append(("/consultations", "nav.consultations")) }
        if let user, user.role.isStaff { nav.append(("/admin", "nav.admin")) }
        if let user, user.role == .focalPoint { nav.append(("/account", "nav.my_work")) }
        var chrome = Chrome(
            lang: language.rawValue,
            htmlLang: language.htmlTag,
            title: title,
            path: path,
            switchLanguageHref: path + "?" + Self.queryKept(request, adding: "lang=" + language.other.rawValue),
            signInHref: Self.signInHref(request),
            switchLanguageLabel: language == .en ? "中文" : "English",
            switchLanguageHtmlLang: language.other.htmlTag,
            alternates: [
                Alternate(
                    hreflang: language.other.htmlTag,
                    href: try request.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/") + path + "?lang="
                        + language.other.rawValue)
            ],
            nav: nav.map { NavItem(href: $0.0, label: request.t($0.1), current: $0.0 == "/" ? path == "/" : path.hasPrefix($0.0)) },
            user: user.map {
                SignedInUser(
                    name: $0.name, role: request.t("role." + $0.role.rawValue), isStaff: $0.role.isStaff, isAdmin: $0.role == .admin,
                    isFocalPoint: $0.role == .focalPoint)
            },
            csrf: user == nil ? nil : request.csrfToken(),
            centre: CentreContext(centre, language),
            showsIllustrativeNote: showsIllustrativeNote)
        if let user {
            if user.role.isStaff, AdminNavigation.covers(path) {
                chrome.adminNav = AdminNavigation(path: path, includesUsers: user.role == .admin, t: request.t)
            }
            if let done = try? request.query.get(String.self, at: "done"), confirmations.contains(done) {
                chrome.confirmation = request.t("done." + done)
            }
        }
        return chrome
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
