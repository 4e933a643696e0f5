import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing

@testable import SMTPKit

/// SMTPConnection and SMTPPool against real servers: the recording aiosmtpd server and smtp-sink.
@Suite("SMTP client against real servers", .serialized)
struct SMTPConnectionTests {
    static var group: any EventLoopGroup { MultiThreadedEventLoopGroup.singleton }

    static func configuration(_ port: Int, username: String? = nil, password: String? = nil) -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .none, username: username, password: password, connectTimeout: .seconds(5),
            commandTimeout: .seconds(10), dataTimeout: .seconds(20))
    }

    /// A rendered message whose body has lines that start with dots.
    static func message(to recipient: String = "reader@example.org", id: String = UUID().uuidString + "@test.example") throws -> [UInt8] {
        let message = MailMessage(
            from: try MailAddress("news@example.org", name: "News"), to: [try MailAddress(recipient)], subject: "Dots",
            text: ".hidden line\n.\n..two dots\nlast line", messageID: id)
        return try message.render()
    }

    @Test("A message arrives byte for byte, lines starting with a dot included, and EHLO's extensions are read")
    func sendsOneMessage() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        #expect(connection.supportsSMTPUTF8, "aiosmtpd offers SMTPUTF8: \(connection.extensions)")
        #expect(connection.sizeLimit == 50 * 1024 * 1024, "the recorder's SIZE is 50 MiB: \(connection.extensions)")
        #expect(!connection.supportsPipelining, "aiosmtpd does not offer PIPELINING: \(connection.extensions)")
        let bytes = try Self.message()
        #expect(String(decoding: bytes, as: UTF8.self).contains("\r\n.hidden line\r\n.\r\n..two dots\r\n"), "the test body lost its dots")
        try await connection.send(from: "news@example.org", to: ["reader@example.org"], message: bytes)
        await connection.close()
        let received = recorder.messages
        #expect(received.count == 1)
        #expect(received.first.map(Array.init) == bytes, "the stored message differs from what was sent")
        #expect(recorder.received.map(\.recipient) == ["reader@example.org"])
    }

    @Test("PIPELINING is seen and used where the server offers it (smtp-sink), and an absent SIZE means no limit")
    func pipelining() async throws {
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(sink.port), on: Self.group)
        #expect(connection.supportsPipelining, "\(connection.extensions)")
        #expect(connection.sizeLimit == nil, "\(connection.extensions)")
        #expect(!connection.supportsSMTPUTF8, "\(connection.extensions)")
        for _ in 0..<3 { try await connection.send(from: "news@example.org", to: ["reader@example.org"], message: try Self.message()) }
        #expect(connection.isUsable)
        await connection.close()
    }

    @Test("A 451 is a transient error and the same connection carries the next message")
    func transientThenNext() async throws {
        let recorder = try SMTPRecorder.start(["--transient", "1"])
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        do {
            try await connection.send(from: "news@example.org", to: ["reader@example.org"], message: try Self.message())
            Issue.record("the 451 was not reported")
        } catch let failure as SMTPDeliveryFailure {
            #expect(failure.stage == .recipient, "a 451 to the end of the message is about this message")
            #expect(!failure.isHardBounce)
            let error = failure.error
            guard case .transient(let code, _) = error else {
                Issue.record("expected .transient, got \(error)")
                return
            }
            #expect(code == 451)
            #expect(error.isTransient)
        }
        #expect(connection.isUsable, "the connection was given up after a 451")
        try await connection.send(from: "news@example.org", to: ["second@example.org"], message: try Self.message(to: "second@example.org"))
        await connection.close()
        #expect(recorder.received.map(\.recipient) == ["second@example.org"])
        #expect(recorder.connectionCount == 1, "the second message needed a new connection")
    }

    @Test("A 550 for a recipient is a permanent error, and the connection carries the next message")
    func permanentRecipient() async throws {
        let recorder = try SMTPRecorder.start(["--reject", "x@example.org"])
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        do {
            try await connection.send(from: "news@example.org", to: ["x@example.org"], message: try Self.message(to: "x@example.org"))
            Issue.record("the 550 was not reported")
        } catch let failure as SMTPDeliveryFailure {
            #expect(failure.stage == .recipient)
            #expect(failure.isHardBounce, "a 550 to RCPT is the recipient's hard bounce")
            let error = failure.error
            guard case .permanent(let code, _) = error else {
                Issue.record("expected .permanent(550), got \(error)")
                return
            }
            #expect(code == 550)
            #expect(!error.isTransient)
        }
        #expect(connection.isUsable, "the connection was given up after a refused recipient")
        try await connection.send(from: "news@example.org", to: ["ok@example.org"], message: try Self.message(to: "ok@example.org"))
        await connection.close()
        #expect(recorder.received.map(\.recipient) == ["ok@example.org"])
    }

    @Test("An internationalised recipient on a server without SMTPUTF8 is refused before the envelope is sent")
    func internationalWithoutSMTPUTF8() async throws {
        let recorder = try SMTPRecorder.start(["--no-smtputf8"])
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        #expect(!connection.supportsSMTPUTF8)
        await #expect(throws: SMTPDeliveryFailure(stage: .message, error: .internationalAddressNotSupported("用户@例子.中国"))) {
            try await connection.send(from: "news@example.org", to: ["用户@例子.中国"], message: try Self.message())
        }
        #expect(connection.isUsable)
        #expect(recorder.messages.isEmpty)
        // Nothing was half-sent: the session is still at its start and takes a whole message.
        try await connection.send(from: "news@example.org", to: ["ascii@example.org"], message: try Self.message(to: "ascii@example.org"))
        await connection.close()
        #expect(recorder.received.map(\.recipient) == ["ascii@example.org"])
    }

    @Test("An internationalised recipient is sent where the server offers SMTPUTF8")
    func internationalWithSMTPUTF8() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        try await connection.send(from: "news@example.org", to: ["用户@例子.中国"], message: try Self.message())
        await connection.close()
        #expect(recorder.received.map(\.recipient) == ["用户@例子.中国"])
    }

    @Test("A connection dropped after the final dot, with no reply, is reported as handed over (not a bounce)")
    func droppedDuringData() async throws {
        let recorder = try SMTPRecorder.start(["--drop-once"])
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        do {
            try await connection.send(from: "news@example.org", to: ["reader@example.org"], message: try Self.message())
            Issue.record("the dropped connection was not reported")
        } catch let failure as SMTPDeliveryFailure {
            // The server closed after the final "." without a reply: the message was handed over.
            #expect(failure.stage == .afterData, "\(failure)")
            #expect(!failure.isHardBounce)
        }
        #expect(!connection.isUsable)
        await connection.close()
        #expect(recorder.messages.isEmpty)
        #expect(recorder.received.isEmpty)
        // A new connection sends normally.
        let next = try await SMTPConnection.connect(Self.configuration(recorder.port), on: Self.group)
        try await next.send(from: "news@example.org", to: ["reader@example.org"], message: try Self.message())
        await next.close()
        #expect(recorder.received.count == 1)
    }

    @Test("The pool sends 50 messages one after another over a single connection")
    func poolReusesConnection() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        let pool = SMTPPool(configuration: Self.configuration(recorder.port), maximumConnections: 4, group: Self.group)
        for index in 0..<50 {
            let bytes = try Self.message(to: "r\(index)@example.org")
            try await pool.withConnection { try await $0.send(from: "news@example.org", to: ["r\(index)@example.org"], message: bytes) }
        }
        await pool.shutdown()
        #expect(recorder.received.count == 50)
        #expect(Set(recorder.received.map(\.recipient)).count == 50)
        #expect(recorder.connectionCount == 1, "\(recorder.connectionCount) connections for 50 sequential messages")
    }

    /// Counts connections in use at once and the distinct connections seen.
    final class Usage: Sendable {
        private let state = NIOLockedValueBox((inUse: 0, peak: 0, connections: Set<ObjectIdentifier>()))
        func enter(_ connection: SMTPConnection) {
            state.withLockedValue {
                $0.inUse += 1
                $0.peak = max($0.peak, $0.inUse)
                $0.connections.insert(ObjectIdentifier(connection))
            }
        }
        func leave() { state.withLockedValue { $0.inUse -= 1 } }
        var peak: Int { state.withLockedValue { $0.peak } }
        var distinct: Int { state.withLockedValue { $0.connections.count } }
    }

    @Test("Under concurrent use the pool never opens more than maximumConnections")
    func poolLimit() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        let pool = SMTPPool(configuration: Self.configuration(recorder.port), maximumConnections: 3, group: Self.group)
        let usage = Usage()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<30 {
                let bytes = try Self.message(to: "c\(index)@example.org")
                group.addTask {
                    try await pool.withConnection { connection in
                        usage.enter(connection)
                        defer { usage.leave() }
                        try await connection.send(from: "news@example.org", to: ["c\(index)@example.org"], message: bytes)
                    }
                }
            }
            try await group.waitForAll()
        }
        await pool.shutdown()
        #expect(recorder.received.count == 30)
        #expect(usage.peak <= 3, "\(usage.peak) connections in use at once")
        #expect(usage.peak >= 2, "the test never used the pool concurrently")
        #expect(usage.distinct <= 3)
        #expect(recorder.connectionCount <= 3, "the server saw \(recorder.connectionCount) connections")
    }

    @Test("500 messages over a pool of 4 connections to smtp-sink all succeed")
    func manyMessagesToSink() async throws {
        let sink = try SMTPSink.start(backlog: 100)
        defer { sink.stop() }
        let pool = SMTPPool(configuration: Self.configuration(sink.port), maximumConnections: 4, group: Self.group)
        let usage = Usage()
        let bytes = try Self.message()
        let sent = NIOLockedValueBox(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                group.addTask {
                    for index in stride(from: worker, to: 500, by: 8) {
                        try await pool.withConnection { connection in
                            usage.enter(connection)
                            defer { usage.leave() }
                            try await connection.send(from: "news@example.org", to: ["s\(index)@example.org"], message: bytes)
                        }
                        sent.withLockedValue { $0 += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
        await pool.shutdown()
        #expect(sent.withLockedValue { $0 } == 500)
        #expect(usage.distinct <= 4, "\(usage.distinct) connections")
        #expect(usage.peak <= 4)
    }

    @Test("AUTH PLAIN with the right password lets a message through; a wrong password is a permanent 535")
    func authentication() async throws {
        let recorder = try SMTPRecorder.start(["--auth", "mailer:s3cret pass"])
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(
            Self.configuration(recorder.port, username: "mailer", password: "s3cret pass"), on: Self.group)
        try await connection.send(from: "news@example.org", to: ["reader@example.org"], message: try Self.message())
        await connection.close()
        #expect(recorder.received.count == 1)
        let mechanisms = (try? String(contentsOf: recorder.directory.appendingPathComponent("auth.log"), encoding: .utf8)) ?? ""
        #expect(mechanisms.split(separator: "\n") == ["PLAIN"], "the server offers PLAIN and LOGIN; PLAIN is preferred")
        do {
            let wrong = try await SMTPConnection.connect(
                Self.configuration(recorder.port, username: "mailer", password: "wrong"), on: Self.group)
            await wrong.close()
            Issue.record("a wrong password was accepted")
        } catch let error as SMTPError {
            guard case .permanent(let code, _) = error else {
                Issue.record("expected .permanent(535), got \(error)")
                return
            }
            #expect(code == 535)
        }
        #expect(recorder.received.count == 1)
    }
}
