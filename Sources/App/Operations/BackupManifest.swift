import Crypto
import Foundation

/// What a backup directory holds: every file with its size and SHA-256, checked before anything
/// is restored from it.
struct BackupManifest: Codable, Equatable {
    struct Entry: Codable, Equatable {
        var path: String
        var bytes: Int
        var sha256: String
    }

    static let fileName = "manifest.json"
    static let databaseFile = "focal.sqlite"
    static let filesFolder = "files"

    var format = 1
    var createdAt: Date
    /// `sqlite` with the database in `focal.sqlite`, or `files-only` (PostgreSQL: pg_dump keeps it).
    var database: String
    var entries: [Entry]

    static func entry(for relativePath: String, in directory: URL) throws -> Entry {
        let url = directory.appendingPathComponent(relativePath)
        return Entry(path: relativePath, bytes: try fileSize(url), sha256: try sha256(of: url))
    }

    /// Reads in slices, so a large upload never sits in memory whole.
    static func sha256(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    static func fileSize(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.intValue ?? 0
    }

    /// Every regular file under `folder`, as paths relative to `base`, in a stable order.
    static func files(under folder: URL, relativeTo base: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var paths: [String] = []
        for case let url as URL in walker where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            // Half-written uploads (".part") are not content.
            guard !url.lastPathComponent.hasPrefix(".") else { continue }
            paths.append(String(url.standardizedFileURL.path.dropFirst(base.standardizedFileURL.path.count + 1)))
        }
        return paths.sorted()
    }

    /// Names every file that is missing, of another size or another digest.
    func problems(in directory: URL) -> [String] {
        entries.compactMap { entry in
            let url = directory.appendingPathComponent(entry.path)
            guard FileManager.default.fileExists(atPath: url.path) else { return "\(entry.path): missing" }
            guard let size = try? Self.fileSize(url), size == entry.bytes else { return "\(entry.path): size differs from the manifest" }
            guard let digest = try? Self.sha256(of: url), digest == entry.sha256 else {
                return "\(entry.path): SHA-256 differs from the manifest"
            }
            return nil
        }
    }

    static func read(from directory: URL) throws -> BackupManifest {
        let url = directory.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CommandProblem(["DIR: \(url.path) is missing: not a Focal backup"])
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(BackupManifest.self, from: data)
        } catch {
            throw CommandProblem(["DIR: \(url.path) is not a readable manifest (\(error))"])
        }
    }

    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
