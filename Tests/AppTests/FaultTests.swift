import Foundation
import MailTestSupport
import NIOConcurrencyHelpers
import Testing

/// Faults an operator meets, each with real processes: the server killed while it writes.
@Suite("Faults", .serialized)
struct FaultTests {
    static let admin = (email: "fault-admin@focal.example", password: "fault-admin-password-1")

    static func environment(_ data: String) -> [String: String] {
        ["FOCAL_DATA_DIR": data, "FOCAL_SESSION_SECRET": ExactlyOnceTests.secret]
    }

    static func createAdmin(data: String) throws {
        let result = try TestTools.run(
            try ExactlyOnceTests.binary(),
            ["create-user", "--email", admin.email, "--name", "Fault Admin", "--role", "admin"],
            // Only these settings: the suite's DATABASE_URL must not send the account elsewhere
            // than the server started on this data directory looks.
            environment: [
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8",
                "SWIFT_BACKTRACE": "enable=no", "FOCAL_BCRYPT_COST": "4",
            ].merging(environment(data)) { $1 },
            input: Data((admin.password + "\n").utf8))
        try #require(result.status == 0, "create-user: \(result.stderr)")
    }

    @Test("kill -9 while eight clients write: every acknowledged record is there after a restart and the database checks clean")
    func killedWhileWriting() async throws {
        let directory = try TestTools.temporaryDirectory("focal-kill-writes")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        try Self.createAdmin(data: data)
        let port = try freeLoopbackPort()
        let server = try FocalProcess(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)], environment: Self.environment(data), directory: directory.path)
        defer { server.stop() }
        try await server.waitUntilAnswering(port: port)
        let session = HTTPSession(port: port)
        try await session.signIn(email: Self.admin.email, password: Self.admin.password)
        let field = try await session.csrfField(at: "/admin/organisations/new")

        let count = NIOLockedValueBox(0)
        let acknowledged = try await withThrowingTaskGroup(of: [String].self) { group in
            for writer in 0..<8 {
                let client = session.copy()
                group.addTask {
                    var done: [String] = []
                    for number in 0..<100_000 {
                        let name = "Kill-\(writer)-\(number)"
                        let form = ["_csrf": field, "name_en": name, "kind": "partner", "country_id": "", "parent_id": ""]
                        guard let response = try? await client.post("/admin/organisations", form: form) else { break }
                        if response.status == 303 { done.append(name) } else { break }
                        count.withLockedValue { $0 += 1 }
                    }
                    return done
                }
            }
            // Killed in the middle of the writes, however slow the machine is.
            let deadline = Date().addingTimeInterval(120)
            while count.withLockedValue({ $0 }) < 60, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
            kill(server.process.processIdentifier, SIGKILL)
            return try await group.reduce(into: [String]()) { $0 += $1 }
        }
        server.process.waitUntilExit()
        #expect(acknowledged.count > 20, "too few writes before the kill to prove anything: \(acknowledged.count)")

        let restarted = try FocalProcess(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)], environment: Self.environment(data), directory: directory.path)
        defer { restarted.stop() }
        try await restarted.waitUntilAnswering(port: port, path: "/readyz")
        #expect(try await restarted.terminate(within: 40))

        let database = data + "/focal.sqlite"
        let summary = try BackupTests.summary(database)
        #expect(summary["integrity"] as? String == "ok")
        let stored = try TestTools.run(
            TestTools.python,
            [
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print('\\n'.join(r[0] for r in c.execute(\"SELECT name_en FROM organisations WHERE name_en LIKE 'Kill-%'\")))",
                database,
            ])
        let names = Set(String(decoding: stored.stdout, as: UTF8.self).split(separator: "\n").map(String.init))
        let lost = acknowledged.filter { !names.contains($0) }
        #expect(lost.isEmpty, "\(lost.count) of \(acknowledged.count) acknowledged records are gone, e.g. \(lost.prefix(5))")
        #expect(names.count >= acknowledged.count)
        #expect(names.count <= acknowledged.count + 8, "at most one unacknowledged write per client may have committed")
    }

    @Test("A read-only database file: pages still read, a write answers a 503 page saying nothing was saved, the process lives on")
    func readOnlyDatabase() async throws {
        let directory = try TestTools.temporaryDirectory("focal-read-only")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("data").path
        try Self.createAdmin(data: data)
        let port = try freeLoopbackPort()
        let writable = try FocalProcess(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)], environment: Self.environment(data), directory: directory.path)
        defer { writable.stop() }
        try await writable.waitUntilAnswering(port: port)
        let session = HTTPSession(port: port)
        try await session.signIn(email: Self.admin.email, password: Self.admin.password)
        let field = try await session.csrfField(at: "/admin/organisations/new")
        #expect(try await writable.terminate(within: 40))

        // The file read-only; its folder stays writable, as SQLite's WAL index needs.
        let manager = FileManager.default
        for path in [directory.path, data] { try manager.setAttributes([.posixPermissions: 0o777], ofItemAtPath: path) }
        for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: data + "/focal.sqlite" + suffix) }
        try manager.setAttributes([.posixPermissions: 0o444], ofItemAtPath: data + "/focal.sqlite")
        let readOnly = try FocalProcess(
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)], environment: Self.environment(data), directory: directory.path,
            unprivileged: true)
        defer { readOnly.stop() }
        try await readOnly.waitUntilAnswering(port: port, path: "/readyz")

        let anonymous = HTTPSession(port: port)
        #expect(try await anonymous.get("/network").status == 200)
        #expect(try await anonymous.get("/newsletters").status == 200)
        let create = try await session.post(
            "/admin/organisations", form: ["_csrf": field, "name_en": "Never saved", "kind": "partner", "country_id": "", "parent_id": ""])
        #expect(create.status == 503, "a write to a read-only database answered \(create.status)")
        #expect(create.body.contains("Nothing was saved"), "\(create.body.prefix(300))")
        let loginField = try await anonymous.csrfField(at: "/login")
        let login = try await anonymous.post(
            "/login", form: ["_csrf": loginField, "email": Self.admin.email, "password": Self.admin.password])
        #expect(login.status == 503, "signing in (a session written) answered \(login.status)")
        #expect(readOnly.process.isRunning)
        #expect(try await anonymous.get("/network").status == 200, "reading after the failed writes")
        #expect(!readOnly.errors.contains("Fatal error"))
    }
}
