import Fluent
import Foundation
import MailTestSupport
import SQLKit
import Testing
import Vapor

@testable import App

/// `focal backup` and `focal restore` as an operator runs them, against a database another
/// process is writing to.
@Suite("Backup and restore", .serialized)
struct BackupTests {
    typealias Store = ExactlyOnceTests.Store

    /// Another process (Python's sqlite3) appends numbered rows, one transaction each, until told to stop.
    static let writer = """
        import os, sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
        n = 0
        while not os.path.exists(sys.argv[2]):
            n += 1
            db.execute("INSERT INTO backup_probe (n) VALUES (?)", (n,))
            time.sleep(0.001)
        """

    static func summary(_ database: String) throws -> [String: Any] {
        let script = ExactlyOnceTests.packageRoot.appendingPathComponent("Tests/Fixtures/sqlite_tables.py").path
        let result = try TestTools.run(TestTools.python, [script, database])
        try #require(result.status == 0, "sqlite_tables.py: \(result.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    static func focal(_ arguments: [String], dataDirectory: String, in directory: URL) async throws -> (status: Int32, errors: String) {
        let process = try FocalProcess(
            arguments, environment: ["FOCAL_DATA_DIR": dataDirectory, "FOCAL_SESSION_SECRET": ExactlyOnceTests.secret],
            directory: directory.path)
        let deadline = Date().addingTimeInterval(120)
        while process.process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        process.stop()
        return (process.process.terminationStatus, process.errors)
    }

    @Test("A backup taken while another process writes restores elsewhere to the same tables, files and secret; a damaged one is refused")
    func backupWhileWritingAndRestore() async throws {
        _ = try ExactlyOnceTests.binary()
        let directory = try TestTools.temporaryDirectory("focal-backup")
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("live").path
        let database = live + "/focal.sqlite"
        let app = try await ExactlyOnceTests.openApp(Store.sqlite(database), dataDirectory: live)
        var storedFiles: [String: Data] = [:]
        do {
            try await app.autoMigrate()
            _ = try await DemoLoader.loadIfEmpty(on: app.db, hasher: app.password)
            try await (try app.db.sql).raw("CREATE TABLE backup_probe (n INTEGER NOT NULL)").run()
            for size in [10, 200_000] {
                let bytes = Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) })
                storedFiles[try await app.fileStorage.put(ByteBuffer(data: bytes))] = bytes
            }
            try await app.asyncShutdown()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }

        let stopFile = directory.appendingPathComponent("stop-writing").path
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: TestTools.python)
        writer.arguments = ["-c", Self.writer, database, stopFile]
        try writer.run()
        defer { TestTools.stop(writer) }
        try await Task.sleep(for: .milliseconds(500))

        let backup = directory.appendingPathComponent("backup")
        let made = try await Self.focal(["backup", backup.path], dataDirectory: live, in: directory)
        #expect(made.status == 0, "focal backup: \(made.errors)")
        try await Task.sleep(for: .milliseconds(300))
        _ = FileManager.default.createFile(atPath: stopFile, contents: nil)
        writer.waitUntilExit()

        let restoredData = directory.appendingPathComponent("restored").path
        let restored = try await Self.focal(["restore", backup.path], dataDirectory: restoredData, in: directory)
        #expect(restored.status == 0, "focal restore: \(restored.errors)")

        let before = try Self.summary(database)
        let after = try Self.summary(restoredData + "/focal.sqlite")
        #expect(after["integrity"] as? String == "ok")
        let liveTables = try #require(before["tables"] as? [String: [String: Any]])
        let restoredTables = try #require(after["tables"] as? [String: [String: Any]])
        #expect(Set(liveTables.keys) == Set(restoredTables.keys))
        for (table, summary) in liveTables where table != "backup_probe" {
            #expect(restoredTables[table]?["sha256"] as? String == summary["sha256"] as? String, "table \(table) differs after restore")
        }
        // The copy is one moment of the writer's sequence: rows 1...k, none missing, none half-written.
        let written = try #require(liveTables["backup_probe"]?["rows"] as? Int)
        let copied = try #require(restoredTables["backup_probe"]?["rows"] as? Int)
        #expect(copied > 0 && copied < written, "the backup should fall inside the writes: \(copied) of \(written)")
        let gaps = try TestTools.run(
            TestTools.python,
            [
                "-c",
                "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('SELECT count(*), min(n), max(n) FROM backup_probe').fetchone())",
                restoredData + "/focal.sqlite",
            ])
        #expect(String(decoding: gaps.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == "(\(copied), 1, \(copied))")

        for (key, bytes) in storedFiles {
            let path = restoredData + "/files/" + key.prefix(2) + "/" + key
            #expect(FileManager.default.contents(atPath: path) == bytes, "stored file \(key) not restored intact")
        }
        #expect(
            FileManager.default.contents(atPath: restoredData + "/secret.key") == FileManager.default.contents(atPath: live + "/secret.key")
        )

        // A second restore onto the installation is refused without --replace; a damaged backup always.
        let again = try await Self.focal(["restore", backup.path], dataDirectory: restoredData, in: directory)
        #expect(again.status != 0 && again.errors.contains("--replace"), "\(again.errors)")
        let key = try #require(storedFiles.keys.first)
        let damaged = backup.appendingPathComponent("files/" + key.prefix(2) + "/" + key)
        try Data("changed".utf8).write(to: damaged)
        let elsewhere = directory.appendingPathComponent("elsewhere").path
        let refused = try await Self.focal(["restore", backup.path], dataDirectory: elsewhere, in: directory)
        #expect(refused.status != 0 && refused.errors.contains("files/" + key.prefix(2) + "/" + key), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: elsewhere + "/focal.sqlite"), "a refused restore wrote the database")
    }
}
