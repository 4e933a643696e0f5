import Crypto
import Vapor

/// Serves public pages to anonymous readers from `SiteCache`, with ETags, so the hot pages cost
/// a dictionary lookup instead of queries and a template render.
struct ResponseCacheMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method == .GET, request.route?.isCacheablePage == true,
            request.cookies["focal_session"] == nil
        else { return try await next.respond(to: request) }

        let cache = request.application.siteCache
        let key = LanguageMiddleware.resolve(request).rawValue + " " + request.url.string
        if case .fresh(let page) = cache.lookup(key) {
            return Self.response(for: page, request: request)
        }
        let response = try await next.respond(to: request)
        guard response.status == .ok, let body = response.body.buffer else { return response }
        let digest = SHA256.hash(data: Data(body.readableBytesView))
        let etag = "\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        response.headers.replaceOrAdd(name: .vary, value: "Accept-Language, Cookie")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        cache.store(SiteCache.Page(headers: response.headers, body: body, etag: etag, storedAt: Date()), for: key)
        return Self.response(for: SiteCache.Page(headers: response.headers, body: body, etag: etag, storedAt: Date()), request: request)
    }

    private static func response(for page: SiteCache.Page, request: Request) -> Response {
        if request.headers.first(name: .ifNoneMatch) == page.etag {
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
            if ![.GET, .HEAD, .OPTIONS].contains(request.method) { request.application.siteCache.invalidate() }
            return response
        } catch {
            if ![.GET, .HEAD, .OPTIONS].contains(request.method) { request.application.siteCache.invalidate() }
            throw error
        }
    }
}

struct SecurityHeadersMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'")
        return response
    }
}
