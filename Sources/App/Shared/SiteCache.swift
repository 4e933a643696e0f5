import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Rendered anonymous pages and the centre profile, dropped whenever content changes in this
/// process and, for changes made by other instances, after a short time to live.
final class SiteCache: Sendable {
    struct Page: Sendable {
        let headers: HTTPHeaders
        let body: ByteBuffer
        let etag: String
        let storedAt: Date
        var refreshing = false
    }

    enum Lookup {
        case fresh(Page)
        /// Expired: this caller renders a new copy while others keep getting the old one, so an
        /// expiry under load costs one render, not one per waiting request.
        case refresh
        case miss
    }

    private struct State {
        var pages: [String: Page] = [:]
        var profile: (snapshot: CentreSnapshot, storedAt: Date)?
    }

    private let state = NIOLockedValueBox(State())
    let timeToLive: TimeInterval
    static let maximumPages = 5_000

    init(timeToLive: TimeInterval) {
        self.timeToLive = timeToLive
    }

    func lookup(_ key: String, now: Date = Date()) -> Lookup {
        guard timeToLive > 0 else { return .miss }
        return state.withLockedValue { state in
            guard let page = state.pages[key] else { return .miss }
            if now.timeIntervalSince(page.storedAt) < timeToLive || page.refreshing { return .fresh(page) }
            state.pages[key]?.refreshing = true
            return .refresh
        }
    }

    func store(_ page: Page, for key: String) {
        guard timeToLive > 0 else { return }
        state.withLockedValue { state in
            if state.pages.count >= Self.maximumPages { state.pages.removeAll(keepingCapacity: true) }
            state.pages[key] = page
        }
    }

    func profile(now: Date = Date()) -> CentreSnapshot? {
        state.withLockedValue { state in
            guard let cached = state.profile, now.timeIntervalSince(cached.storedAt) < max(timeToLive, 1) else { return nil }
            return cached.snapshot
        }
    }

    func store(_ profile: CentreSnapshot) {
        state.withLockedValue { $0.profile = (profile, Date()) }
    }

    func remove(_ key: String) {
        _ = state.withLockedValue { $0.pages.removeValue(forKey: key) }
    }

    func invalidate() {
        state.withLockedValue { $0 = State() }
    }
}

extension Application {
    struct SiteCacheKey: StorageKey { typealias Value = SiteCache }

    var siteCache: SiteCache {
        get throws { try storage.service(SiteCacheKey.self) }
    }
}
