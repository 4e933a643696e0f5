import Vapor

/// Gives every request an id (the client's or proxy's `X-Request-Id` when it is a plain token,
/// otherwise a new one) that every log line of the request carries and the response echoes;
/// counts and times the request by route pattern; and writes one access-log line.
struct RequestTelemetryMiddleware: AsyncMiddleware {
    let metrics: FocalMetrics
    let accessLog: Bool

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let id = Self.acceptable(request.id) ? request.id : UUID().uuidString
        request.logger[metadataKey: "request-id"] = .string(id)
        let started = ContinuousClock.now
        do {
            let response = try await next.respond(to: request)
            response.headers.replaceOrAdd(name: .xRequestId, value: id)
            finish(request, status: response.status, duration: .now - started)
            return response
        } catch {
            finish(request, status: (error as? any AbortError)?.status ?? .internalServerError, duration: .now - started)
            throw error
        }
    }

    /// Ids from outside end up in logs and headers: only short tokens of safe characters pass.
    static func acceptable(_ id: String) -> Bool {
        (1...128).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x3A
            }
    }

    /// The route's pattern; files from Public/ and unknown paths share one series each. Paths
    /// with parameters are not logged: signed links carry their token in the path.
    static func routeLabel(_ request: Request, status: HTTPStatus) -> String {
        if let route = request.route { return "/" + route.path.string }
        return status.code < 400 ? "static" : "unmatched"
    }

    func finish(_ request: Request, status: HTTPStatus, duration: Duration) {
        let route = Self.routeLabel(request, status: status)
        metrics.recordRequest(method: request.method.rawValue, route: route, status: status.code, duration: duration)
        guard accessLog else { return }
        let milliseconds = Double(duration.nanoseconds) / 1_000_000
        request.logger.info(
            "\(request.method.rawValue) \(route) \(status.code)",
            metadata: [
                "method": .string(request.method.rawValue), "route": .string(route), "status": .stringConvertible(status.code),
                "duration_ms": .string(String(format: "%.2f", milliseconds)),
            ])
    }
}
