import Crypto
import Foundation
import NIOCore
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

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

/// The file store has no room (ENOSPC, EDQUOT): nothing of the file is left behind.
struct FileStorageFull: Error {}

struct LocalFileStorage: FileStorage {
    let directory: String
    /// Writes bytes into a new file; a test puts a disk that fills up in its place.
    var writeNewFile: @Sendable (String, ByteBuffer) throws -> Void = LocalFileStorage.writeNewFile

    func put(_ bytes: ByteBuffer) async throws -> String {
        let key = UUID().uuidString.lowercased()
        let folder = directory + "/" + String(key.prefix(2))
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let temporary = folder + "/." + key + ".part"
        do {
            try writeNewFile(temporary, bytes)
        } catch let error as POSIXError where [.ENOSPC, .EDQUOT].contains(error.code) {
            try? FileManager.default.removeItem(atPath: temporary)
            throw FileStorageFull()
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw error
        }
        // Renamed into place only when complete, so a crash never leaves half a file under a key.
        try FileManager.default.moveItem(atPath: temporary, toPath: path(for: key))
        return key
    }

    /// Every byte written and flushed to the disk, or an error with errno (a full disk shows at
    /// write or at fsync).
    static func writeNewFile(_ path: String, _ bytes: ByteBuffer) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        try bytes.withUnsafeReadableBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
                }
                offset += written
            }
        }
        guard fsync(descriptor) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
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
