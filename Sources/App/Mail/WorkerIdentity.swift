import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The name under which one process claims deliveries, with its own journal. Names are slots
/// kept in the data directory (`mail-worker-id`, `mail-worker-id.1`, ...), each held with an
/// exclusive lock for the life of the process: `serve`, `worker` and `send-campaign` started on
/// one data directory get different slots, while a process restarted after a crash takes its
/// free slot back and so finds its own claims and journal.
final class WorkerIdentity: Sendable {
    let id: String
    let journalPath: String
    private let descriptor: Int32

    static let slots = 64

    init(dataDirectory: String) throws {
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        for slot in 0..<Self.slots {
            let path = dataDirectory + "/mail-worker-id" + (slot == 0 ? "" : ".\(slot)")
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                continue
            }
            let stored = Self.read(fd).trimmingCharacters(in: .whitespacesAndNewlines)
            let id: String
            if stored.isEmpty {
                id = "w-" + UUID().uuidString.prefix(8).lowercased()
                let bytes = Array((id + "\n").utf8)
                guard ftruncate(fd, 0) == 0, bytes.withUnsafeBufferPointer({ pwrite(fd, $0.baseAddress, $0.count, 0) }) == bytes.count
                else {
                    close(fd)
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
                }
            } else {
                id = stored
            }
            self.id = id
            self.descriptor = fd
            self.journalPath = dataDirectory + "/mail-journal-" + id + ".log"
            return
        }
        throw CocoaError(.fileLocking, userInfo: [NSLocalizedDescriptionKey: "all \(Self.slots) mail worker slots are in use"])
    }

    deinit { close(descriptor) }

    private static func read(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 64)
        let count = buffer.withUnsafeMutableBufferPointer { pread(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? String(decoding: buffer[0..<count], as: UTF8.self) : ""
    }
}
