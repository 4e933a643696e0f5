import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
import Vapor

@testable import App

@Suite("The page cache: sections, and renders overtaken by a change")
struct SiteCacheTests {
    static let loop = MultiThreadedEventLoopGroup.singleton.any()

    static func page(_ text: String) -> SiteCache.Page {
        SiteCache.Page(headers: [:], body: ByteBuffer(string: text), etag: "\"\(text)\"", storedAt: Date())
    }

    static func cached(_ cache: SiteCache, _ key: String) -> String? {
        if case .fresh(let page) = cache.lookup(key, on: loop) { return String(buffer: page.body) }
        // A miss registered a render: release it, as a renderer would.
        cache.remove(key)
        return nil
    }

    static func render(_ cache: SiteCache, _ key: String, _ text: String) throws {
        guard case .miss(let ticket) = cache.lookup(key, on: loop) else {
            Issue.record("\(key) was not a miss")
            return
        }
        cache.store(page(text), for: key, renderedWith: ticket)
    }

    @Test("A key's section is the first component of its path, \"\" for the home page")
    func sections() {
        #expect(SiteCache.section(ofKey: "en /meetings/x/participants?lang=en") == "meetings")
        #expect(SiteCache.section(ofKey: "zh /meetings.ics") == "meetings.ics")
        #expect(SiteCache.section(ofKey: "en /?lang=zh") == "")
        #expect(SiteCache.section(ofKey: "en /") == "")
        #expect(SiteCache.section(ofKey: "en /action-plan?lang=en") == "action-plan")
    }

    @Test("A page read near its expiry is answered at once and renewed behind the answer; past expiry it is rendered first")
    func renewalBeforeExpiry() throws {
        let cache = SiteCache(timeToLive: 100)
        try Self.render(cache, "en /meetings", "first")
        let start = Date()
        if case .fresh = cache.lookup("en /meetings", on: Self.loop, now: start.addingTimeInterval(50)) {
        } else {
            Issue.record("a young page was not fresh")
        }
        guard case .renew(let ticket, let current) = cache.lookup("en /meetings", on: Self.loop, now: start.addingTimeInterval(80))
        else {
            Issue.record("a page at 80% of its time to live was not renewed")
            return
        }
        #expect(String(buffer: current.body) == "first", "the reader did not get the page at once")
        // Others meanwhile get the same page: one renewal, not one per reader.
        if case .fresh = cache.lookup("en /meetings", on: Self.loop, now: start.addingTimeInterval(81)) {
        } else {
            Issue.record("a second reader during the renewal did not get the page")
        }
        cache.store(Self.page("second"), for: "en /meetings", renderedWith: ticket)
        #expect(Self.cached(cache, "en /meetings") == "second")

        try Self.render(cache, "en /network", "old")
        guard case .refresh = cache.lookup("en /network", on: Self.loop, now: Date().addingTimeInterval(101)) else {
            Issue.record("an expired page was not rendered before answering")
            return
        }
    }

    @Test("A change to some sections empties their pages and keeps the others; a change to everything empties all")
    func scopedInvalidation() throws {
        let cache = SiteCache(timeToLive: 3600)
        for key in ["en /meetings/a", "zh /meetings", "en /meetings.ics", "en /action-plan", "en /"] { try Self.render(cache, key, key) }
        cache.invalidate(.sections(["meetings"]))
        #expect(Self.cached(cache, "en /meetings/a") == nil)
        #expect(Self.cached(cache, "zh /meetings") == nil)
        #expect(Self.cached(cache, "en /meetings.ics") == "en /meetings.ics")
        #expect(Self.cached(cache, "en /action-plan") == "en /action-plan")
        #expect(Self.cached(cache, "en /") == "en /")
        cache.invalidate()
        #expect(Self.cached(cache, "en /action-plan") == nil)
        #expect(Self.cached(cache, "en /") == nil)
    }

    @Test("A page whose render began before a change that covers it reaches those waiting but is not kept")
    func renderOvertakenByChange() async throws {
        let cache = SiteCache(timeToLive: 3600)
        guard case .miss(let ticket) = cache.lookup("en /meetings", on: Self.loop) else {
            Issue.record("not a miss")
            return
        }
        guard case .pending(let waiting) = cache.lookup("en /meetings", on: Self.loop) else {
            Issue.record("a second reader did not wait for the render")
            return
        }
        cache.invalidate(.sections(["meetings"]))
        cache.store(Self.page("old"), for: "en /meetings", renderedWith: ticket)
        #expect(try await waiting.get().map { String(buffer: $0.body) } == "old")
        #expect(Self.cached(cache, "en /meetings") == nil, "a page rendered before the change was kept after it")

        // A change elsewhere does not cost the render its place.
        guard case .miss(let next) = cache.lookup("en /meetings", on: Self.loop) else {
            Issue.record("not a miss")
            return
        }
        cache.invalidate(.sections(["action-plan"]))
        cache.store(Self.page("new"), for: "en /meetings", renderedWith: next)
        #expect(Self.cached(cache, "en /meetings") == "new")
    }

    @Test("What one instance tells the others: everything, or the sections, the home page's included")
    func broadcastPayload() {
        let everything = SiteCacheBroadcast.encode("instance-1", .everything)
        #expect(SiteCacheBroadcast.decode(everything).instance == "instance-1")
        #expect(SiteCacheBroadcast.decode(everything).change == .everything)
        let sections = SiteCacheBroadcast.encode("instance-2", .sections(["meetings", "", "meetings.ics"]))
        #expect(SiteCacheBroadcast.decode(sections).instance == "instance-2")
        #expect(SiteCacheBroadcast.decode(sections).change == .sections(["meetings", "", "meetings.ics"]))
    }

    @Test("Shared data loads once for those asking at once, stays through changes elsewhere, and loads anew after a change to its section")
    func derivedData() async throws {
        let cache = SiteCache(timeToLive: 3600)
        let loads = ManagedCounter()
        @Sendable func load() async throws -> Int {
            let n = loads.increment()
            try await Task.sleep(for: .milliseconds(50))
            return n
        }
        let values = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<8 { group.addTask { try await cache.derived("plan", section: "action-plan", load: load) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(values == Array(repeating: 1, count: 8))
        #expect(loads.value == 1)
        cache.invalidate(.sections(["meetings"]))
        #expect(try await cache.derived("plan", section: "action-plan", load: load) == 1)
        cache.invalidate(.sections(["action-plan"]))
        #expect(try await cache.derived("plan", section: "action-plan", load: load) == 2)
        cache.invalidate()
        #expect(try await cache.derived("plan", section: "action-plan", load: load) == 3)

        struct Failure: Error {}
        await #expect(throws: Failure.self) {
            try await cache.derived("broken", section: "action-plan") { () async throws -> Int in throw Failure() }
        }
        #expect(try await cache.derived("broken", section: "action-plan") { 7 } == 7, "a failed load was kept")
    }
}

/// A counter tasks may share.
final class ManagedCounter: Sendable {
    private let count = NIOLockedValueBox(0)
    var value: Int { count.withLockedValue { $0 } }
    func increment() -> Int {
        count.withLockedValue {
            $0 += 1
            return $0
        }
    }

    @Test("A page from the cache remembers ?lang= in the reader's cookie, whatever the first reader had, and keeps no one's cookies")
    func languageCookieOnCachedPages() async throws {
        try await withApp(loadDemo: true) { app async throws in
            // The first reader already chose Chinese: the render sets no cookie.
            var first = HTTPHeaders()
            first.add(name: .cookie, value: "lang=zh")
            let render = try await app.testing().sendRequest(.GET, "/network?lang=zh", headers: first)
            #expect(render.status == .ok)
            #expect(render.headers[.setCookie].isEmpty, "a reader whose cookie says zh is told zh again")
            // A new reader gets the same cached page and the cookie remembering the choice.
            let hit = try await app.testing().sendRequest(.GET, "/network?lang=zh")
            #expect(hit.headers.first(name: .eTag) == render.headers.first(name: .eTag), "the second reader did not get the cached page")
            let cookies = hit.headers[.setCookie]
            #expect(cookies.count == 1 && cookies.first?.hasPrefix("lang=zh") == true, "cookies on the cached page: \(cookies)")
            // A page first rendered for a reader without the cookie does not replay that reader's cookie.
            let fresh = try await app.testing().sendRequest(.GET, "/meetings?lang=zh")
            #expect(fresh.headers[.setCookie].contains { $0.hasPrefix("lang=zh") })
            let remembered = try await app.testing().sendRequest(.GET, "/meetings?lang=zh", headers: first)
            #expect(remembered.headers.first(name: .eTag) == fresh.headers.first(name: .eTag))
            #expect(remembered.headers[.setCookie].isEmpty, "the stored page replays a cookie: \(remembered.headers[.setCookie])")
        }
    }
}
