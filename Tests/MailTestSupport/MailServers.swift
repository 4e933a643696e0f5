import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Real SMTP servers for the tests: the recording aiosmtpd server of Tests/Fixtures and Postfix's
/// smtp-sink, each on a free port of 127.0.0.1, stopped by PID.

/// A tool a test needs is not installed: the test fails with this, naming what to install.
public struct MissingTool: Error, CustomStringConvertible {
    public let description: String

    public init(description: String) {
        self.description = description
    }
}

public enum TestTools {
    /// Debian's interpreter, with the python3-* packages of scripts/system-packages; never a
    /// python3 that happens to come first on PATH (pyenv, a virtualenv) without them.
    public static let python = "/usr/bin/python3"

    public static let fixtures: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").path

    /// Runs a program to its end; returns its status and output. Output goes to files, not pipes:
    /// Foundation's pipe readers `try!` on EINTR, which a busy machine delivers, and a full pipe
    /// could stall the child. The program is ended if it outlives `timeout` (seconds).
    @discardableResult
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: Data? = nil,
        timeout: TimeInterval = 300
    ) throws -> (status: Int32, stdout: Data, stderr: String) {
        let directory = try temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: directory) }
        let outPath = directory.appendingPathComponent("stdout").path
        let errPath = directory.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        defer {
            try? out.close()
            try? err.close()
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let input {
            let inPath = directory.appendingPathComponent("stdin").path
            _ = FileManager.default.createFile(atPath: inPath, contents: input)
            process.standardInput = FileHandle(forReadingAtPath: inPath)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { stop(process) }
        process.waitUntilExit()
        let stdout = FileManager.default.contents(atPath: outPath) ?? Data()
        let stderr = FileManager.default.contents(atPath: errPath) ?? Data()
        return (process.terminationStatus, stdout, String(decoding: stderr, as: UTF8.self))
    }

    /// Fails (never skips) when python3 or one of the modules is missing.
    public static func requirePython(_ modules: [String]) throws {
        let result = try? run(python, ["-c", "import " + modules.joined(separator: ", ")])
        guard let result, result.status == 0 else {
            throw MissingTool(
                description:
                    "\(python) with the modules \(modules.joined(separator: ", ")) is required: scripts/install-system-packages test (\(result?.stderr ?? "\(python) not found"))"
            )
        }
    }

    public static func requireExecutable(_ path: String, install: String) throws {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw MissingTool(description: "\(path) is required: \(install)") }
    }

    public static func temporaryDirectory(_ prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + "-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// True once something accepts TCP connections on 127.0.0.1:port.
    public static func isListening(_ port: Int) -> Bool {
        guard let fd = connectedSocket(port) else { return false }
        close(fd)
        return true
    }

    /// A TCP socket connected to 127.0.0.1:port, or nil; the caller closes it.
    public static func connectedSocket(_ port: Int) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    /// A port nothing listens on, below Linux's ephemeral range (32768-60999): servers started on
    /// port 0 are never given it, so a test that stops its mail server and leaves the port dead (an
    /// outage) cannot have another test's server take it over. `range` keeps callers apart.
    public static func portOutsideEphemeralRange(_ range: Range<Int> = 20_000..<26_000) throws -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: range)
            if !isListening(port) { return port }
        }
        throw MissingTool(description: "no free port in \(range)")
    }

    /// Stops a process by its PID: SIGTERM, then SIGKILL if it does not end within two seconds.
    public static func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

/// Tests/Fixtures/smtp_recorder.py on a free port, writing to a directory of its own.
public final class SMTPRecorder: @unchecked Sendable {
    public let process: Process
    public let port: Int
    public let directory: URL

    private init(process: Process, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// Starts the recorder (port 0: it binds a free one) and waits for its READY line. `port`
    /// restarts a server where a stopped one listened, for outage tests.
    public static func start(_ options: [String] = [], port requestedPort: Int = 0) throws -> SMTPRecorder {
        try TestTools.requirePython(["aiosmtpd"])
        let directory = try TestTools.temporaryDirectory("smtp-recorder")
        let outdir = directory.appendingPathComponent("mail")
        let outputPath = directory.appendingPathComponent("recorder.out").path
        let errorPath = directory.appendingPathComponent("recorder.err").path
        _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestTools.python)
        process.arguments = [TestTools.fixtures + "/smtp_recorder.py", "\(requestedPort)", outdir.path] + options
        process.standardOutput = FileHandle(forWritingAtPath: outputPath)
        process.standardError = FileHandle(forWritingAtPath: errorPath)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }), let port = Int(line.dropFirst(6)) {
                return SMTPRecorder(process: process, port: port, directory: outdir)
            }
            if !process.isRunning { break }
            usleep(50_000)
        }
        TestTools.stop(process)
        let errors = (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? ""
        throw MissingTool(description: "smtp_recorder.py did not become ready: \(errors)")
    }

    public func stop() { TestTools.stop(process) }

    /// The messages received, in order, as the server stored them (after dot-unstuffing).
    public var messages: [Data] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".eml") }
        return names.compactMap { name in Int(name.dropLast(4)).map { ($0, name) } }.sorted { $0.0 < $1.0 }
            .compactMap { FileManager.default.contents(atPath: directory.appendingPathComponent($0.1).path) }
    }

    /// Lines of received.log: recipient and Message-ID.
    public var received: [(recipient: String, messageID: String)] {
        let text = (try? String(contentsOfFile: directory.appendingPathComponent("received.log").path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").map { line in
            let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    /// Connections the server accepted.
    public var connectionCount: Int {
        let text = (try? String(contentsOfFile: directory.appendingPathComponent("connections.log").path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }
}

/// Postfix's smtp-sink: accepts everything, advertises PIPELINING, keeps nothing.
public final class SMTPSink: @unchecked Sendable {
    public let process: Process
    public let port: Int

    private init(process: Process, port: Int) {
        self.process = process
        self.port = port
    }

    public static func start(backlog: Int = 100) throws -> SMTPSink {
        try TestTools.requireExecutable("/usr/sbin/smtp-sink", install: "apt-get install postfix (it provides /usr/sbin/smtp-sink)")
        for _ in 0..<10 {
            let port = try TestTools.portOutsideEphemeralRange(26_000..<32_000)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/smtp-sink")
            // smtp-sink refuses to run as root unless told which user to become.
            process.arguments = (getuid() == 0 ? ["-u", "nobody"] : []) + ["-c", "127.0.0.1:\(port)", "\(backlog)"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            let deadline = Date().addingTimeInterval(5)
            while Date() < deadline, process.isRunning, !TestTools.isListening(port) { usleep(20_000) }
            if process.isRunning, TestTools.isListening(port) { return SMTPSink(process: process, port: port) }
            TestTools.stop(process)
        }
        throw MissingTool(description: "smtp-sink did not start on a free port")
    }

    public func stop() { TestTools.stop(process) }
}
