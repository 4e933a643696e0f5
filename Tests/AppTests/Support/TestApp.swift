import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting

@testable import App

/// The database engine the suite runs against: PostgreSQL when DATABASE_URL is set, else SQLite.
enum TestEngine {
    static let databaseURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else { return nil }
        return url
    }()

    static var isPostgres: Bool { databaseURL.map { $0.hasPrefix("postgres") } ?? false }

    /// Printed once per test process, so a run's log shows which engine was exercised.
    static let announce: Void = {
        print("AppTests: running against \(isPostgres ? "PostgreSQL (DATABASE_URL, one schema per test)" : "SQLite (one file per test)")")
    }()
}

/// Environment every test app starts from.
func testEnvironment(dataDirectory: String) -> [String: String] {
    var env = [
        "FOCAL_DATA_DIR": dataDirectory,
        "FOCAL_SESSION_SECRET": String(repeating: "s3cr3t-t3st-", count: 4).prefix(40).description,
        "FOCAL_BCRYPT_COST": "4",
        "FOCAL_ACCESS_LOG": "0",
        // Several test apps share one PostgreSQL server and its ~100 connections.
        "FOCAL_DB_POOL_SIZE": "2",
        // The whole suite runs at once on a couple of cores: a test's turn at its own few
        // connections can wait far longer than a served request should, and that is not a failure.
        "FOCAL_DB_WAIT_SECONDS": "120",
    ]
    if let url = TestEngine.databaseURL { env["DATABASE_URL"] = url }
    return env
}

/// Runs `body` with a freshly configured and migrated app on its own database (an SQLite file in
/// a temporary directory, or a PostgreSQL schema of its own), optionally loaded with the demo.
/// `environment` adds or overrides settings (e.g. `FOCAL_UPLOAD_MAX_BYTES`) for this app only.
func withApp(
    loadDemo: Bool = false, environment: [String: String] = [:], _ body: (Application) async throws -> Void
) async throws {
    _ = TestEngine.announce
    // Each app holds a connection pool; a PostgreSQL server allows ~100 clients, so only a few
    // test apps run at once against it. SQLite files are independent and need no limit.
    let limiter = TestEngine.isPostgres ? AppLimiter.postgres : nil
    let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("focal-tests-" + UUID().uuidString).path
    var config = try AppConfig.load(
        from: testEnvironment(dataDirectory: tmp).merging(environment) { $1 }, demo: false)
    var schema: String?
    if case .postgres = config.database {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        schema = name
        config.postgresSchema = name
    }
    if TestEngine.databaseURL != nil {
        #expect(TestEngine.isPostgres, "DATABASE_URL is set but the app did not choose PostgreSQL")
    }
    await limiter?.acquire()
    let app: Application
    do { app = try await Application.make(.testing) } catch {
        await limiter?.release()
        throw error
    }
    var failure: (any Error)?
    do {
        try await configure(app, config: config)
        if let schema {
            try await (app.db as! any SQLDatabase).raw("CREATE SCHEMA \(ident: schema)").run()
        }
        try await app.autoMigrate()
        if loadDemo {
            let loaded = try await DemoLoader.loadIfEmpty(on: app.db, hasher: app.password)
            #expect(loaded, "the demo should load into a fresh database")
        }
        try await body(app)
    } catch {
        failure = error
    }
    if let schema {
        try? await (app.db as! any SQLDatabase).raw("DROP SCHEMA IF EXISTS \(ident: schema) CASCADE").run()
    }
    try? await app.asyncShutdown()
    try? FileManager.default.removeItem(atPath: tmp)
    await limiter?.release()
    if let failure { throw TestAppFailure(description: String(reflecting: failure)) }
}

/// An error escaping a test, with the driver's full details (PostgreSQL errors hide them otherwise).
struct TestAppFailure: Error, CustomStringConvertible {
    let description: String
}

/// A counting semaphore for async tests.
actor AppLimiter {
    static let postgres = AppLimiter(limit: 6)

    private var available: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { available = limit }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty { available += 1 } else { waiting.removeFirst().resume() }
    }
}

/// How many page-cache lookups of a kind ("hit", "miss", "wait", "refresh") the app's /metrics
/// counts, read with its metrics token.
func pageCacheLookups(_ app: Application, _ result: String, token: String) async throws -> Int {
    let text = try await app.testing().sendRequest(.GET, "/metrics", headers: ["Authorization": "Bearer " + token]).body.string
    let line = text.split(separator: "\n").first { $0.hasPrefix(#"focal_page_cache_lookups_total{result="\#(result)"}"#) }
    return line.flatMap { $0.split(separator: " ").last }.flatMap { Int($0) } ?? 0
}
