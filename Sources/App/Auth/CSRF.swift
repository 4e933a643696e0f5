import Crypto
import Vapor

/// Double-submit CSRF protection: a random token in an HttpOnly cookie must come back in the
/// `_csrf` field of every form post. Pages get the token through `Request.csrfToken()`.
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "focal_csrf"
    static let fieldName = "_csrf"
    let secureCookies: Bool

    private struct IssuedToken: StorageKey { typealias Value = String }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if ![.GET, .HEAD, .OPTIONS].contains(request.method), !request.isAPI, request.route?.csrfExempt != true {
            // A body that arrived in pieces is gathered first, so the token in it can be read.
            if request.body.data == nil {
                _ = try await request.body.collect(max: maximumBody(request)).get()
            }
            try verify(request)
        }
        let response = try await next.respond(to: request)
        if let issued = request.storage[IssuedToken.self] {
            response.cookies[Self.cookieName] = HTTPCookies.Value(
                string: issued, path: "/", isSecure: secureCookies, isHTTPOnly: true, sameSite: .lax)
        }
        return response
    }

    private func maximumBody(_ request: Request) -> Int {
        request.route?.maximumBody ?? request.application.routes.defaultMaxBodySize.value
    }

    private func verify(_ request: Request) throws {
        let expected = request.cookies[Self.cookieName]?.string ?? ""
        let sent = (try? request.content.get(String.self, at: Self.fieldName)) ?? request.headers.first(name: "X-CSRF-Token") ?? ""
        guard !expected.isEmpty, expected.utf8.count == sent.utf8.count,
            zip(expected.utf8, sent.utf8).reduce(0, { $0 | ($1.0 ^ $1.1) }) == 0
        else {
            throw Abort(.forbidden, reason: request.t("error.csrf"))
        }
    }

    static func token(for request: Request) -> String {
        if let issued = request.storage[IssuedToken.self] { return issued }
        if let existing = request.cookies[cookieName]?.string, existing.count >= 32 { return existing }
        let fresh = Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64URLEncodedString()
        request.storage[IssuedToken.self] = fresh
        return fresh
    }
}

extension Request {
    func csrfToken() -> String { CSRFMiddleware.token(for: self) }
}

extension Data {
    func base64URLEncodedString() -> String {
        var bytes = Array(base64EncodedString().utf8)
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            if bytes[index] == UInt8(ascii: "+") {
                bytes[index] = UInt8(ascii: "-")
            } else if bytes[index] == UInt8(ascii: "/") {
                bytes[index] = UInt8(ascii: "_")
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
