import Crypto
import Vapor

/// Serves public pages to anonymous readers from `SiteCache`, with ETags, so the hot pages cost
/// a dictionary lookup instead of queries and a template render.
struct ResponseCacheMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard Self.mayUseCache(request) else { return try await next.respond(to: request) }

        let cache = try request.application.siteCache
        let key = Self.key(request)
        let metrics = try request.application.metrics
        switch cache.lookup(key, on: request.eventLoop) {
        case .fresh(let page):
            metrics.recordPageCache(.hit)
            return Self.response(for: page, request: request)
        case .pending(let rendering):
            metrics.recordPageCache(.wait)
            if let page = try await rendering.get() { return Self.response(for: page, request: request) }
            // The page turned out not cacheable: this request gets its own answer.
            return try await next.respond(to: request)
        case .renew(let ticket, let current):
            metrics.recordPageCache(.renew)
            // Still within its time to live, so the reader may have it; the next copy is made
            // behind the answer. A page past its time to live is never served (it may have been
            // restricted beside this process), so that one reader renders it below.
            Task {
                do {
                    let response = try await next.respond(to: request)
                    _ = Self.store(response, key: key, ticket: ticket, cache: cache)
                } catch {
                    cache.remove(key)
                }
            }
            return Self.response(for: current, request: request)
        case .refresh(let ticket):
            metrics.recordPageCache(.refresh)
            return try await render(request, next, key: key, ticket: ticket, cache: cache)
        case .miss(let ticket):
            metrics.recordPageCache(.miss)
            return try await render(request, next, key: key, ticket: ticket, cache: cache)
        }
    }

    private func render(
        _ request: Request, _ next: any AsyncResponder, key: String, ticket: SiteCache.Ticket, cache: SiteCache
    ) async throws -> Response {
        let response: Response
        do {
            response = try await next.respond(to: request)
        } catch {
            cache.remove(key)
            throw error
        }
        guard let page = Self.store(response, key: key, ticket: ticket, cache: cache) else { return response }
        let answer = Self.response(for: page, request: request)
        for cookie in response.headers[.setCookie] where !cookie.hasPrefix(LanguageMiddleware.cookieName + "=") {
            answer.headers.add(name: .setCookie, value: cookie)
        }
        return answer
    }

    /// Keeps a 200 page; anything else (deleted, made restricted by another instance, an error)
    /// drops the key, so it is never served again.
    private static func store(_ response: Response, key: String, ticket: SiteCache.Ticket, cache: SiteCache) -> SiteCache.Page? {
        guard response.status == .ok, let body = response.body.buffer else {
            cache.remove(key)
            return nil
        }
        let digest = SHA256.hash(data: Data(body.readableBytesView))
        let etag = "\"" + digest.prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        response.headers.replaceOrAdd(name: .vary, value: "Accept-Language, Cookie")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        // Cookies belong to the request that was answered, never to the page kept for everyone.
        var kept = response.headers
        kept.remove(name: .setCookie)
        let page = SiteCache.Page(headers: kept, body: body, etag: etag, storedAt: Date())
        cache.store(page, for: key, renderedWith: ticket)
        return page
    }

    /// "language path?query": a page per language and address.
    static func key(_ request: Request) -> String {
        LanguageMiddleware.resolve(request).rawValue + " " + request.url.string
    }

    /// Whether the request may be answered from the cache at all: an anonymous reader's GET of a
    /// public page.
    static func mayUseCache(_ request: Request) -> Bool {
        request.method == .GET && request.route?.isCacheablePage == true && request.cookies["focal_session"] == nil
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

    static func response(for page: SiteCache.Page, request: Request) -> Response {
        let response: Response
        if matches(request.headers[.ifNoneMatch], page.etag) {
            var headers = page.headers
            headers.remove(name: .contentLength)
            response = Response(status: .notModified, headers: headers)
        } else {
            response = Response(status: .ok, headers: page.headers, body: .init(buffer: page.body))
        }
        // The language middleware runs after the cache, so a page served from it remembers the
        // reader's choice here.
        LanguageMiddleware.remember(request, in: response, secure: (try? request.application.focalConfig.secureCookies) ?? false)
        return response
    }
}

/// Drops cached pages after any change, so readers never see a page older than the change they
/// (or anyone on this instance) just made. A handler that knows where its change shows narrows
/// it with `req.publicPagesChanged`: a draft report no public page shows keeps every page, an
/// RSVP only the meeting pages; a handler that fails empties everything.
struct ContentChangeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let writes = ![.GET, .HEAD, .OPTIONS].contains(request.method)
        do {
            let response = try await next.respond(to: request)
            if writes, let change = request.publicPagesChanged { try await request.application.contentChanged(change) }
            return response
        } catch {
            if writes { try await request.application.contentChanged() }
            throw error
        }
    }
}

extension Request {
    private struct PublicPagesChangedKey: StorageKey { typealias Value = SiteCache.Change? }

    /// What a write changes on the public pages: everything unless the handler says less; nil for
    /// nothing.
    var publicPagesChanged: SiteCache.Change? {
        get { storage.contains(PublicPagesChangedKey.self) ? storage[PublicPagesChangedKey.self] ?? nil : .everything }
        set { storage[PublicPagesChangedKey.self] = .some(newValue) }
    }
}

struct SecurityHeadersMiddleware: AsyncMiddleware {
    /// Over https (the configured base URL), browsers are told to keep to it.
    var strictTransportSecurity = false

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        apply(to: response, request: request)
        return response
    }

    func apply(to response: Response, request: Request) {
        // A page made for a signed-in person is never kept by a browser or a proxy.
        if request.auth.has(User.self), !response.headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        if strictTransportSecurity {
            response.headers.replaceOrAdd(name: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains")
        }
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: "same-origin")
        // A response with a policy of its own (a mail preview shown in a frame) keeps it.
        guard !response.headers.contains(name: "Content-Security-Policy") else { return }
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value:
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; "
                + "frame-ancestors 'none'; form-action 'self'")
    }
}

/// Each path answers the methods its routes take (HEAD wherever GET is); any other method is 405 with
/// exactly those in `Allow` (RFC 9110 15.5.6): OPTIONS, TRACE, PUT, DELETE... anywhere, POST to a page or an
/// API resource that is only read, GET of an address that only takes a form. A path no route serves keeps
/// its answer to GET, HEAD and POST (an asset, a missing page); other methods there are 405 with the
/// methods the site answers at all.
struct AllowedMethodsMiddleware: AsyncMiddleware {
    static let allowed: [HTTPMethod] = [.GET, .HEAD, .POST]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Routed by its own method (HEAD by its GET route).
        if request.route != nil { return try await next.respond(to: request) }
        if request.method == .GET || request.method == .HEAD {
            // Assets are served without a route: the routes are looked at only when nothing served the path.
            let response = try await next.respond(to: request)
            guard response.status == .notFound else { return response }
            let methods = Self.methods(serving: request)
            return methods.isEmpty || methods.contains(request.method) ? response : Self.methodNotAllowed(methods)
        }
        let methods = Self.methods(serving: request)
        if methods.contains(request.method) || (methods.isEmpty && Self.allowed.contains(request.method)) {
            return try await next.respond(to: request)
        }
        return Self.methodNotAllowed(methods.isEmpty ? Self.allowed : methods)
    }

    static func methodNotAllowed(_ methods: [HTTPMethod]) -> Response {
        let response = Response(status: .methodNotAllowed)
        response.headers.replaceOrAdd(name: .allow, value: methods.map(\.rawValue).joined(separator: ", "))
        return response
    }

    /// The methods of the routes whose path takes the request's, GET, HEAD and POST first.
    static func methods(serving request: Request) -> [HTTPMethod] {
        // Split as Vapor's router splits it.
        let path = request.url.path.split(separator: "/").map(String.init)
        let routes = request.application.routes
        let caseInsensitive = routes.caseInsensitive
        var methods: [HTTPMethod] = []
        for route in routes.all where !methods.contains(route.method) {
            if matches(route.path, path, caseInsensitive: caseInsensitive) { methods.append(route.method) }
        }
        if methods.contains(.GET), !methods.contains(.HEAD) { methods.append(.HEAD) }
        let order = allowed.map(\.rawValue)
        func rank(_ method: HTTPMethod) -> (Int, String) { (order.firstIndex(of: method.rawValue) ?? order.count, method.rawValue) }
        return methods.sorted { rank($0) < rank($1) }
    }

    /// Whether a route's path takes these components as the router reads them: a constant exactly (or
    /// in any case, where routes are so configured), a parameter or `*` any one component, `**` one or more.
    private static func matches(_ route: [PathComponent], _ path: [String], caseInsensitive: Bool) -> Bool {
        for (index, component) in route.enumerated() {
            if case .catchall = component { return path.count > index }
            guard index < path.count else { return false }
            if case .constant(let constant) = component {
                let same = caseInsensitive ? constant.lowercased() == path[index].lowercased() : constant == path[index]
                if !same { return false }
            }
        }
        return route.count == path.count
    }
}
