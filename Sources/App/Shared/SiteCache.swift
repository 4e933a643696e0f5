import Foundation
import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Rendered anonymous pages and the centre profile, dropped whenever content changes in this
/// process (all of them, or those of the sections a change shows in) and, for changes made beside
/// Focal, after a short time to live.
final class SiteCache: Sendable {
    struct Page: Sendable {
        let headers: HTTPHeaders
        let body: ByteBuffer
        let etag: String
        let storedAt: Date
        var refreshing = false
    }

    /// Which cached pages a change empties: a section is the first component of a page's path
    /// ("meetings" for /meetings/x/participants, "" for the home page).
    enum Change: Sendable, Equatable {
        case everything
        case sections(Set<String>)
    }

    /// When a render began, in invalidations: a page rendered before a change that covers it is
    /// handed to those waiting for it but not kept.
    struct Ticket: Sendable {
        fileprivate let generation: Int
    }

    enum Lookup {
        case fresh(Page)
        /// Expired: this caller renders a new copy while others keep getting the old one, so an
        /// expiry under load costs one render, not one per waiting request.
        case refresh(Ticket)
        /// Near its expiry: the caller answers with this copy at once and renders the next one
        /// behind it, so a page read steadily is renewed before it expires and no reader waits.
        case renew(Ticket, current: Page)
        /// Not cached: this caller renders it, and the others asking meanwhile wait for its page
        /// (nil: it was not cacheable, render your own) instead of all rendering it at once.
        case miss(Ticket)
        case pending(EventLoopFuture<Page?>)
    }

    private struct State {
        var pages: [String: Page] = [:]
        var profile: (snapshot: CentreSnapshot, storedAt: Date)?
        var rendering: [String: EventLoopPromise<Page?>] = [:]
        var generation = 0
        var everythingInvalidated = 0
        var sectionInvalidated: [String: Int] = [:]
        var derived: [String: Derived] = [:]

        func isStale(_ ticket: Ticket, key: String) -> Bool {
            isStale(ticket, section: SiteCache.section(ofKey: key))
        }

        func isStale(_ ticket: Ticket, section: String) -> Bool {
            ticket.generation < max(everythingInvalidated, sectionInvalidated[section] ?? 0)
        }
    }

    private struct Derived {
        let section: String
        let ticket: Ticket
        let startedAt: Date
        let task: Task<any Sendable, any Error>
    }

    private let state = NIOLockedValueBox(State())
    let timeToLive: TimeInterval
    static let maximumPages = 5_000
    /// The share of the time to live after which a page read is renewed in the background.
    static let renewalAge = 0.75

    init(timeToLive: TimeInterval) {
        self.timeToLive = timeToLive
    }

    /// A `.miss` obliges the caller to `store` or `remove` the key, which releases those waiting.
    func lookup(_ key: String, on eventLoop: any EventLoop, now: Date = Date()) -> Lookup {
        guard timeToLive > 0 else { return .miss(Ticket(generation: 0)) }
        return state.withLockedValue { state in
            let ticket = Ticket(generation: state.generation)
            guard let page = state.pages[key] else {
                if let rendering = state.rendering[key] { return .pending(rendering.futureResult) }
                state.rendering[key] = eventLoop.makePromise(of: Page?.self)
                return .miss(ticket)
            }
            let age = now.timeIntervalSince(page.storedAt)
            if age < timeToLive * Self.renewalAge || page.refreshing { return .fresh(page) }
            state.pages[key]?.refreshing = true
            return age < timeToLive ? .renew(ticket, current: page) : .refresh(ticket)
        }
    }

    /// A page young enough to serve without a look at anything else (no renewal due), or nil;
    /// changes nothing.
    func young(_ key: String, now: Date = Date()) -> Page? {
        guard timeToLive > 0 else { return nil }
        return state.withLockedValue { state in
            guard let page = state.pages[key], now.timeIntervalSince(page.storedAt) < timeToLive * Self.renewalAge else { return nil }
            return page
        }
    }

    func store(_ page: Page, for key: String, renderedWith ticket: Ticket) {
        guard timeToLive > 0 else { return }
        let waiting = state.withLockedValue { state in
            if !state.isStale(ticket, key: key) {
                if state.pages.count >= Self.maximumPages { state.pages.removeAll(keepingCapacity: true) }
                state.pages[key] = page
            }
            return state.rendering.removeValue(forKey: key)
        }
        waiting?.succeed(page)
    }

    /// Data several pages are built from (the whole action plan behind its overview, areas and
    /// dashboards, in both languages), loaded once and shared until a change to `section` or the
    /// time to live; those asking while it loads wait for that load.
    func derived<Value: Sendable>(
        _ name: String, section: String, now: Date = Date(), load: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        guard timeToLive > 0 else { return try await load() }
        let (task, ticket) = state.withLockedValue { state in
            if let entry = state.derived[name], !state.isStale(entry.ticket, section: section),
                now.timeIntervalSince(entry.startedAt) < timeToLive
            {
                return (entry.task, entry.ticket)
            }
            let ticket = Ticket(generation: state.generation)
            let task = Task<any Sendable, any Error> { try await load() }
            state.derived[name] = Derived(section: section, ticket: ticket, startedAt: now, task: task)
            return (task, ticket)
        }
        do {
            guard let value = try await task.value as? Value else { throw Abort(.internalServerError) }
            return value
        } catch {
            // A failed load is not kept: the next caller tries again.
            state.withLockedValue { state in
                if state.derived[name]?.ticket.generation == ticket.generation { state.derived[name] = nil }
            }
            throw error
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
        let waiting = state.withLockedValue { state in
            state.pages.removeValue(forKey: key)
            return state.rendering.removeValue(forKey: key)
        }
        waiting?.succeed(nil)
    }

    /// Pages being rendered stay registered: their renderers still release those waiting.
    func invalidate(_ change: Change = .everything) {
        state.withLockedValue { state in
            state.generation += 1
            switch change {
            case .everything:
                state.everythingInvalidated = state.generation
                state.pages = [:]
                state.profile = nil
                state.derived = [:]
            case .sections(let changed):
                // Whatever changed, a search may find it.
                let sections = changed.union([Self.searchSection])
                for section in sections { state.sectionInvalidated[section] = state.generation }
                state.pages = state.pages.filter { !sections.contains(Self.section(ofKey: $0.key)) }
                state.derived = state.derived.filter { !sections.contains($0.value.section) }
            }
        }
    }

    static let searchSection = "search"

    /// A key is "language path?query"; its section is the path's first component.
    static func section(ofKey key: String) -> String {
        let path = key.split(separator: " ", maxSplits: 1).dropFirst().first ?? ""
        let component = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first?
            .split(separator: "/", omittingEmptySubsequences: true).first
        return component.map(String.init) ?? ""
    }
}

extension Application {
    struct SiteCacheKey: StorageKey { typealias Value = SiteCache }

    var siteCache: SiteCache {
        get throws { try storage.service(SiteCacheKey.self) }
    }
}
