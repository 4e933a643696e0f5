import Fluent
import Vapor

/// Liveness, readiness and metrics for the proxy, the service manager and the monitoring system.
struct OperationsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.requiring(.anonymous)
        open.get("healthz", use: alive)
        open.get("readyz", use: ready)
        let metrics = routes.requiring(.admin).get("metrics", use: self.metrics)
        metrics.acceptsMetricsToken = true
    }

    /// The process answers: nothing else is checked, so a slow database does not get it restarted.
    func alive(req: Request) async throws -> Response {
        let response = Response(status: .ok, body: .init(string: "ok\n"))
        response.headers.contentType = .plainText
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func ready(req: Request) async throws -> Response {
        let report = await Readiness.check(req.application)
        let response = Response(status: report.ready ? .ok : .serviceUnavailable)
        try response.content.encode(report, as: .json)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    func metrics(req: Request) async throws -> Response {
        let app = req.application
        let metrics = try app.metrics
        await Readiness.updateGauges(app, metrics: metrics)
        let response = Response(status: .ok, body: .init(string: metrics.exposition()))
        response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}
