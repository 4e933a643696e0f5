import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Vapor
import VaporTesting

/// Sends one request through the app's real HTTP server on a free port of 127.0.0.1, so a body
/// arrives as a network stream. Unlike VaporTesting's `.running` (a fixed 30 s deadline), the
/// deadline is generous and the caller's: on a busy machine a real upload can take longer, and a
/// test must then fail by itself, not leave its handler running into the app's shutdown.
func sendOverHTTP(
    _ app: Application, _ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], body: ByteBuffer? = nil,
    timeout: TimeAmount = .seconds(300)
) async throws -> HTTPResult {
    try await app.server.start(address: .hostname("127.0.0.1", port: 0))
    let client = HTTPClient(
        eventLoopGroup: MultiThreadedEventLoopGroup.singleton,
        configuration: .init(redirectConfiguration: .follow(max: 3, allowCycles: false)))
    do {
        guard let port = app.http.server.shared.localAddress?.port else {
            throw Abort(.internalServerError, reason: "the test server has no port")
        }
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers = headers
        if let body { request.body = .bytes(body) }
        let response = try await client.execute(request, timeout: timeout)
        let received = try await response.body.collect(upTo: 16 * 1024 * 1024)
        try await client.shutdown()
        await app.server.shutdown()
        return HTTPResult(status: response.status, headers: response.headers, body: received)
    } catch {
        try? await client.shutdown()
        await app.server.shutdown()
        throw error
    }
}

/// A response, whether it came over a socket or from VaporTesting's in-memory tester.
struct HTTPResult {
    let status: HTTPResponseStatus
    let headers: HTTPHeaders
    let body: ByteBuffer

    var text: String { String(buffer: body) }

    init(status: HTTPResponseStatus, headers: HTTPHeaders, body: ByteBuffer) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    init(_ response: TestingHTTPResponse) {
        self.init(status: response.status, headers: response.headers, body: response.body)
    }
}
