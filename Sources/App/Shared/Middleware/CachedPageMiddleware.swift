import Vapor

/// The first middleware: a public page the cache holds, young enough to need no renewal, is
/// answered here, on the event loop, with the headers and the log line the rest of the chain would
/// give it. Everything after this runs as Swift tasks, and on two cores the hops between the event
/// loops and those threads cost more than the page itself; a page that is not cached, or due for
/// renewal, goes down the chain as before.
struct CachedPageMiddleware: Middleware {
    let telemetry: RequestTelemetryMiddleware
    let securityHeaders: SecurityHeadersMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard ResponseCacheMiddleware.mayUseCache(request), let cache = try? request.application.siteCache,
            let page = cache.young(ResponseCacheMiddleware.key(request))
        else { return next.respond(to: request) }
        let started = ContinuousClock.now
        let id = RequestTelemetryMiddleware.acceptable(request.id) ? request.id : UUID().uuidString
        request.logger[metadataKey: "request-id"] = .string(id)
        telemetry.metrics.recordPageCache(.hit)
        let response = ResponseCacheMiddleware.response(for: page, request: request)
        securityHeaders.apply(to: response, request: request)
        response.headers.replaceOrAdd(name: .xRequestId, value: id)
        telemetry.finish(request, status: response.status, duration: .now - started)
        return request.eventLoop.makeSucceededFuture(response)
    }
}
