import Vapor

/// Resolves the reader's language: `?lang=`, then the `lang` cookie, then Accept-Language, then
/// English. An explicit `?lang=` is remembered in the cookie.
struct LanguageMiddleware: AsyncMiddleware {
    static let cookieName = "lang"
    let secureCookies: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let chosen = Self.explicitChoice(request)
        request.language = chosen ?? Self.remembered(request) ?? .en
        let response = try await next.respond(to: request)
        Self.remember(request, in: response, secure: secureCookies)
        return response
    }

    /// An explicit `?lang=` the reader's cookie does not hold yet is remembered in it.
    static func remember(_ request: Request, in response: Response, secure: Bool) {
        guard let chosen = explicitChoice(request), request.cookies[cookieName]?.string != chosen.rawValue else { return }
        response.cookies[cookieName] = HTTPCookies.Value(
            string: chosen.rawValue, maxAge: 31_536_000, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
    }

    static func explicitChoice(_ request: Request) -> Language? {
        (try? request.query.get(String.self, at: "lang")).flatMap(Language.init(rawValue:))
    }

    static func remembered(_ request: Request) -> Language? {
        if let cookie = request.cookies[cookieName]?.string, let language = Language(rawValue: cookie) { return language }
        return request.headers.first(name: .acceptLanguage).flatMap(Language.fromAcceptLanguage)
    }

    static func resolve(_ request: Request) -> Language {
        explicitChoice(request) ?? remembered(request) ?? .en
    }
}
