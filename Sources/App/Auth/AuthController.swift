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
        let config = try req.application.focalConfig
        let client = req.clientAddress
        // Failures are counted per client address and per client and account, never per account
        // alone: nobody can lock the secretariat out by typing wrong passwords for its addresses,
        // and the answer never depends on whether an address has an account.
        let throttle = try req.application.loginThrottle
        let pair = client + " " + email
        guard throttle.allows(client), throttle.allows(pair) else {
            let minutes = max(1, config.loginLockSeconds / 60)
            let response = try await render(
                req, email: email, next: next, error: req.t("login.throttled", ["minutes": "\(minutes)"]), status: .tooManyRequests)
            response.headers.replaceOrAdd(name: "Retry-After", value: "\(config.loginLockSeconds)")
            return response
        }
        let user = try await User.query(on: req.db).filter(\.$email == email).first()
        let password = input.password ?? ""
        let matches = try await req.password.async.verify(password, created: user?.passwordHash ?? Self.decoyHash)
        guard let user, matches else {
            throttle.recordFailure(client)
            // The pair may fail loginMaxAttempts times, the address four times as many.
            for _ in 0..<4 { throttle.recordFailure(pair) }
            return try await render(req, email: email, next: next, error: req.t("login.failed"), status: .unauthorized)
        }
        user.failedLoginCount = 0
        user.lockedUntil = nil
        user.lastLoginAt = Date()
        try await user.save(on: req.db)
        await SessionFreshnessMiddleware.begin(req, as: user)
        return req.redirect(to: Self.safeDestination(next) ?? (user.role.isStaff ? "/admin" : "/account"))
    }

    func logout(req: Request) async throws -> Response {
        req.auth.logout(User.self)
        req.session.destroy()
        return req.redirect(to: "/")
    }

    /// Only paths on this site: never another host, so the login form cannot be used to redirect away.
    /// Browsers drop tabs and line breaks and read `\\` as `/`, so `/\t/evil.example` would be
    /// `//evil.example`: any control character, space or backslash refuses the path.
    static func safeDestination(_ next: String) -> String? {
        guard next.hasPrefix("/"), !next.hasPrefix("//"), !next.hasPrefix("/login"),
            !next.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F || $0 == "\\" }),
            let components = URLComponents(string: next), components.scheme == nil, components.host == nil
        else { return nil }
        return next
    }

    private func render(_ req: Request, email: String, next: String, error: String?, status: HTTPResponseStatus = .ok) async throws
        -> Response
    {
        let context = LoginPageContext(
            chrome: try await Chrome.make(for: req, title: req.t("login.title")), csrf: req.csrfToken(), email: email,
            next: next, error: error)
        let response = try await req.view.render("auth/login", context).encodeResponse(for: req)
        response.status = status
        return response
    }

}
