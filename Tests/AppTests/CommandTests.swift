import ConsoleKit
import Fluent
import Foundation
import NIOConcurrencyHelpers
import Testing
import Vapor

@testable import App

/// A console that records what a command prints and never reads the terminal.
final class RecordingConsole: Console, @unchecked Sendable {
    private let lock = NIOLock()
    private var _output = ""
    private var _userInfo: [AnySendableHashable: any Sendable] = [:]
    var output: String { lock.withLock { _output } }
    var size: (width: Int, height: Int) { (120, 40) }
    var userInfo: [AnySendableHashable: any Sendable] {
        get { lock.withLock { _userInfo } }
        set { lock.withLock { _userInfo = newValue } }
    }
    func input(isSecure: Bool) -> String { "" }
    func output(_ text: ConsoleText, newLine: Bool) { lock.withLock { _output += text.description + (newLine ? "\n" : "") } }
    func clear(_ type: ConsoleClear) {}
    func report(error: String, newLine: Bool) { lock.withLock { _output += error + (newLine ? "\n" : "") } }
}

/// Runs `focal <arguments>` through the app's registered commands, as the executable would.
func runCommand(_ app: Application, _ arguments: [String]) async throws -> String {
    let console = RecordingConsole()
    var context = CommandContext(console: console, input: CommandInput(arguments: ["focal"] + arguments))
    context.application = app
    try await console.run(app.asyncCommands.group(), with: context)
    return console.output
}

@Suite("Command line")
struct CommandTests {
    /// The arguments of a create-user call that is valid up to the password prompt.
    static let valid = ["create-user", "--email", "new@demo.focal.example", "--name", "New Person", "--role", "editor"]

    static func problems(_ app: Application, _ arguments: [String]) async -> String? {
        do {
            _ = try await runCommand(app, arguments)
            return nil
        } catch {
            return String(describing: error)
        }
    }

    @Test(
        "create-user refuses a role that is not an account role, naming --role, and creates nothing",
        arguments: ["wizard", "anonymous", ""])
    func badRole(role: String) async throws {
        try await withApp(loadDemo: false) { app async throws in
            var arguments = Self.valid
            arguments[arguments.firstIndex(of: "editor")!] = role
            let message = await Self.problems(app, arguments)
            #expect(message?.contains("--role") == true, "\(message ?? "accepted")")
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test("create-user reports every bad argument at once")
    func everyProblem() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let message =
                await Self.problems(app, ["create-user", "--email", "not-an-address", "--role", "focal_point", "--person", "x"]) ?? ""
            #expect(message.contains("--email"))
            #expect(message.contains("--name"))
            #expect(message.contains("--person"))
        }
    }

    @Test("create-user refuses an address that already has an account, before asking for a password")
    func duplicateEmail() async throws {
        try await withApp(loadDemo: true) { app async throws in
            var arguments = Self.valid
            arguments[2] = Demo.editor.email.uppercased()
            let message = await Self.problems(app, arguments)
            #expect(message?.contains("already has an account") == true, "\(message ?? "accepted")")
            #expect(try await User.query(on: app.db).count() == DemoLoader.logins.count)
        }
    }

    @Test("create-user refuses a focal point account linked to a person that does not exist")
    func unknownPerson() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let message = await Self.problems(
                app,
                ["create-user", "--email", "fp@demo.focal.example", "--name", "FP", "--role", "focal_point", "--person", UUID().uuidString])
            #expect(message?.contains("--person") == true, "\(message ?? "accepted")")
            #expect(try await User.query(on: app.db).count() == 0)
        }
    }

    @Test("load-demo loads the demo into an empty database and leaves a loaded one alone")
    func loadDemo() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let first = try await runCommand(app, ["load-demo"])
            #expect(first.contains("loaded from the seed newsletter"))
            #expect(try await Country.query(on: app.db).count() == 11)
            let second = try await runCommand(app, ["load-demo"])
            #expect(second.contains("already loaded"))
            #expect(try await Country.query(on: app.db).count() == 11)
        }
    }

    @Test("Any command, not only serve, leaves the SQLite file in write-ahead-log mode")
    func writeAheadLog() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("focal-wal-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FOCAL_") && $0.key != "DATABASE_URL" }
        environment["FOCAL_DATA_DIR"] = directory
        environment["FOCAL_BCRYPT_COST"] = "4"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let loaded = try TestTools.run(try ExactlyOnceTests.binary(), ["load-demo"], environment: environment)
        #expect(loaded.status == 0, "focal load-demo exited with \(loaded.status): \(loaded.stderr)")
        let mode = try runPython(
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA journal_mode').fetchone()[0])",
            arguments: [directory + "/focal.sqlite"])
        #expect(mode.status == 0, "\(mode.stderr)")
        #expect(mode.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "wal", "journal mode is \(mode.stdout)")
    }
}
