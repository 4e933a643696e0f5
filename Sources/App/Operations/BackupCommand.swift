import Fluent
import Foundation
import SQLKit
import Vapor

/// `focal backup DIR [--files-only]`: a consistent copy of a running installation — the SQLite
/// database, the stored files and the session secret — with a manifest of SHA-256 sums.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "A new or empty directory to write the backup into") var directory: String
        @Flag(name: "files-only", help: "Only the stored files and the secret (PostgreSQL: back the database up with pg_dump)")
        var filesOnly: Bool
    }

    var help: String { "Copies the database (SQLite), the stored files and the secret into DIR with a manifest; Focal may keep running." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        let config = try app.focalConfig
        let target = URL(fileURLWithPath: signature.directory).standardizedFileURL
        var entries: [BackupManifest.Entry] = []
        let kind: String
        if signature.filesOnly {
            kind = "files-only"
        } else {
            guard case .sqlite(let path) = config.database else {
                throw CommandProblem([
                    "DATABASE_URL: the database is PostgreSQL; back it up with pg_dump (see the README) and run focal backup --files-only for the files"
                ])
            }
            guard ((try? BackupManifest.fileSize(URL(fileURLWithPath: path))) ?? 0) > 0 else {
                throw CommandProblem(["FOCAL_DATA_DIR: there is no database at \(path) (for the demo's, add --demo)"])
            }
            // VACUUM INTO copies one read snapshot: writers go on meanwhile, and the copy is a
            // consistent, compact database file with no log beside it.
            try Self.prepareEmptyDirectory(target)
            let copy = target.appendingPathComponent(BackupManifest.databaseFile).path
            try await (try app.db.sql).raw("VACUUM INTO \(bind: copy)").run()
            entries.append(try BackupManifest.entry(for: BackupManifest.databaseFile, in: target))
            kind = "sqlite"
        }
        if signature.filesOnly { try Self.prepareEmptyDirectory(target) }
        let files = URL(fileURLWithPath: config.filesDirectory)
        for relative in BackupManifest.files(under: files, relativeTo: files) {
            let path = BackupManifest.filesFolder + "/" + relative
            let destination = target.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: files.appendingPathComponent(relative), to: destination)
            entries.append(try BackupManifest.entry(for: path, in: target))
        }
        let secret = SecretFile.path(in: config.dataDirectory, demo: config.demo)
        if FileManager.default.fileExists(atPath: secret) {
            try FileManager.default.copyItem(atPath: secret, toPath: target.appendingPathComponent("secret.key").path)
            entries.append(try BackupManifest.entry(for: "secret.key", in: target))
        }
        try BackupManifest(createdAt: Date(), database: kind, entries: entries).write(to: target)
        let bytes = entries.reduce(0) { $0 + $1.bytes }
        context.console.print("Backed up \(entries.count) files (\(bytes) bytes, database: \(kind)) to \(target.path)")
    }

    static func prepareEmptyDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue, (try FileManager.default.contentsOfDirectory(atPath: url.path)).isEmpty else {
                throw CommandProblem(["DIR: \(url.path) exists and is not an empty directory; a backup never overwrites"])
            }
        } else {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        }
    }
}
