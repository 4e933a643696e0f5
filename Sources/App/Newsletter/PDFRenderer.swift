import Foundation
import NIOConcurrencyHelpers
import Vapor

/// Turns a self-contained HTML page into a PDF. Chromium's headless printing is the engine;
/// another can stand in behind the same call.
protocol PDFRenderer: Sendable {
    /// Nil when the engine is present; otherwise why it cannot run, for the reader.
    var unavailableReason: String? { get }
    func pdf(fromHTML html: String) async throws -> Data
}

struct ChromiumPDFRenderer: PDFRenderer {
    let executable: String?
    /// A run that takes longer is killed: a hung engine must not hold a reader's request forever.
    var timeout: Duration = .seconds(60)

    /// FOCAL_CHROMIUM, or the first Chromium on the PATH; FOCAL_PDF_TIMEOUT_SECONDS bounds a run.
    static func detect(environment: [String: String]) -> ChromiumPDFRenderer {
        let seconds = environment["FOCAL_PDF_TIMEOUT_SECONDS"].flatMap(Int.init).map { min(max($0, 1), 600) } ?? 60
        if let configured = environment["FOCAL_CHROMIUM"], FileManager.default.isExecutableFile(atPath: configured) {
            return ChromiumPDFRenderer(executable: configured, timeout: .seconds(seconds))
        }
        let path = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            for folder in path where FileManager.default.isExecutableFile(atPath: "\(folder)/\(name)") {
                return ChromiumPDFRenderer(executable: "\(folder)/\(name)", timeout: .seconds(seconds))
            }
        }
        return ChromiumPDFRenderer(executable: nil, timeout: .seconds(seconds))
    }

    var unavailableReason: String? {
        executable == nil ? "No PDF engine is installed on this server: install Debian's chromium package (or set FOCAL_CHROMIUM)." : nil
    }

    func pdf(fromHTML html: String) async throws -> Data {
        guard let executable else { throw Abort(.serviceUnavailable, reason: unavailableReason ?? "") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("focal-pdf-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let page = work.appendingPathComponent("edition.html")
        let output = work.appendingPathComponent("edition.pdf")
        try Data(html.utf8).write(to: page)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-pdf-header-footer",
                "--user-data-dir=" + work.appendingPathComponent("profile").path, "--print-to-pdf=" + output.path,
            ] + Self.offline + [page.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = NIOLockedValueBox(false)
        let watchdog = Task { [timeout] in
            try await Task.sleep(for: timeout)
            guard !finished.withLockedValue({ $0 }) else { return }
            process.terminate()
            try await Task.sleep(for: .seconds(2))
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        defer { watchdog.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in
                finished.withLockedValue { $0 = true }
                continuation.resume()
            }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        if process.terminationReason == .uncaughtSignal {
            throw Abort(
                .serviceUnavailable, reason: "The PDF engine did not finish within \(timeout.components.seconds) s; try again later.")
        }
        guard process.terminationStatus == 0, let data = FileManager.default.contents(atPath: output.path),
            data.starts(with: Array("%PDF".utf8))
        else { throw Abort(.internalServerError, reason: "Chromium could not print the edition (exit \(process.terminationStatus))") }
        return data
    }
}

extension ChromiumPDFRenderer {
    /// The page printed is a file with its images inside it: Chromium needs no network at all, so
    /// every request goes to a closed proxy port and no background service starts.
    static let offline = [
        "--proxy-server=socks5://127.0.0.1:9", "--proxy-bypass-list=<-loopback>", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps",
        "--disable-extensions", "--no-default-browser-check", "--metrics-recording-only",
    ]
}

/// PDFs of published editions, made once and kept on disk under a key that changes with the
/// edition's content; concurrent first requests share one rendering.
actor PDFCache {
    let directory: String
    private var inFlight: [String: Task<Data, any Error>] = [:]

    init(directory: String) {
        self.directory = directory
    }

    func path(for key: String) -> String { directory + "/" + key + ".pdf" }

    func cached(_ key: String) -> String? {
        FileManager.default.fileExists(atPath: path(for: key)) ? path(for: key) : nil
    }

    func pdf(for key: String, render: @escaping @Sendable () async throws -> Data) async throws -> String {
        if let existing = cached(key) { return existing }
        if let running = inFlight[key] {
            _ = try await running.value
            return path(for: key)
        }
        let task = Task { try await render() }
        inFlight[key] = task
        defer { inFlight[key] = nil }
        let data = try await task.value
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // Instances sharing the data directory may print the same edition at once: each writes a
        // file of its own and renames it into place, which replaces atomically.
        let temporary = path(for: key) + "." + UUID().uuidString + ".part"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path(for: key)) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw Abort(.internalServerError, reason: "Cannot store the PDF edition (errno \(errno))")
        }
        return path(for: key)
    }
}

extension Application {
    struct PDFRendererKey: StorageKey { typealias Value = any PDFRenderer }
    struct PDFCacheKey: StorageKey { typealias Value = PDFCache }

    var pdfRenderer: any PDFRenderer {
        get throws { try storage.service(PDFRendererKey.self) }
    }

    var pdfCache: PDFCache {
        get throws { try storage.service(PDFCacheKey.self) }
    }
}
