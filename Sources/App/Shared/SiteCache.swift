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
        /// Not cached: this caller renders it, and the others asking meanwhile wait for its page
        /// (nil: it was not cacheable, render your own) instead of all rendering it at once.
        case miss
        case pending(EventLoopFuture<Page?>)
    }

    private struct State {
        var pages: [String: Page] = [:]
        var profile: (snapshot: CentreSnapshot, storedAt: Date)?
        var rendering: [String: EventLoopPromise<Page?>] = [:]
    }

    private let state = NIOLockedValueBox(State())
    let timeToLive: TimeInterval
    static let maximumPages = 5_000

    init(timeToLive: TimeInterval) {
        self.timeToLive = timeToLive
    }

    /// A `.miss` obliges the caller to `store` or `remove` the key, which releases those waiting.
    func lookup(_ key: String, on eventLoop: any EventLoop, now: Date = Date()) -> Lookup {
        guard timeToLive > 0 else { return .miss }
        return state.withLockedValue { state in
            guard let page = state.pages[key] else {
                if let rendering = state.rendering[key] { return .pending(rendering.futureResult) }
                state.rendering[key] = eventLoop.makePromise(of: Page?.self)
                return .miss
            }
            if now.timeIntervalSince(page.storedAt) < timeToLive || page.refreshing { return .fresh(page) }
            state.pages[key]?.refreshing = true
            return .refresh
        }
    }

    func store(_ page: Page, for key: String) {
        guard timeToLive > 0 else { return }
        let waiting = state.withLockedValue { state in
            if state.pages.count >= Self.maximumPages { state.pages.removeAll(keepingCapacity: true) }
            state.pages[key] = page
            return state.rendering.removeValue(forKey: key)
        }
        waiting?.succeed(page)
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
        let waiting = state.withLockedValue { state in
            state.pages.removeValue(forKey: key)
            return state.rendering.removeValue(forKey: key)
        }
        waiting?.succeed(nil)
    }

    /// Pages being rendered stay registered: their renderers still release those waiting.
    func invalidate() {
        state.withLockedValue { state in
            state.pages = [:]
            state.profile = nil
        }
    }
}

extension Application {
    struct SiteCacheKey: StorageKey { typealias Value = SiteCache }

    var siteCache: SiteCache {
        get throws { try storage.service(SiteCacheKey.self) }
    }
}
