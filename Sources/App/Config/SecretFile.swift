import Crypto
import Foundation

/// Without FOCAL_SESSION_SECRET, a random secret is kept in the data directory so that signed
/// tokens stay valid across restarts of a single-machine installation.
enum SecretFile {
    static func path(in directory: String, demo: Bool) -> String {
        directory + (demo ? "/demo-secret.key" : "/secret.key")
    }

    static func loadOrCreate(in directory: String, demo: Bool) throws -> [UInt8] {
        let path = path(in: directory, demo: demo)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        if let existing = FileManager.default.contents(atPath: path), existing.count >= 32 {
            return Array(existing)
        }
        let secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        guard FileManager.default.createFile(atPath: path, contents: Data(secret), attributes: [.posixPermissions: 0o600]) else {
            throw AppConfigError(problems: ["FOCAL_DATA_DIR: cannot write \(path)"])
        }
        return secret
    }
}
