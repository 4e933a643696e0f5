import Fluent
import Foundation
import SQLKit
import Testing
import Vapor

@testable import App

#if canImport(Glibc)
    import Glibc
#endif

/// Exactly-once delivery with real processes: the built `focal worker` is killed in the middle of
/// a campaign and started again, and two workers share one campaign. The recorder's received.log
/// (flushed per message) is the truth about what arrived.
@Suite("Exactly-once sending with real worker processes", .serialized)
struct ExactlyOnceTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let secret = String(repeating: "s3cr3t-t3st-", count: 4).prefix(40).description

    static func binary() throws -> String {
        let path = packageRoot.appendingPathComponent(".build/debug/focal").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingTool(description: "\(path) is missing: run swift build first (these tests start the built focal binary)")
        }
        return path
    }

    /// Where the database is: an SQLite file (path given) or a PostgreSQL schema of its own.
    enum Store {
        case sqlite(String)
        case postgres(url: String, schema: String)

        /// Settings a process needs to reach this database.
        var environment: [String: String] {
            switch self {
            case .sqlite(let path): return ["DATABASE_URL": "sqlite://" + path]
            case .postgres(let url, let schema): return ["DATABASE_URL": url, "FOCAL_PG_SCHEMA": schema]
            }
        }
    }

    /// An in-process app on the store, for setting up and for checking.
    static func openApp(_ store: Store, dataDirectory: String) async throws -> Application {
        let env = ["FOCAL_DATA_DIR": dataDirectory, "FOCAL_SESSION_SECRET": secret, "FOCAL_BCRYPT_COST": "4"].merging(store.environment) {
            $1
        }
        let config = try AppConfig.load(from: env, demo: false)
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: config)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    /// Migrates, loads the demo, imports `extra` subscribers to the newsletter list and starts the
    /// demo campaign (Issue 7, 2021). Returns the campaign's id and number of recipients.
    static func prepare(_ store: Store, dataDirectory: String, extra: Int) async throws -> (id: UUID, total: Int) {
        let app = try await openApp(store, dataDirectory: dataDirectory)
        do {
            let sql = app.db as! any SQLDatabase
            switch store {
            case .sqlite: try await sql.raw("PRAGMA journal_mode=WAL").run()
            case .postgres(_, let schema): try await sql.raw("CREATE SCHEMA \(ident: schema)").run()
            }
            try await app.autoMigrate()
            _ = try await DemoLoader.loadIfEmpty(on: app.db, hasher: app.password)
            var csv = "email,name,language\n"
            for index in 0..<extra { csv += "load\(index)@example.org,Reader \(index),\(index % 4 == 0 ? "zh" : "en")\n" }
            let report = try await SubscriberImport(status: .confirmed, source: "import:load.csv", defaultLists: ["newsletter"]).run(
                Data(csv.utf8), on: app.db)
            try #require(report.imported == extra, "the import took \(report.imported) of \(extra)")
            let campaign = try await CampaignTests.demoCampaign(app)
            try await CampaignPreparation.start(campaign, on: app.db)
            let result = (try campaign.requireID(), campaign.total)
            try await app.asyncShutdown()
            return result
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    static func dropSchema(_ store: Store, dataDirectory: String) async {
        guard case .postgres(_, let schema) = store, let app = try? await openApp(store, dataDirectory: dataDirectory) else { return }
        try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
        try? await app.asyncShutdown()
    }

    /// Every process a test starts, stopped by PID when it ends, passed or failed.
    final class Processes: @unchecked Sendable {
        private(set) var all: [Process] = []
        func add(_ process: Process) { all.append(process) }
        func stopAll() { for process in all { TestTools.stop(process) } }
    }

    /// `focal worker` as a child process with its own data directory (so its own instance).
    static func startWorker(_ store: Store, dataDirectory: String, recorder: SMTPRecorder, into processes: Processes) throws -> Process {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try binary())
        process.arguments = ["worker"]
        process.currentDirectoryURL = packageRoot
        let inherited = ProcessInfo.processInfo.environment
        process.environment = [
            "PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/tmp", "LANG": "C.UTF-8",
            "FOCAL_DATA_DIR": dataDirectory,
            "FOCAL_SESSION_SECRET": secret, "FOCAL_SMTP_URL": "smtp://127.0.0.1:\(recorder.port)?starttls=never",
            "FOCAL_MAIL_FROM": "Focal Newsletter <newsletter@focal.example>", "FOCAL_MAIL_RATE": "0", "SWIFT_BACKTRACE": "enable=no",
            "LOG_LEVEL": "warning",
        ].merging(store.environment) { $1 }
        let log = dataDirectory + "/worker-\(UUID().uuidString.prefix(6)).log"
        FileManager.default.createFile(atPath: log, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        processes.add(process)
        return process
    }

    static func workerLogs(_ directories: [String]) -> String {
        directories.flatMap { directory in
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasPrefix("worker-") }.map {
                "\(directory)/\($0):\n" + String(((try? String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) ?? "").suffix(1500))
            }
        }.joined(separator: "\n")
    }

    /// Waits until the campaign is finished (read from the database), or the deadline passes.
    static func waitUntilFinished(_ campaignID: UUID, monitor: Application, processes: [Process], seconds: Double) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let status = try? await Campaign.find(campaignID, on: monitor.db)?.status, status == .finished { return true }
            if processes.allSatisfy({ !$0.isRunning }) { return false }
            try await Task.sleep(for: .milliseconds(500))
        }
        return false
    }

    /// The killed worker's journalled deliveries that never reached the recorder (read once the
    /// recorder has settled): the messages cut off between their final "." and the server.
    static func unconfirmedAtKill(dataDirectory: String, recorder: SMTPRecorder, store: Store) async throws -> Set<Int> {
        try await Task.sleep(for: .seconds(2))
        let journals = try FileManager.default.contentsOfDirectory(atPath: dataDirectory).filter { $0.hasPrefix("mail-journal-") }
        let written = journals.reduce(into: Set<Int>()) { $0.formUnion(DeliveryJournal.recordedIDs(at: dataDirectory + "/" + $1)) }
        let arrived = Set(recorder.received.map(\.recipient))
        let app = try await openApp(store, dataDirectory: dataDirectory + "-check")
        do {
            let deliveries = try await Delivery.query(on: app.db).all()
            try await app.asyncShutdown()
            let cutOff = deliveries.filter { delivery in
                delivery.id.map(written.contains) == true && !arrived.contains(delivery.email)
            }
            return Set(cutOff.compactMap(\.id))
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
    }

    /// Opens an app on the store to watch from, waits up to `seconds` for the campaign to finish,
    /// stops the workers and hands `check` whether it finished; the app is shut down however
    /// `check` ends.
    static func afterCampaign(
        _ campaignID: UUID, store: Store, directory: URL, workers: [Process], seconds: Double = 150,
        check: (_ finished: Bool, _ monitor: Application) async throws -> Void
    ) async throws {
        let monitor = try await openApp(store, dataDirectory: directory.appendingPathComponent("monitor").path)
        do {
            let finished = try await waitUntilFinished(campaignID, monitor: monitor, processes: workers, seconds: seconds)
            for worker in workers { TestTools.stop(worker) }
            try await check(finished, monitor)
        } catch {
            try? await monitor.asyncShutdown()
            throw error
        }
        try await monitor.asyncShutdown()
    }

    /// Checks that every recipient of the campaign arrived exactly once, and nobody else.
    /// `unconfirmedAtKill`: deliveries whose whole message was written (journalled) when the worker
    /// was killed but which the server had not taken yet. SMTP cannot tell whether such a message
    /// arrived; Focal counts it as sent (never twice), so it alone may be missing.
    static func expectExactlyOnce(
        _ recorder: SMTPRecorder, campaignID: UUID, monitor: Application, unconfirmedAtKill: Set<Int> = []
    ) async throws -> [Delivery] {
        let deliveries = try await Delivery.query(on: monitor.db).filter(\.$campaign.$id == campaignID).all()
        var arrivals: [String: Int] = [:]
        for line in recorder.received { arrivals[line.recipient, default: 0] += 1 }
        let expected = Set(deliveries.map(\.email))
        let twice = arrivals.filter { $0.value > 1 }.map(\.key).sorted()
        let excused = Set(deliveries.filter { $0.id.map(unconfirmedAtKill.contains) ?? false }.map(\.email))
        let missing = expected.filter { arrivals[$0] == nil && !excused.contains($0) }.sorted()
        let strangers = Set(arrivals.keys).subtracting(expected).sorted()
        #expect(twice.isEmpty, "\(twice.count) recipients got the message more than once, e.g. \(twice.prefix(5))")
        #expect(missing.isEmpty, "\(missing.count) recipients got nothing, e.g. \(missing.prefix(5))")
        #expect(strangers.isEmpty, "mail to addresses outside the campaign: \(strangers.prefix(5))")
        let unsent = deliveries.filter { $0.status != .sent }
        #expect(
            unsent.isEmpty,
            "\(unsent.count) deliveries are not sent: \(Dictionary(grouping: unsent, by: \.status.rawValue).mapValues(\.count))")
        return deliveries
    }

    @Test("A worker killed mid-campaign and started again sends each of 10,002 recipients exactly once (SQLite)")
    func crashAndRestart() async throws {
        _ = try Self.binary()
        let directory = try TestTools.temporaryDirectory("focal-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data").path
        let store = Store.sqlite(dataDirectory + "/focal.sqlite")
        let campaign = try await Self.prepare(store, dataDirectory: dataDirectory, extra: 10_000)
        #expect(campaign.total == 10_002)

        let recorder = try SMTPRecorder.start(["--log-only"])
        defer { recorder.stop() }
        let processes = Processes()
        defer { processes.stopAll() }

        let first = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        let deadline = Date().addingTimeInterval(90)
        while recorder.received.count < 2_000, first.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(first.isRunning, "the first worker ended by itself: \(Self.workerLogs([dataDirectory]))")
        try #require(recorder.received.count >= 2_000, "the first worker sent only \(recorder.received.count) in 90 s")
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        let atKill = recorder.received.count
        #expect(atKill < campaign.total, "the worker finished before it could be killed; the test proves nothing")
        let unconfirmed = try await Self.unconfirmedAtKill(dataDirectory: dataDirectory, recorder: recorder, store: store)
        #expect(unconfirmed.count <= 8, "at most one message per connection can be between its last byte and the server: \(unconfirmed)")

        let second = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        try await Self.afterCampaign(campaign.id, store: store, directory: directory, workers: [second]) { finished, monitor in
            #expect(
                finished,
                "the campaign did not finish after the restart; \(recorder.received.count) arrived. \(Self.workerLogs([dataDirectory]))")
            let deliveries = try await Self.expectExactlyOnce(
                recorder, campaignID: campaign.id, monitor: monitor, unconfirmedAtKill: unconfirmed)
            #expect(deliveries.count == 10_002)
            #expect(Set(deliveries.map(\.claimedBy)).count == 1, "one installation, one worker id across the restart")
        }
    }

    @Test(
        "SIGTERM mid-campaign: the worker finishes what is on the wire, puts the rest back as pending and exits 0; the rest goes out once")
    func gracefulStop() async throws {
        _ = try Self.binary()
        let directory = try TestTools.temporaryDirectory("focal-sigterm")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data").path
        let store = Store.sqlite(dataDirectory + "/focal.sqlite")
        let campaign = try await Self.prepare(store, dataDirectory: dataDirectory, extra: 4_000)

        let recorder = try SMTPRecorder.start(["--log-only"])
        defer { recorder.stop() }
        let processes = Processes()
        defer { processes.stopAll() }

        let first = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        let deadline = Date().addingTimeInterval(90)
        while recorder.received.count < 500, first.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(first.isRunning && recorder.received.count >= 500, "the worker did not get going: \(Self.workerLogs([dataDirectory]))")
        kill(first.processIdentifier, SIGTERM)
        let stopBound = Date().addingTimeInterval(25)
        while first.isRunning, Date() < stopBound { try await Task.sleep(for: .milliseconds(50)) }
        try #require(!first.isRunning, "the worker was still running 25 s after SIGTERM")
        #expect(
            first.terminationReason == .exit && first.terminationStatus == 0, "exit \(first.terminationStatus), \(first.terminationReason)")
        try await Task.sleep(for: .seconds(1))

        let atStop = try await Self.openApp(store, dataDirectory: directory.appendingPathComponent("at-stop").path)
        do {
            let deliveries = try await Delivery.query(on: atStop.db).filter(\.$campaign.$id == campaign.id).all()
            let arrived = Set(recorder.received.map(\.recipient))
            let sent = Set(deliveries.filter { $0.status == .sent }.map(\.email))
            #expect(deliveries.allSatisfy { $0.status != .sending }, "claims left after a graceful stop")
            #expect(sent == arrived, "sent in the database \(sent.count), arrived \(arrived.count): a graceful stop leaves no doubt")
            #expect(sent.count < campaign.total, "the campaign finished before SIGTERM; the test proves nothing")
            #expect(deliveries.filter { $0.status == .pending }.count == campaign.total - sent.count)
            try await atStop.asyncShutdown()
        } catch {
            try? await atStop.asyncShutdown()
            throw error
        }

        let second = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        try await Self.afterCampaign(campaign.id, store: store, directory: directory, workers: [second]) { finished, monitor in
            #expect(finished, "the campaign did not finish after the restart. \(Self.workerLogs([dataDirectory]))")
            _ = try await Self.expectExactlyOnce(recorder, campaignID: campaign.id, monitor: monitor)
        }
    }

    @Test("A second process started on the same data directory while the first sends takes its own identity; each recipient once")
    func secondProcessOnOneDataDirectory() async throws {
        _ = try Self.binary()
        let directory = try TestTools.temporaryDirectory("focal-same-dir")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data").path
        let store = Store.sqlite(dataDirectory + "/focal.sqlite")
        let campaign = try await Self.prepare(store, dataDirectory: dataDirectory, extra: 4_000)

        let recorder = try SMTPRecorder.start(["--log-only"])
        defer { recorder.stop() }
        let processes = Processes()
        defer { processes.stopAll() }
        let first = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        let deadline = Date().addingTimeInterval(90)
        while recorder.received.count < 500, first.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(recorder.received.count >= 500 && first.isRunning, "the first worker did not get going")
        // The second one starts while the first holds live claims and writes its journal.
        let second = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        try await Self.afterCampaign(campaign.id, store: store, directory: directory, workers: [first, second]) { finished, monitor in
            #expect(finished, "the campaign did not finish; \(recorder.received.count) arrived. \(Self.workerLogs([dataDirectory]))")
            let deliveries = try await Self.expectExactlyOnce(recorder, campaignID: campaign.id, monitor: monitor)
            let journals = try FileManager.default.contentsOfDirectory(atPath: dataDirectory).filter { $0.hasPrefix("mail-journal-") }
            #expect(journals.count == 2, "one journal per process: \(journals)")
            #expect(Set(deliveries.map(\.claimedBy)).count <= 2)
        }
    }

    @Test("The database failing every write for 5 s in the middle of a campaign strands, loses and repeats nothing")
    func databaseErrorMidBatch() async throws {
        _ = try Self.binary()
        let directory = try TestTools.temporaryDirectory("focal-db-error")
        defer { try? FileManager.default.removeItem(at: directory) }
        let dataDirectory = directory.appendingPathComponent("data").path
        let databasePath = dataDirectory + "/focal.sqlite"
        let store = Store.sqlite(databasePath)
        let campaign = try await Self.prepare(store, dataDirectory: dataDirectory, extra: 6_000)

        let recorder = try SMTPRecorder.start(["--log-only"])
        defer { recorder.stop() }
        let processes = Processes()
        defer { processes.stopAll() }
        let worker = try Self.startWorker(store, dataDirectory: dataDirectory, recorder: recorder, into: processes)
        let deadline = Date().addingTimeInterval(90)
        while recorder.received.count < 1_000, worker.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try #require(recorder.received.count >= 1_000 && worker.isRunning, "the worker did not get going")
        // Another process makes every change to the deliveries fail for 5 s (a trigger that aborts
        // each UPDATE): the worker's claims and settlements meet real database errors. A lock
        // would not do: SQLite's busy handler in sqlite-nio waits instead of failing.
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: TestTools.python)
        locker.arguments = [
            "-c",
            "import sqlite3, sys, time; c = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30); "
                + "c.execute(\"CREATE TRIGGER injected_failure BEFORE UPDATE ON deliveries BEGIN SELECT RAISE(ABORT, 'injected failure'); END\"); "
                + "time.sleep(5); c.execute('DROP TRIGGER injected_failure')",
            databasePath,
        ]
        locker.standardOutput = FileHandle.nullDevice
        try locker.run()
        processes.add(locker)
        let lockedAt = recorder.received.count
        while locker.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        locker.waitUntilExit()
        #expect(locker.terminationStatus == 0, "the failure could not be injected")
        try await Self.afterCampaign(campaign.id, store: store, directory: directory, workers: [worker]) { finished, monitor in
            #expect(lockedAt < campaign.total, "the campaign ended before the lock; the test proves nothing")
            let logs = Self.workerLogs([dataDirectory])
            #expect(logs.contains("injected failure"), "the worker met no failed write; the test proves nothing: \(logs)")
            #expect(
                finished,
                "the campaign did not finish after the lock; \(recorder.received.count) arrived. \(Self.workerLogs([dataDirectory]))")
            _ = try await Self.expectExactlyOnce(recorder, campaignID: campaign.id, monitor: monitor)
        }
    }

    @Test("Two worker processes on one database share a campaign of 3,002 recipients, each sent exactly once")
    func twoInstances() async throws {
        _ = try Self.binary()
        let directory = try TestTools.temporaryDirectory("focal-two")
        defer { try? FileManager.default.removeItem(at: directory) }
        let setupDirectory = directory.appendingPathComponent("setup").path
        let store: Store =
            TestEngine.isPostgres
            ? .postgres(url: TestEngine.databaseURL!, schema: "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased())
            : .sqlite(setupDirectory + "/focal.sqlite")
        let campaign = try await Self.prepare(store, dataDirectory: setupDirectory, extra: 3_000)
        #expect(campaign.total == 3_002)

        let recorder = try SMTPRecorder.start(["--log-only"])
        defer { recorder.stop() }
        let processes = Processes()
        defer { processes.stopAll() }
        let directories = [directory.appendingPathComponent("a").path, directory.appendingPathComponent("b").path]
        let workers = try directories.map { try Self.startWorker(store, dataDirectory: $0, recorder: recorder, into: processes) }
        do {
            // Both may still be between polls when it finishes: they are stopped before the check.
            try await Self.afterCampaign(campaign.id, store: store, directory: directory, workers: workers) { finished, monitor in
                #expect(finished, "the campaign did not finish; \(recorder.received.count) arrived. \(Self.workerLogs(directories))")
                let deliveries = try await Self.expectExactlyOnce(recorder, campaignID: campaign.id, monitor: monitor)
                let claimants = Dictionary(grouping: deliveries, by: \.claimedBy).mapValues(\.count)
                #expect(claimants.count == 2, "the deliveries were claimed by \(claimants)")
            }
        } catch {
            await Self.dropSchema(store, dataDirectory: setupDirectory)
            throw error
        }
        await Self.dropSchema(store, dataDirectory: setupDirectory)
    }
}

@Suite("The delivery journal")
struct DeliveryJournalTests {
    @Test("A delivery refused after its message was written is taken back; one sent again counts again")
    func retraction() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("focal-journal-\(UUID().uuidString)/journal.log").path
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let journal = try DeliveryJournal(path: path)
        for id in [1, 2, 3] { journal.recordWritten(id) }
        journal.retract(2)
        journal.retract(7)
        #expect(journal.recordedIDs() == [1, 3])
        journal.recordWritten(2)
        // A second reader of the same file (the process after a crash) sees the same.
        #expect(try DeliveryJournal(path: path).recordedIDs() == [1, 2, 3])
        journal.clear()
        #expect(journal.recordedIDs().isEmpty)
    }
}
