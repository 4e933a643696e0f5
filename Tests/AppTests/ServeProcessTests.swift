import Foundation
import Testing

/// `focal serve` as an operator runs it: a process with its environment, its log and signals.
@Suite("focal serve as a process", .serialized)
struct ServeProcessTests {
    @Test("LOG_FORMAT=json: every log line is one JSON object; a request's lines carry its X-Request-Id; SIGTERM exits 0")
    func jsonLogsAndTermination() async throws {
        let directory = try TestTools.temporaryDirectory("focal-serve-process")
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try freeLoopbackPort()
        let serve = try FocalProcess(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)],
            environment: [
                "FOCAL_DATA_DIR": directory.appendingPathComponent("data").path, "FOCAL_SESSION_SECRET": ExactlyOnceTests.secret,
                "LOG_FORMAT": "json",
            ], directory: directory.path)
        defer { serve.stop() }
        try await serve.waitUntilAnswering(port: port)

        let response = try await get(port: port, path: "/network", headers: [("X-Request-Id", "probe-42")])
        #expect(response.status.code == 200)
        #expect(response.headers.first(name: "X-Request-Id") == "probe-42")
        let ended = try await serve.terminate(within: 40)
        try #require(ended, "focal serve still ran 40 s after SIGTERM")
        #expect(serve.process.terminationReason == .exit && serve.process.terminationStatus == 0)

        let lines = serve.errors.split(separator: "\n").map(String.init)
        #expect(lines.count > 5, "too few log lines: \(lines)")
        var objects: [[String: Any]] = []
        for line in lines {
            let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            #expect(object != nil, "not one JSON object: \(line.prefix(200))")
            if let object { objects.append(object) }
        }
        #expect(objects.allSatisfy { $0["time"] is String && $0["level"] is String && $0["message"] is String })
        let access = objects.filter { $0["request_id"] as? String == "probe-42" }
        #expect(access.contains { $0["route"] as? String == "/network" && $0["status"] as? String == "200" }, "\(access)")
    }
}
