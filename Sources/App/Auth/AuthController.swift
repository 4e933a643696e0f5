import Fluent
import Vapor

struct AuthController: RouteCollection {
    struct LoginForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    struct LoginPageContext: Encodable {
        let chrome: Chrome
        let csrf: String
        let email: String
        let next: String
        let error: String?
    }

    /// Verified against when the address is unknown, so a wrong address costs as long as a wrong password.
    private static let decoyHash = (try? Bcrypt.hash("focal-decoy-password")) ?? ""

    func boot(routes: any RoutesBuilder) throws {
        let open = routes.requiring(.anonymous)
        open.get("login", use: form)
        open.post("login", use: login)
        routes.requiring(.focalPoint).post("logout", use: logout)
    }

    func form(req: Request) async throws -> Response {
        try await render(req, email: "", next: (try? req.query.get(String.self, at: "next")) ?? "", error: nil)
    }

    func login(req: Request) async throws -> Response {
        let input = try req.content.decode(LoginForm.self)
        let email = User.normalise(input.email ?? "")
        let next = input.next ?? ""
        let config = req.application.focalConfig
        let client = req.remoteAddress?.ipAddress ?? "unknown"
        guard req.application.loginThrottle.allows(client) else {
            return try await render(req, email: email, next: next, error: req.t("login.throttled"), status: .tooManyRequests)
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        if let lockedUntil = user?.lockedUntil, lockedUntil > Date() {
            return try await render(
                req, email: email, next: next,
                error: req.t("login.locked", ["minutes": "\(Int(lockedUntil.timeIntervalSinceNow / 60) + 1)"]),
                status: .tooManyRequests)
        }
        let password = input.password ?? ""
        let matches = try await req.password.async.verify(password, created: user?.passwordHash ?? Self.decoyHash)
        guard let user, matches else {
            req.application.loginThrottle.recordFailure(client)
            if let user {
                user.failedLoginCount += 1
                if user.failedLoginCount >= config.loginMaxAttempts {
                    user.lockedUntil = Date().addingTimeInterval(TimeInterval(config.loginLockSeconds))
                    user.failedLoginCount = 0
                }
                try await user.save(on: req.db)
            }
            return try await render(req, email: email, next: next, error: req.t("login.failed"), status: .unauthorized)
        }
        user.failedLoginCount = 0
        user.lockedUntil = nil
        user.lastLoginAt = Date()
        try await user.save(on: req.db)
        req.auth.login(user)
        req.session.authenticate(user)
        return req.redirect(to: Self.safeDestination(next) ?? (user.role.isStaff ? "/admin" : "/account/profile"))
    }

    func logout(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        req.session.destroy()
        return req.redirect(to: "/")
    }

    /// Only paths on this site: never another host, so the login form cannot be used to redirect away.
    static func safeDestination(_ next: String) -> String? {
        guard next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.hasPrefix("/login") else { return nil }
        return next
    }

    private func render(_ req: Request, email: String, next: String, error: String?, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let context = LoginPageContext(
            chrome: try await Chrome.make(for: req, title: req.t("login.title")), csrf: req.csrfToken(), email: email,
            next: next.removingPercentEncoding ?? next, error: error)
        let response = try await req.view.render("auth/login", context).encodeResponse(for: req)
        response.status = status
        return response
    }

}
