import Crypto
import Vapor

/// Serves public pages to anonymous readers from `SiteCache`, with ETags, so the hot pages cost
/// a dictionary lookup instead of queries and a template render.
struct ResponseCacheMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET, request.route?.isCacheablePage == true,
            request.cookies["focal_session"] == nil
        else { return try await next.respond(to: request) }

        let cache = try request.application.siteCache
        let key = LanguageMiddleware.resolve(request).rawValue + " " + request.url.string
        let metrics = try request.application.metrics
        switch cache.lookup(key) {
        case .fresh(let page):
            metrics.recordPageCache(.hit)
            return Self.response(for: page, request: request)
        case .refresh: metrics.recordPageCache(.refresh)
        case .miss: metrics.recordPageCache(.miss)
        }
        // An expired page whose refresh fails or is no longer 200 (deleted, made restricted by
        // another instance) is dropped, never served again.
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            cache.remove(key)
            throw error
        }
        guard response.status == .ok, let body = response.body.buffer else {
            cache.remove(key)
            return response
        }
        let digest = SHA256.hash(data: Data(body.readableBytesView))
        let etag = "\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        response.headers.replaceOrAdd(name: .vary, value: "Accept-Language, Cookie")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        cache.store(SiteCache.Page(headers: response.headers, body: body, etag: etag, storedAt: Date()), for: key)
        return Self.response(for: SiteCache.Page(headers: response.headers, body: body, etag: etag, storedAt: Date()), request: request)
    }

    /// If-None-Match compares weakly (RFC 9110 §13.1.2): `W/"x"` matches `"x"`, as does `*`, in a list.
    static func matches(_ values: [String], _ etag: String) -> Bool {
        for tag in values.flatMap({ $0.split(separator: ",") }) {
            var candidate = tag.trimmingCharacters(in: .whitespaces)
            if candidate == "*" { return true }
            if candidate.hasPrefix("W/") { candidate.removeFirst(2) }
            if candidate == etag { return true }
        }
        return false
    }

    private static func response(for page: SiteCache.Page, request: Request) -> Response {
        if matches(request.headers[.ifNoneMatch], page.etag) {
            var headers = page.headers
            headers.remove(name: .contentLength)
            return Response(status: .notModified, headers: headers)
        }
        return Response(status: .ok, headers: page.headers, body: .init(buffer: page.body))
    }
}

/// Drops cached pages after any successful change, so readers never see a page older than the
/// change they (or anyone on this instance) just made.
struct ContentChangeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            let response = try await next.respond(to: request)
            if ![.GET, .HEAD, .OPTIONS].contains(request.method) { try await request.application.contentChanged() }
            return response
        } catch {
            if ![.GET, .HEAD, .OPTIONS].contains(request.method) { try await request.application.contentChanged() }
            throw error
        }
    }
}

struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Over https (the configured base URL), browsers are told to keep to it.
    var strictTransportSecurity = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        // A page made for a signed-in person is never kept by a browser or a proxy.
        if request.auth.has(User.self), !response.headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        if strictTransportSecurity {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
                + "frame-ancestors 'none'; form-action 'self'")
        return response
    }
}

/// The site answers GET, HEAD and POST; any other method is 405 with the methods it allows
/// (OPTIONS, TRACE, PUT, DELETE... are not a missing page).
struct AllowedMethodsMiddleware: AsyncMiddleware {
    static let allowed: [HTTPMethod] = [.GET, .HEAD, .POST]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.allowed.contains(request.method) else {
            let response = Response(status: .methodNotAllowed)
            response.headers.replaceOrAdd(name: .allow, value: "GET, HEAD, POST")
            return response
        }
        return try await next.respond(to: request)
    }
}
