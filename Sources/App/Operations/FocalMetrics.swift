import CoreMetrics
import Foundation
import Prometheus
import Vapor

/// The application's instruments, kept in a Prometheus registry of its own (not the process-wide
/// MetricsSystem), so every `Application` — and every test — counts only its own work.
final class FocalMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    /// Request latency buckets, 1 ms to 10 s: pages answer in milliseconds, exports in seconds.
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5), .seconds(5), .seconds(10),
    ]

    init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.durationBuckets
        self.factory = factory
    }

    /// `route` is the route's pattern (`/meetings/:id`), never the raw path: one series per route,
    /// however many records there are.
    func recordRequest(method: String, route: String, status: UInt, duration: Duration) {
        let dimensions = [("method", method), ("route", route), ("status", String(status))]
        Counter(label: "focal_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "focal_http_request_duration_seconds", dimensions: [("method", method), ("route", route)], factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    enum CacheResult: String { case hit, miss, refresh, renew, wait }

    func recordPageCache(_ result: CacheResult) {
        Counter(label: "focal_page_cache_lookups_total", dimensions: [("result", result.rawValue)], factory: factory).increment()
    }

    func recordPDFRender(outcome: String, duration: Duration) {
        Counter(label: "focal_pdf_renders_total", dimensions: [("outcome", outcome)], factory: factory).increment()
        Timer(label: "focal_pdf_render_duration_seconds", factory: factory).recordNanoseconds(duration.nanoseconds)
    }

    /// Messages the SMTP server accepted; the send rate is this counter's rate.
    func recordMailSent(_ count: Int) {
        guard count > 0 else { return }
        Counter(label: "focal_mail_sent_total", factory: factory).increment(by: count)
    }

    func setGauge(_ label: String, _ value: Double, dimensions: [(String, String)] = []) {
        Gauge(label: label, dimensions: dimensions, factory: factory).record(value)
    }

    func exposition() -> String { registry.emitToString() }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

extension Application {
    struct MetricsKey: StorageKey { typealias Value = FocalMetrics }

    var metrics: FocalMetrics {
        get throws { try storage.service(MetricsKey.self) }
    }
}
