import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

#if canImport(Glibc)
    import Glibc
#endif

/// What the HTTP layer answers before any feature sees a request.
@Suite("HTTP hardening")
struct HTTPHardeningTests {
    @Test(
        "Methods other than GET, HEAD and POST answer 405 with the path's own in Allow",
        arguments: ["OPTIONS", "TRACE", "PUT", "DELETE", "PATCH"])
    func otherMethods(method: String) async throws {
        try await withApp { app async throws in
            for (path, allowed) in [
                ("/", "GET, HEAD"), ("/network", "GET, HEAD"), ("/api/v1/countries", "GET, HEAD"), ("/admin", "GET, HEAD"),
                ("/login", "GET, HEAD, POST"), ("/api/v1/meetings/no-such-meeting", "GET, HEAD"), ("/no-such-page", "GET, HEAD, POST"),
            ] {
                let response = try await app.testing().sendRequest(HTTPMethod(rawValue: method), path)
                #expect(response.status == .methodNotAllowed, "\(method) \(path) answered \(response.status)")
                #expect(response.headers.first(name: .allow) == allowed, "\(method) \(path)")
                #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff", "\(method) \(path) lacks the security headers")
            }
        }
    }

    @Test("POST to what is only read and GET of what only takes a form answer 405 with Allow, not 404")
    func methodsAPathDoesNotTake() async throws {
        try await withApp { app async throws in
            for (method, path, allowed) in [
                (HTTPMethod.POST, "/api/v1/countries", "GET, HEAD"), (.POST, "/api/v1/meetings/no-such-meeting", "GET, HEAD"),
                (.POST, "/api/v1/action-plan/reports/\(UUID().uuidString)", "GET, HEAD"), (.POST, "/network", "GET, HEAD"),
                (.GET, "/logout", "POST"), (.HEAD, "/logout", "POST"),
            ] {
                let response = try await app.testing().sendRequest(method, path)
                #expect(response.status == .methodNotAllowed, "\(method) \(path) answered \(response.status)")
                #expect(response.headers.first(name: .allow) == allowed, "\(method) \(path)")
            }
            // What no route serves keeps its answer: an asset, a missing page.
            #expect(try await app.testing().sendRequest(.GET, "/js/local-time.js").status == .ok)
            #expect(try await app.testing().sendRequest(.GET, "/no-such-page").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/no-such-list").status == .notFound)
        }
    }

    @Test("An asset path with a NUL or another control character is 404, never served as another type")
    func controlCharactersInAssetPaths() async throws {
        try await withApp { app async throws in
            let script = try await app.testing().sendRequest(.GET, "/js/local-time.js")
            #expect(script.status == .ok)
            for path in ["/js/local-time.js%00.html", "/js/local-time.js%00", "/css/site.css%0a.html"] {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.status == .notFound, "\(path) answered \(response.status)")
                #expect(response.headers.contentType?.subType != "javascript", "\(path) served the script")
            }
        }
    }

    @Test("The Content-Security-Policy forbids plugins and a changed base URL")
    func contentSecurityPolicy() async throws {
        try await withApp { app async throws in
            let policy = try await app.testing().sendRequest(.GET, "/").headers.first(name: "Content-Security-Policy") ?? ""
            #expect(policy.contains("object-src 'none'"), "\(policy)")
            #expect(policy.contains("base-uri 'none'"), "\(policy)")
            #expect(policy.contains("script-src 'self'"), "\(policy)")
        }
    }

    @Test("Signed-in pages and the subscriber export are never stored by a browser or proxy")
    func noStoreWhenSignedIn() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            for path in ["/admin", "/", "/network", "/admin/subscribers/export.csv", "/admin/subscribers"] {
                let response = try await app.testing().sendRequest(.GET, path, headers: editor)
                let cache = response.headers.first(name: .cacheControl) ?? ""
                #expect(cache.contains("no-store"), "\(path) signed in: Cache-Control '\(cache)'")
            }
            let anonymous = try await app.testing().sendRequest(.GET, "/network")
            #expect(!(anonymous.headers.first(name: .cacheControl) ?? "").contains("no-store"), "public pages stay cacheable")
        }
    }

    @Test("An anonymous upload to a route with a large body limit is refused at its headers, before the body is read")
    func accessBeforeBody() async throws {
        try await withApp { app async throws in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            defer { Task { await app.server.shutdown() } }
            let port = try #require(app.http.server.shared.localAddress?.port)
            let head =
                "POST /admin/subscribers/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                + "Content-Length: 52428800\r\n\r\n"
            // Only 1 KB of the announced 50 MB is ever sent: an answer at all proves the server did
            // not wait for the body (no timing is asserted; a busy machine may be slow).
            let answer = try await RawHTTP.exchange(
                port: port, send: Array(head.utf8) + [UInt8](repeating: 65, count: 1024), waitSeconds: 45)
            let statusLine = answer.split(separator: "\r\n").first.map(String.init) ?? ""
            #expect(
                statusLine.hasPrefix("HTTP/1.1 303") || statusLine.hasPrefix("HTTP/1.1 403"),
                "answered '\(statusLine)': the server waited for the 50 MB body")
        }
    }
    @Test("A connection whose headers or body never complete, or which idles after a response, is closed after the idle limit")
    func idleConnectionsAreClosed() async throws {
        try await withApp(environment: ["FOCAL_HTTP_IDLE_SECONDS": "2"]) { app async throws in
            try await app.server.start(address: .hostname("127.0.0.1", port: 0))
            defer { Task { await app.server.shutdown() } }
            let port = try #require(app.http.server.shared.localAddress?.port)
            let cases: [(String, String)] = [
                ("incomplete headers", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "),
                ("a body that never comes", "POST /subscribe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\nemail=a"),
                ("an idle keep-alive connection", "GET /healthz-unknown HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"),
                ("nothing at all", ""),
            ]
            for (name, request) in cases {
                let closedAfter = try await RawHTTP.secondsUntilClosed(port: port, send: Array(request.utf8), limit: 15)
                #expect(closedAfter != nil, "\(name): still open after 15 s")
                if let closedAfter { #expect(closedAfter >= 1.5, "\(name): closed after \(closedAfter) s, before the limit") }
            }
        }
    }

    @Test("A range outside the file answers 416 with the file's length; a valid one 206; an invalid one the whole file")
    func byteRanges() async throws {
        try await withApp { app async throws in
            let whole = try await app.testing().sendRequest(.GET, "/js/local-time.js")
            #expect(whole.status == .ok)
            let size = whole.body.readableBytes
            let beyond = try await app.testing().sendRequest(.GET, "/js/local-time.js", headers: ["Range": "bytes=\(size)-"])
            #expect(beyond.status == .rangeNotSatisfiable)
            #expect(beyond.headers.first(name: "Content-Range") == "bytes */\(size)")
            let far = try await app.testing().sendRequest(.GET, "/js/local-time.js", headers: ["Range": "bytes=100000000-100000010"])
            #expect(far.status == .rangeNotSatisfiable)
            let part = try await app.testing().sendRequest(.GET, "/js/local-time.js", headers: ["Range": "bytes=0-9"])
            #expect(part.status == .partialContent)
            #expect(part.body.readableBytes == 10)
            let tail = try await app.testing().sendRequest(.GET, "/js/local-time.js", headers: ["Range": "bytes=-5"])
            #expect(tail.status == .partialContent)
            let invalid = try await app.testing().sendRequest(.GET, "/js/local-time.js", headers: ["Range": "bytes=9-2"])
            #expect(invalid.status == .ok, "an invalid range is ignored, answered \(invalid.status)")
            #expect(invalid.body.readableBytes == size)
        }
    }
}

/// One request over a plain socket, for what an HTTP client library will not send (a body that
/// never comes); returns what the server answered within the time given.
enum RawHTTP {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs blocking socket calls on a thread of their own: blocking one of Swift concurrency's
    /// few threads would starve the server under test, which runs its handlers on them.
    static func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    static func exchange(port: Int, send bytes: [UInt8], waitSeconds: Int) async throws -> String {
        try await offThePool { try blockingExchange(port: port, send: bytes, waitSeconds: waitSeconds) }
    }

    static func secondsUntilClosed(port: Int, send bytes: [UInt8], limit: Int) async throws -> Double? {
        try await offThePool { try blockingSecondsUntilClosed(port: port, send: bytes, limit: limit) }
    }

    private static func blockingExchange(port: Int, send bytes: [UInt8], waitSeconds: Int) throws -> String {
        guard let fd = TestTools.connectedSocket(port) else { throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: waitSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = bytes.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65_536 {
            let count = buffer.withUnsafeMutableBufferPointer { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            received += buffer[0..<count]
            if String(decoding: received, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        return String(decoding: received, as: UTF8.self)
    }

    /// Sends the bytes, reads and discards what comes back, and returns how many seconds passed
    /// until the server closed the connection (nil if it was still open after `limit`).
    private static func blockingSecondsUntilClosed(port: Int, send bytes: [UInt8], limit: Int) throws -> Double? {
        guard let fd = TestTools.connectedSocket(port) else { throw Failure(description: "cannot connect to 127.0.0.1:\(port)") }
        defer { close(fd) }
        let started = Date()
        var timeout = timeval(tv_sec: 1, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if !bytes.isEmpty { _ = bytes.withUnsafeBufferPointer { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date().timeIntervalSince(started) < Double(limit) {
            let count = buffer.withUnsafeMutableBufferPointer { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return Date().timeIntervalSince(started) }
            if count < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR { return Date().timeIntervalSince(started) }
        }
        return nil
    }
}

@Suite("Page cache")
struct PageCacheTests {
    static let slug = "framework-asean-china-environmental-cooperation-strategy-action-plan-2021-2025"

    @Test("A cached page whose refresh answers 404 (made restricted elsewhere) is never served again")
    func expiredRestrictedPageIsDropped() async throws {
        try await withApp(loadDemo: true, environment: ["FOCAL_PAGE_CACHE_SECONDS": "1"]) { app async throws in
            let path = "/documents/\(Self.slug)"
            #expect(try await app.testing().sendRequest(.GET, path).status == .ok)
            #expect(try await app.testing().sendRequest(.GET, path).status == .ok)
            // another instance restricts it: this instance's cache is not told
            let document = try #require(try await Document.query(on: app.db).filter(\.$slug == Self.slug).first())
            document.access = .secretariat
            try await document.save(on: app.db)
            try await Task.sleep(for: .milliseconds(1_200))
            for attempt in 1...3 {
                let response = try await app.testing().sendRequest(.GET, path)
                #expect(response.status == .notFound, "attempt \(attempt) after expiry answered \(response.status)")
                #expect(!response.text.contains("Formulated and adopted by China"), "attempt \(attempt) served the restricted page")
            }
        }
    }

    @Test("A page answered from the cache before the rest of the chain carries the same headers as one rendered")
    func cachedPageHeaders() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let rendered = try await app.testing().sendRequest(.GET, "/network", headers: ["X-Request-Id": "first-1"])
            let cached = try await app.testing().sendRequest(.GET, "/network", headers: ["X-Request-Id": "second-2"])
            #expect(cached.status == .ok)
            #expect(cached.body == rendered.body)
            for name in ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options", "ETag", "Vary"] {
                #expect(cached.headers.first(name: name) == rendered.headers.first(name: name), "\(name) differs from the cache")
            }
            #expect(cached.headers.first(name: "X-Request-Id") == "second-2")
            let metrics = try app.metrics.exposition()
            #expect(metrics.contains(#"focal_page_cache_lookups_total{result="hit"}"#), "a cache hit was not counted")
            #expect(metrics.contains(#"route="/network""#), "the cached answer was not counted as a request of its route")
        }
    }

    @Test("If-None-Match is compared weakly and as a list")
    func weakETags() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let first = try await app.testing().sendRequest(.GET, "/network")
            let etag = try #require(first.headers.first(name: .eTag))
            for header in [etag, "W/" + etag, "\"other\", W/" + etag, "*"] {
                let response = try await app.testing().sendRequest(.GET, "/network", headers: ["If-None-Match": header])
                #expect(response.status == .notModified, "If-None-Match: \(header) answered \(response.status)")
            }
            let other = try await app.testing().sendRequest(.GET, "/network", headers: ["If-None-Match": "W/\"other\""])
            #expect(other.status == .ok)
        }
    }
}
