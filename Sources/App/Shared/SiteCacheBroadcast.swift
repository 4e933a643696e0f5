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
                        for try await notification in notifications {
                            let (sender, change) = Self.decode(notification.payload)
                            if sender != instance { cache.invalidate(change) }
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

    func announce(_ change: SiteCache.Change, on db: any Database) async {
        try? await (try db.sql).raw("SELECT pg_notify(\(bind: channel), \(bind: Self.encode(instance, change)))").run()
    }

    /// "instance" for everything, "instance meetings meetings.ics" for sections (no section
    /// contains a space: they are path components).
    static func encode(_ instance: String, _ change: SiteCache.Change) -> String {
        switch change {
        case .everything: instance
        case .sections(let sections): ([instance] + sections.sorted().map { $0.isEmpty ? "/" : $0 }).joined(separator: " ")
        }
    }

    static func decode(_ payload: String) -> (instance: String, change: SiteCache.Change) {
        let words = payload.split(separator: " ").map(String.init)
        guard let instance = words.first else { return ("", .everything) }
        if words.count == 1 { return (instance, .everything) }
        return (instance, .sections(Set(words.dropFirst().map { $0 == "/" ? "" : $0 })))
    }
}

extension Application {
    struct SiteCacheBroadcastKey: StorageKey { typealias Value = SiteCacheBroadcast }

    /// Content changed: this instance's cached pages go now, and the other instances' on notice.
    func contentChanged(_ change: SiteCache.Change = .everything) async throws {
        try siteCache.invalidate(change)
        await storage[SiteCacheBroadcastKey.self]?.announce(change, on: db)
    }
}
