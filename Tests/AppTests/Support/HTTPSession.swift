import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A browser-like client of a `focal serve` process: keeps its cookies, reads the CSRF field of a
/// form and posts forms, over real HTTP.
final class HTTPSession: @unchecked Sendable {
    let port: Int
    /// Redirects are the client's to see (a 303 after a form carries its cookies), not followed.
    static let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
    private var cookies: [String: String] = [:]

    init(port: Int) { self.port = port }

    /// Another client with this one's cookies (one session, requests in parallel).
    func copy() -> HTTPSession {
        let other = HTTPSession(port: port)
        other.cookies = cookies
        return other
    }

    var cookieHeader: String { cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }

    func get(_ path: String) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookieHeader) }
        return try await send(request)
    }

    func post(_ path: String, form: [String: String]) async throws -> (status: UInt, body: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        if !cookies.isEmpty { request.headers.add(name: "Cookie", value: cookieHeader) }
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")" }.joined(separator: "&")
        request.body = .bytes(ByteBuffer(string: body))
        return try await send(request)
    }

    /// The `_csrf` field of the form at `path` (its cookie is kept).
    func csrfField(at path: String) async throws -> String {
        let page = try await get(path)
        guard let range = page.body.range(of: #"name="_csrf" value="([^"]+)""#, options: .regularExpression) else {
            throw MissingTool(description: "no _csrf field on \(path)")
        }
        return String(page.body[range].split(separator: "\"")[3])
    }

    func signIn(email: String, password: String) async throws {
        let field = try await csrfField(at: "/login")
        let response = try await post("/login", form: ["_csrf": field, "email": email, "password": password])
        guard response.status == 303 else {
            let notice = response.body.range(of: #"<p class="form-error[^>]*>[^<]*"#, options: .regularExpression)
            throw MissingTool(description: "sign-in answered \(response.status): \(notice.map { String(response.body[$0]) } ?? "")")
        }
    }

    private func send(_ request: HTTPClientRequest) async throws -> (status: UInt, body: String) {
        let response = try await Self.client.execute(request, timeout: .seconds(30))
        for line in response.headers["Set-Cookie"] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1] }
        }
        let body = try await response.body.collect(upTo: 8 << 20)
        return (response.status.code, String(buffer: body))
    }
}
