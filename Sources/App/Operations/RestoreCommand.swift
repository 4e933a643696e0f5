import Foundation
import Vapor

/// `focal restore DIR [--replace] [--files-only]`: checks the backup against its manifest, then
/// puts the database, the stored files and the secret in place. Focal must be stopped meanwhile.
struct RestoreCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "directory", help: "A directory written by focal backup") var directory: String
        @Flag(name: "replace", help: "Replace an existing database and files (the files are kept aside, not deleted)")
        var replace: Bool
        @Flag(name: "files-only", help: "Only the stored files and the secret (PostgreSQL: restore the database with pg_restore)")
        var filesOnly: Bool
    }

    var help: String { "Restores a backup made by focal backup into the configured data directory; stop Focal first." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let config = try context.application.focalConfig
        let source = URL(fileURLWithPath: signature.directory).standardizedFileURL
        let manifest = try BackupManifest.read(from: source)
        let problems = manifest.problems(in: source)
        guard problems.isEmpty else {
            throw CommandProblem(["DIR: the backup does not match its manifest; nothing was restored:"] + problems.map { "  " + $0 })
        }
        let plan = try Plan(manifest: manifest, config: config, filesOnly: signature.filesOnly, replace: signature.replace)
        try plan.carryOut(from: source)
        context.console.print(
            "Restored \(manifest.entries.count) files from \(source.path) (made \(manifest.createdAt.formatted(.iso8601)))"
                + (plan.databasePath.map { " into \($0)" } ?? ""))
    }

    /// Everything is checked before the first file changes.
    struct Plan {
        var databasePath: String?
        let filesDirectory: String
        let secretPath: String
        let manifest: BackupManifest
        let replace: Bool

        init(manifest: BackupManifest, config: AppConfig, filesOnly: Bool, replace: Bool) throws {
            self.manifest = manifest
            self.replace = replace
            filesDirectory = config.filesDirectory
            secretPath = SecretFile.path(in: config.dataDirectory, demo: config.demo)
            var problems: [String] = []
            if manifest.database == "sqlite", !filesOnly {
                switch config.database {
                case .sqlite(let path):
                    databasePath = path
                    if !replace, ((try? BackupManifest.fileSize(URL(fileURLWithPath: path))) ?? 0) > 0 {
                        problems.append("--replace: \(path) already holds a database; stop Focal and pass --replace to overwrite it")
                    }
                case .postgres:
                    problems.append("DATABASE_URL: the database is PostgreSQL; restore it with pg_restore and pass --files-only")
                }
            }
            if !replace,
                !BackupManifest.files(under: URL(fileURLWithPath: filesDirectory), relativeTo: URL(fileURLWithPath: filesDirectory)).isEmpty
            {
                problems.append("--replace: \(filesDirectory) already holds files; pass --replace to set them aside and restore")
            }
            guard problems.isEmpty else { throw CommandProblem(problems) }
        }

        func carryOut(from source: URL) throws {
            let manager = FileManager.default
            let stamp = Int(Date().timeIntervalSince1970)
            // Files first, staged beside their place and renamed in: a failure leaves the old set.
            let staging = filesDirectory + ".restoring"
            try? manager.removeItem(atPath: staging)
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            for entry in manifest.entries where entry.path.hasPrefix(BackupManifest.filesFolder + "/") {
                let destination = URL(fileURLWithPath: staging + "/" + entry.path.dropFirst(BackupManifest.filesFolder.count + 1))
                try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                try manager.copyItem(at: source.appendingPathComponent(entry.path), to: destination)
            }
            if manager.fileExists(atPath: filesDirectory) {
                try manager.moveItem(atPath: filesDirectory, toPath: filesDirectory + ".before-restore-\(stamp)")
            }
            try manager.moveItem(atPath: staging, toPath: filesDirectory)

            if manifest.entries.contains(where: { $0.path == "secret.key" }) {
                try Self.replaceFile(at: secretPath, with: source.appendingPathComponent("secret.key"))
            }
            if let databasePath {
                try Self.replaceFile(at: databasePath, with: source.appendingPathComponent(BackupManifest.databaseFile))
                // The old database's log would be replayed into the restored one.
                for suffix in ["-wal", "-shm"] { try? manager.removeItem(atPath: databasePath + suffix) }
            }
        }

        /// Copied beside the target, then renamed over it: the target is the old file or the new
        /// one, never half of either.
        static func replaceFile(at path: String, with source: URL) throws {
            let manager = FileManager.default
            try manager.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = path + ".restoring"
            try? manager.removeItem(atPath: temporary)
            try manager.copyItem(at: source, to: URL(fileURLWithPath: temporary))
            if rename(temporary, path) != 0 {
                throw CommandProblem(["\(path): cannot put the restored file in place (errno \(errno))"])
            }
        }
    }
}
