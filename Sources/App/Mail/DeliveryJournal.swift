import Foundation

/// A local append-only file recording each delivery whose whole message has been handed to the
/// operating system's socket. It survives the process being killed (the kernel keeps what was
/// written), so after a crash the deliveries in it are counted as sent and only the others are
/// sent again.
final class DeliveryJournal: Sendable {
    let path: String
    private let descriptor: Int32

    init(path: String) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission) }
    }

    deinit { close(descriptor) }

    /// One short write with O_APPEND: atomic, and safe from any thread. False when the line could
    /// not be written whole (disk full, I/O error): the message must then not be completed.
    @discardableResult
    func recordWritten(_ deliveryID: Int) -> Bool {
        append("\(deliveryID)\n")
    }

    /// Takes a recorded delivery back: the server refused the message after it was written (a
    /// reply other than 250 to the final "."), so a later recovery must not count it as sent.
    @discardableResult
    func retract(_ deliveryID: Int) -> Bool {
        append("-\(deliveryID)\n")
    }

    private func append(_ text: String) -> Bool {
        let line = Array(text.utf8)
        while true {
            let written = line.withUnsafeBufferPointer { write(descriptor, $0.baseAddress, $0.count) }
            if written == line.count { return true }
            if written < 0, errno == EINTR { continue }
            return false
        }
    }

    /// The deliveries written and not taken back, reading the lines in order.
    func recordedIDs() -> Set<Int> { Self.recordedIDs(at: path) }

    /// The same, of another process's journal (one whose claims expired).
    static func recordedIDs(at path: String) -> Set<Int> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        var recorded = Set<Int>()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("-") {
                if let id = Int(line.dropFirst()) { recorded.remove(id) }
            } else if let id = Int(line) {
                recorded.insert(id)
            }
        }
        return recorded
    }

    func clear() {
        _ = ftruncate(descriptor, 0)
    }
}
