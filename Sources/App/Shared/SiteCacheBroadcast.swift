import Fluent
import FluentPostgresDriver
import NIOConcurrencyHelpers
import PostgresNIO
import SQLKit
import Vapor

/// On PostgreSQL, where several instances share the database, a change made on one instance
/// empties the page caches of the others within moments (LISTEN/NOTIFY), instead of after the
/// cache's time to live.
final class SiteCacheBroadcast: LifecycleHandler, Sendable {
    let channel: String
    /// Lets an instance ignore its own announcements: its cache is already emptied.
    let instance = UUID().uuidString
    private let configuration: PostgresConnection.Configuration
    private let listener = NIOLockedValueBox<Task<Void, Never>?>(nil)

    /// One channel per schema: installations (and tests) sharing a server do not disturb each other.
    init(configuration: PostgresConnection.Configuration, schema: String?) {
        self.configuration = configuration
        channel = "focal_site_cache" + (schema.map { "_" + $0 } ?? "")
    }

    func didBootAsync(_ application: Application) async throws {
        let cache = try application.siteCache
        let logger = application.logger
        listener.withLockedValue { $0 = Task { await self.listen(cache: cache, logger: logger) } }
    }

    func shutdownAsync(_ application: Application) async {
        let task = listener.withLockedValue { $0 }
        task?.cancel()
        await task?.value
    }

    private func listen(cache: SiteCache, logger: Logger) async {
        var delay: Duration = .milliseconds(250)
        while !Task.isCancelled {
            do {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
                do {
                    try await connection.listen(on: channel) { notifications in
                        // Whatever changed while this instance was not listening is unknown.
                        cache.invalidate()
                        delay = .milliseconds(250)
                        for try await notification in notifications where notification.payload != instance {
                            cache.invalidate()
                        }
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("Page-cache notifications interrupted: \(error)") }
                }
                try? await connection.close()
            } catch {
                logger.warning("Page-cache notifications: cannot connect to PostgreSQL: \(error)")
            }
            try? await Task.sleep(for: delay)
            delay = min(delay * 2, .seconds(10))
        }
    }

    func announce(on db: any Database) async {
        try? await (try db.sql).raw("SELECT pg_notify(\(bind: channel), \(bind: instance))").run()
    }
}

extension Application {
    struct SiteCacheBroadcastKey: StorageKey { typealias Value = SiteCacheBroadcast }

    /// Content changed: this instance's cached pages go now, and the other instances' on notice.
    func contentChanged() async throws {
        try siteCache.invalidate()
        await storage[SiteCacheBroadcastKey.self]?.announce(on: db)
    }
}
