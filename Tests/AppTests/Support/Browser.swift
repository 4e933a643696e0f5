import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// A few browser habits: keeping cookies, reading the CSRF token from forms, posting forms.

extension TestingHTTPResponse {
    var text: String { body.string }

    /// The value a Set-Cookie header of this response gives the named cookie.
    func setCookie(_ name: String) -> String? { headers.setCookie?[name]?.string }

    /// The raw Set-Cookie header line for the named cookie, with its attributes.
    func setCookieLine(_ name: String) -> String? {
        headers[.setCookie].first { $0.hasPrefix(name + "=") }
    }

    var location: String? { headers.first(name: .location) }
}

/// Reads `<input type="hidden" name="_csrf" value="...">` from a page.
func csrfField(in html: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: #"name="_csrf" value="([^"]+)""#),
        let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
        let range = Range(match.range(at: 1), in: html)
    else { return nil }
    return String(html[range])
}

/// Builds a Cookie header from name/value pairs, skipping absent values.
func cookieHeader(_ cookies: [(String, String?)]) -> HTTPHeaders {
    var headers = HTTPHeaders()
    let pairs = cookies.compactMap { name, value in value.map { "\(name)=\($0)" } }
    if !pairs.isEmpty { headers.replaceOrAdd(name: .cookie, value: pairs.joined(separator: "; ")) }
    return headers
}

func cookieValue(_ name: String, in headers: HTTPHeaders) -> String? {
    for line in headers[.cookie] {
        for part in line.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == name { return pair[1] }
        }
    }
    return nil
}

func formBody(_ fields: [String: String]) -> ByteBuffer {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let text = fields.sorted { $0.key < $1.key }.map { key, value in
        (key.addingPercentEncoding(withAllowedCharacters: allowed) ?? key) + "="
            + (value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)
    }.joined(separator: "&")
    return ByteBuffer(string: text)
}

/// GET a page (with the given cookies) and return a `focal_csrf` cookie value and the form token
/// the page carries; the two are the same double-submit token.
func csrfToken(_ app: Application, headers: HTTPHeaders = [:], page: String = "/login") async throws -> (cookie: String, field: String) {
    let response = try await app.testing().sendRequest(.GET, page, headers: headers)
    let field = try #require(csrfField(in: response.text), "no _csrf field on \(page)")
    let cookie = response.setCookie(CSRFMiddleware.cookieName) ?? cookieValue(CSRFMiddleware.cookieName, in: headers) ?? ""
    return (cookie, field)
}

/// Posts an url-encoded form; adds `_csrf` (and the matching cookie) unless `withCSRF` is false.
@discardableResult
func postForm(
    _ app: Application, _ path: String, fields: [String: String], headers: HTTPHeaders = [:], withCSRF: Bool = true
) async throws -> TestingHTTPResponse {
    var fields = fields
    var headers = headers
    if withCSRF {
        if let cookie = cookieValue(CSRFMiddleware.cookieName, in: headers) {
            fields["_csrf"] = cookie
        } else {
            let token = try await csrfToken(app, headers: headers)
            fields["_csrf"] = token.field
            let existing = headers[.cookie].joined(separator: "; ")
            headers.replaceOrAdd(
                name: .cookie, value: (existing.isEmpty ? "" : existing + "; ") + "\(CSRFMiddleware.cookieName)=\(token.cookie)")
        }
    }
    headers.contentType = .urlEncodedForm
    return try await app.testing().sendRequest(.POST, path, headers: headers, body: formBody(fields))
}

/// Signs in through the login form like a browser; returns the Cookie header for later requests
/// (`focal_session` and `focal_csrf`).
func signIn(_ app: Application, email: String, password: String) async throws -> HTTPHeaders {
    let login = try await app.testing().sendRequest(.GET, "/login")
    let csrfCookie = try #require(login.setCookie(CSRFMiddleware.cookieName), "GET /login set no CSRF cookie")
    let field = try #require(csrfField(in: login.text), "the login form has no _csrf field")
    var headers = cookieHeader([(CSRFMiddleware.cookieName, csrfCookie)])
    headers.contentType = .urlEncodedForm
    let response = try await app.testing().sendRequest(
        .POST, "/login", headers: headers, body: formBody(["_csrf": field, "email": email, "password": password]))
    try #require(response.status == .seeOther, "sign-in as \(email) answered \(response.status)")
    let session = try #require(response.setCookie("focal_session"), "sign-in set no session cookie")
    return cookieHeader([("focal_session", session), (CSRFMiddleware.cookieName, csrfCookie)])
}

enum Demo {
    static var admin: DemoLoader.Login { DemoLoader.logins.first { $0.role == .admin }! }
    static var editor: DemoLoader.Login { DemoLoader.logins.first { $0.role == .editor }! }
    static var focalPoint: DemoLoader.Login { DemoLoader.logins.first { $0.role == .focalPoint }! }
}

func signIn(_ app: Application, as login: DemoLoader.Login) async throws -> HTTPHeaders {
    try await signIn(app, email: login.email, password: login.password)
}

/// The page's text with tags removed, common entities decoded and whitespace collapsed.
func visibleText(_ html: String) -> String {
    var text = html.replacingOccurrences(of: "<[^>]+>", with: " ", options: .regularExpression)
    for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&#x27;", "'"), ("&amp;", "&")] {
        text = text.replacingOccurrences(of: entity, with: character)
    }
    return text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
}

/// Collapses whitespace, for comparing a line of text with a page's visible text.
func collapsed(_ text: String) -> String {
    text.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression).trimmingCharacters(in: .whitespaces)
}
