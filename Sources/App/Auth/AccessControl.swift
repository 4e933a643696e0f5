import Vapor

extension Route {
    /// The least role a route needs; every route must declare one (checked at start-up).
    var requiredRole: Role? {
        get { userInfo["requiredRole"] as? Role }
        set { userInfo["requiredRole"] = newValue }
    }

    /// A form authenticated by a signed token in its address instead of the CSRF cookie.
    var csrfExempt: Bool {
        get { userInfo["csrfExempt"] as? Bool ?? false }
        set { userInfo["csrfExempt"] = newValue }
    }

    /// The largest body the route accepts, where it differs from the application's default.
    var maximumBody: Int? {
        get { userInfo["maximumBody"] as? Int }
        set { userInfo["maximumBody"] = newValue }
    }

    /// Also open to a request bearing the configured metrics token (a Prometheus scraper).
    var acceptsMetricsToken: Bool {
        get { userInfo["acceptsMetricsToken"] as? Bool ?? false }
        set { userInfo["acceptsMetricsToken"] = newValue }
    }

    /// Public pages whose anonymous rendering may be cached and shared.
    var isCacheablePage: Bool {
        get { userInfo["cacheablePage"] as? Bool ?? false }
        set { userInfo["cacheablePage"] = newValue }
    }
}

/// A routes builder that stamps every route added through it with the role it requires.
struct AccessRoutesBuilder: RoutesBuilder {
    let base: any RoutesBuilder
    let role: Role
    let cacheable: Bool

    func add(_ route: Route) {
        route.requiredRole = role
        route.isCacheablePage = cacheable && role == .anonymous
        base.add(route)
    }
}

extension RoutesBuilder {
    func requiring(_ role: Role) -> any RoutesBuilder { AccessRoutesBuilder(base: self, role: role, cacheable: false) }

    /// Public pages: open to everyone, rendered once per language for anonymous readers.
    func publicPages() -> any RoutesBuilder { AccessRoutesBuilder(base: self, role: .anonymous, cacheable: true) }
}

/// Refuses requests whose user does not hold the route's required role: anonymous readers are
/// sent to sign in (HTML) or told 401 (API); signed-in users with too little a role get 403.
struct AccessControlMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard let route = request.route else { return try await next.respond(to: request) }
        guard let required = route.requiredRole else {
            throw Abort(.internalServerError, reason: "Route \(route.description) declares no required role")
        }
        let role = request.auth.get(User.self)?.role ?? .anonymous
        guard role >= required || (route.acceptsMetricsToken && Self.bearsMetricsToken(request)) else {
            if role == .anonymous {
                if request.isAPI { throw Abort(.unauthorized, reason: request.t("error.sign_in_required")) }
                let back = request.url.path + (request.url.query.map { "?" + $0 } ?? "")
                return request.redirect(to: "/login?next=" + (back.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            throw Abort(.forbidden, reason: request.t("error.forbidden"))
        }
        return try await next.respond(to: request)
    }
}

extension AccessControlMiddleware {
    static func bearsMetricsToken(_ request: Request) -> Bool {
        guard let expected = try? request.application.focalConfig.metricsToken, let given = request.headers.bearerAuthorization?.token
        else { return false }
        // Compared in constant time, so the answer's timing does not reveal the token's prefix.
        let a = Array(expected.utf8)
        let b = Array(given.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Request {
    var isAPI: Bool { url.path.hasPrefix("/api/") }

    var currentUser: User? { auth.get(User.self) }

    var role: Role { currentUser?.role ?? .anonymous }
}

extension Application {
    /// Fails start-up when a route was registered without declaring who may use it.
    func verifyEveryRouteDeclaresAccess() throws {
        let undeclared = routes.all.filter { $0.requiredRole == nil }.map(\.description)
        guard undeclared.isEmpty else {
            throw Abort(.internalServerError, reason: "Routes without a required role: \(undeclared.joined(separator: ", "))")
        }
    }
}
