import AsyncHTTPClient
import Foundation
import MailTestSupport
import NIOCore

#if canImport(Glibc)
    import Glibc
#endif

/// A `focal` command run from the built binary as a child process with its own environment, its
/// standard error in a file: how an operator runs it, signals included.
final class FocalProcess: @unchecked Sendable {
    let process: Process
    let errorLog: String

    /// `unprivileged`: as root, run as `nobody` (setpriv), so file permissions bind the process as
    /// they bind a service user.
    init(_ arguments: [String], environment: [String: String], directory: String, unprivileged: Bool = false) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        process = Process()
        var settings = environment
        var workingDirectory = ExactlyOnceTests.packageRoot
        if unprivileged, getuid() == 0 {
            // `nobody` may not reach the checkout (CI clones into a private temporary folder, a
            // clone under /root is private too): the binary, templates and files go to a folder it can read.
            let staging = URL(fileURLWithPath: directory).appendingPathComponent("unprivileged-\(UUID().uuidString.prefix(6))")
            try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
            for item in ["Resources", "Public"] {
                try FileManager.default.copyItem(
                    at: ExactlyOnceTests.packageRoot.appendingPathComponent(item), to: staging.appendingPathComponent(item))
            }
            let binary = staging.appendingPathComponent("focal")
            try FileManager.default.copyItem(at: URL(fileURLWithPath: try ExactlyOnceTests.binary()), to: binary)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: binary.path)
            _ = chmod(directory, 0o755)
            settings["FOCAL_RESOURCES_DIR"] = staging.path
            workingDirectory = staging
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", binary.path] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: try ExactlyOnceTests.binary())
            process.arguments = arguments
        }
        process.currentDirectoryURL = workingDirectory
        let inherited = ProcessInfo.processInfo.environment
        process.environment = [
            "PATH": inherited["PATH"] ?? "/usr/bin:/bin", "HOME": inherited["HOME"] ?? "/tmp", "LANG": "C.UTF-8",
            "SWIFT_BACKTRACE": "enable=no", "FOCAL_BCRYPT_COST": "4",
        ].merging(settings) { $1 }
        let tag = UUID().uuidString.prefix(6)
        errorLog = directory + "/focal-\(arguments.first ?? "run")-\(tag).err"
        _ = FileManager.default.createFile(atPath: errorLog, contents: nil, attributes: [.posixPermissions: 0o666])
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle(forWritingAtPath: errorLog)
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var errors: String { (try? String(contentsOfFile: errorLog, encoding: .utf8)) ?? "" }

    /// Polls `path` until it answers 200 or the process ends or `seconds` pass.
    func waitUntilAnswering(port: Int, path: String = "/healthz", seconds: Double = 120) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, process.isRunning {
            if (try? await get(port: port, path: path).status.code) == 200 { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        throw MissingTool(description: "focal did not answer on port \(port): \(String(errors.suffix(2000)))")
    }

    /// Sends SIGTERM and waits up to `seconds` for the process to end; true when it ended.
    func terminate(within seconds: Double) async throws -> Bool {
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        return !process.isRunning
    }

    func stop() { TestTools.stop(process) }
}

func get(port: Int, path: String, headers: [(String, String)] = []) async throws -> HTTPClientResponse {
    var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
    for (name, value) in headers { request.headers.add(name: name, value: value) }
    return try await HTTPClient.shared.execute(request, timeout: .seconds(60))
}

/// A TCP port of 127.0.0.1 nobody listens on now (the kernel's choice for port 0).
func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw MissingTool(description: "no socket") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw MissingTool(description: "could not bind a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
