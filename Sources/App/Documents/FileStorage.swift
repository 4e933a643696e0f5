import Crypto
import Foundation
import NIOCore
import Vapor

/// Where document files live. The local directory is the default; an object store can take its
/// place behind the same three calls.
protocol FileStorage: Sendable {
    /// Stores the bytes under a fresh key and returns the key.
    func put(_ bytes: ByteBuffer) async throws -> String
    /// Streams the stored bytes back as a response body.
    func response(for key: String, request: Request) async throws -> Response
    func delete(_ key: String) async throws
    /// The stored bytes themselves, for what is assembled on the server (images in the PDF edition).
    func contents(of key: String) async throws -> Data
}

struct LocalFileStorage: FileStorage {
    let directory: String

    func put(_ bytes: ByteBuffer) async throws -> String {
        let key = UUID().uuidString.lowercased()
        let folder = directory + "/" + String(key.prefix(2))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/." + key + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes.readableBytesView)) else {
            throw Abort(.internalServerError, reason: "Cannot write to the file store")
        }
        // Renamed into place only when complete, so a crash never leaves half a file under a key.
        try FileManager.default.moveItem(atPath: temporary, toPath: path(for: key))
        return key
    }

    func response(for key: String, request: Request) async throws -> Response {
        if let refusal = UnsatisfiableRange.response(for: request, filePath: path(for: key)) { return refusal }
        return try await request.fileio.asyncStreamFile(at: path(for: key))
    }

    func delete(_ key: String) async throws {
        try? FileManager.default.removeItem(atPath: path(for: key))
    }

    func contents(of key: String) async throws -> Data {
        guard let data = FileManager.default.contents(atPath: path(for: key)) else {
            throw Abort(.notFound, reason: "No stored file \(key)")
        }
        return data
    }

    private func path(for key: String) -> String {
        directory + "/" + String(key.prefix(2)) + "/" + key
    }
}

extension Application {
    struct FileStorageKey: StorageKey { typealias Value = any FileStorage }

    var fileStorage: any FileStorage {
        get throws { try storage.service(FileStorageKey.self) }
    }
}
