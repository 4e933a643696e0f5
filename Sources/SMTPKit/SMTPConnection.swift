import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL

/// One session with an SMTP server: greeting, EHLO, STARTTLS, AUTH, then any number of messages.
public final class SMTPConnection: @unchecked Sendable {
    public let configuration: SMTPConfiguration
    public private(set) var extensions: [String: String] = [:]
    private let channel: any Channel
    private let responses: SMTPResponseHandler
    private var broken = false

    private init(configuration: SMTPConfiguration, channel: any Channel, responses: SMTPResponseHandler) {
        self.configuration = configuration
        self.channel = channel
        self.responses = responses
    }

    public var isUsable: Bool { !broken && channel.isActive }
    public var supportsPipelining: Bool { extensions["PIPELINING"] != nil }
    public var supportsSMTPUTF8: Bool { extensions["SMTPUTF8"] != nil }
    public var sizeLimit: Int? { extensions["SIZE"].flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil } }

    public static func connect(_ configuration: SMTPConfiguration, on group: any EventLoopGroup) async throws -> SMTPConnection {
        let eventLoop = group.next()
        let responses = SMTPResponseHandler(eventLoop: eventLoop)
        let tls = configuration.security == .implicitTLS ? try Self.tlsContext(configuration) : nil
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            NIOSSLClientHandler(context: tls, serverHostname: configuration.host))
                    }
                    try channel.pipeline.syncOperations.addHandler(responses)
                }
            }
            .connect(host: configuration.host, port: configuration.port).get()
        let connection = SMTPConnection(configuration: configuration, channel: channel, responses: responses)
        do {
            try await connection.read(timeout: configuration.connectTimeout, step: "greeting").requireCode(220)
            try await connection.hello()
            if configuration.security == .startTLSIfOffered, connection.extensions["STARTTLS"] != nil {
                try await connection.startTLS()
            }
            if configuration.username != nil { try await connection.authenticate() }
        } catch {
            await connection.close()
            throw error
        }
        return connection
    }

    private static func tlsContext(_ configuration: SMTPConfiguration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        if configuration.insecureSkipVerify { tls.certificateVerification = .none }
        return try NIOSSLContext(configuration: tls)
    }

    // MARK: session

    private func hello() async throws {
        let response = try await command("EHLO \(configuration.heloName)", step: "EHLO")
        try response.requireCode(250)
        var found: [String: String] = [:]
        for line in response.lines.dropFirst() {
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            guard let keyword = parts.first?.uppercased() else { continue }
            found[keyword] = parts.count > 1 ? parts[1] : ""
        }
        extensions = found
    }

    private func startTLS() async throws {
        try await command("STARTTLS", step: "STARTTLS").requireCode(220)
        let context = try Self.tlsContext(configuration)
        let host = configuration.host
        try await channel.eventLoop.submit {
            try self.channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: host), position: .first)
        }.get()
        // The session starts over on the encrypted channel (RFC 3207).
        try await hello()
    }

    private func authenticate() async throws {
        let user = configuration.username ?? ""
        let password = configuration.password ?? ""
        let mechanisms = Set((extensions["AUTH"] ?? "").uppercased().split(separator: " ").map(String.init))
        if mechanisms.contains("PLAIN") {
            let token = Data("\0\(user)\0\(password)".utf8).base64EncodedString()
            try await command("AUTH PLAIN \(token)", step: "AUTH PLAIN", redacted: "AUTH PLAIN ***").requireCode(235)
        } else if mechanisms.contains("LOGIN") {
            try await command("AUTH LOGIN", step: "AUTH LOGIN").requireCode(334)
            try await command(Data(user.utf8).base64EncodedString(), step: "AUTH LOGIN user").requireCode(334)
            try await command(Data(password.utf8).base64EncodedString(), step: "AUTH LOGIN password", redacted: "***").requireCode(235)
        } else {
            throw SMTPError.authenticationUnavailable
        }
    }

    // MARK: messages

    /// Sends one message. `dataWritten` runs once the whole message but its terminating "." has
    /// been handed to the operating system; when it returns false (the caller could not record
    /// it) the "." is never sent and the connection is closed, so the server discards the message.
    /// A failure says at which step it happened (`SMTPDeliveryFailure.Stage`).
    public func send(
        from sender: String, to recipients: [String], message: [UInt8], requiresSMTPUTF8: Bool = false,
        dataWritten: @escaping @Sendable () -> Bool = { true }
    ) async throws {
        guard isUsable else { throw SMTPDeliveryFailure(stage: .server, error: .connectionClosed) }
        for address in [sender] + recipients where !MailAddress.isValidEnvelopeAddress(address) {
            throw SMTPDeliveryFailure(stage: .message, error: .invalidAddress(address))
        }
        let international = requiresSMTPUTF8 || ([sender] + recipients).contains { !$0.allSatisfy(\.isASCII) }
        if international, !supportsSMTPUTF8 {
            let address = ([sender] + recipients).first { !$0.allSatisfy(\.isASCII) } ?? sender
            throw SMTPDeliveryFailure(stage: .message, error: .internationalAddressNotSupported(address))
        }
        let payload = Self.stuffedBody(message)
        if let limit = sizeLimit, message.count > limit {
            throw SMTPDeliveryFailure(stage: .message, error: .messageTooLarge(size: message.count, limit: limit))
        }
        var mailFrom = "MAIL FROM:<\(sender)>"
        if sizeLimit != nil || extensions["SIZE"] != nil { mailFrom += " SIZE=\(message.count)" }
        if international { mailFrom += " SMTPUTF8" }
        if extensions["8BITMIME"] != nil, !message.allSatisfy({ $0 < 128 }) { mailFrom += " BODY=8BITMIME" }
        let envelope = [mailFrom] + recipients.map { "RCPT TO:<\($0)>" } + ["DATA"]
        let handedOver = NIOLockedValueBox(false)
        let written: @Sendable () -> Bool = {
            guard dataWritten() else { return false }
            handedOver.withLockedValue { $0 = true }
            return true
        }
        do {
            if supportsPipelining {
                try await pipelinedTransaction(envelope: envelope, payload: payload, dataWritten: written).get()
            } else {
                var replies: [SMTPResponse] = []
                for line in envelope {
                    let reply = try await command(line, step: line)
                    replies.append(reply)
                    if !reply.isPositive { break }
                }
                try Self.checkEnvelope(replies, count: envelope.count)
                try await channel.eventLoop.flatSubmit { self.writeData(payload, dataWritten: written) }.get()
                try await read(timeout: configuration.dataTimeout, step: "end of data").requireCode(250)
            }
        } catch let failure as SMTPDeliveryFailure {
            if failure.error.breaksConnection { broken = true } else { try? await reset() }
            throw failure
        } catch let error as SMTPError {
            let isReply: Bool
            switch error {
            case .transient, .permanent: isReply = true
            default: isReply = false
            }
            if error.breaksConnection || !isReply { broken = true } else { try? await reset() }
            let wasHandedOver = handedOver.withLockedValue { $0 }
            throw SMTPDeliveryFailure(stage: wasHandedOver ? (isReply ? .recipient : .afterData) : .server, error: error)
        } catch {
            broken = true
            let wasHandedOver = handedOver.withLockedValue { $0 }
            throw SMTPDeliveryFailure(stage: wasHandedOver ? .afterData : .server, error: .connectionClosed)
        }
    }

    /// The whole transaction as one chain on the event loop: the envelope in one write, its
    /// replies, the message and the final reply, with no thread hop between the steps.
    private func pipelinedTransaction(envelope: [String], payload: [UInt8], dataWritten: @escaping @Sendable () -> Bool)
        -> EventLoopFuture<Void>
    {
        let loop = channel.eventLoop
        let commandTimeout = configuration.commandTimeout
        let dataTimeout = configuration.dataTimeout
        return loop.flatSubmit {
            self.channel.writeAndFlush(ByteBuffer(string: envelope.map { $0 + "\r\n" }.joined()), promise: nil)
            return self.responses.next(count: envelope.count, timeout: commandTimeout, steps: envelope)
                .flatMapThrowing { replies in try Self.checkEnvelope(replies, count: envelope.count) }
                .flatMap { self.writeData(payload, dataWritten: dataWritten) }
                .flatMap { self.responses.next(timeout: dataTimeout, step: "end of data") }
                .flatMapThrowing { try $0.requireCode(250) }
        }
    }

    /// Every envelope reply, in order, must be positive before the message is sent. A refused
    /// MAIL FROM is the server's refusal; a refused RCPT or DATA is about this recipient.
    private static func checkEnvelope(_ replies: [SMTPResponse], count: Int) throws {
        do {
            for (index, reply) in replies.enumerated() {
                switch index {
                case 0:
                    do { try reply.requireCode(250) } catch { throw SMTPDeliveryFailure(stage: .server, error: error) }
                case count - 1: try reply.requireCode(354)
                default: try reply.requireCode(250, 251)
                }
            }
        } catch let error as SMTPError {
            throw SMTPDeliveryFailure(stage: .recipient, error: error)
        }
        guard replies.count == count else { throw SMTPDeliveryFailure(stage: .server, error: .protocolViolation("missing reply")) }
    }

    /// Runs on the event loop. The message goes first, then — with nothing in between — the
    /// journal callback and the terminating ".": a crash can fall only between those two.
    private func writeData(_ payload: [UInt8], dataWritten: @escaping @Sendable () -> Bool) -> EventLoopFuture<Void> {
        let written = channel.writeAndFlush(ByteBuffer(bytes: payload))
        return written.flatMapThrowing {
            guard dataWritten() else {
                self.channel.close(promise: nil)
                throw SMTPError.abandoned("the delivery could not be recorded")
            }
            self.channel.writeAndFlush(ByteBuffer(string: ".\r\n"), promise: nil)
        }
    }

    /// Abandons a failed transaction so the connection can carry the next message.
    private func reset() async throws {
        do {
            try await command("RSET", step: "RSET").requireCode(250)
        } catch {
            broken = true
        }
    }

    public func close() async {
        if channel.isActive, !broken {
            try? await write("QUIT\r\n")
            _ = try? await read(timeout: .seconds(2), step: "QUIT")
        }
        broken = true
        try? await channel.close()
    }

    // MARK: wire

    private func command(_ line: String, step: String, redacted: String? = nil) async throws -> SMTPResponse {
        guard !line.contains("\r"), !line.contains("\n") else { throw SMTPError.protocolViolation("line break in command") }
        try await write(line + "\r\n")
        return try await read(timeout: configuration.commandTimeout, step: step)
    }

    private func write(_ text: String) async throws {
        do {
            try await channel.writeAndFlush(ByteBuffer(string: text)).get()
        } catch {
            broken = true
            throw SMTPError.connectionClosed
        }
    }

    private func read(timeout: TimeAmount, step: String) async throws -> SMTPResponse {
        do {
            return try await responses.next(timeout: timeout, step: step).get()
        } catch let error as SMTPError {
            broken = true
            throw error
        }
    }

    /// CRLF line ends, a dot doubled at the start of a line, and the terminating ".".
    static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        stuffedBody(message) + Array(".\r\n".utf8)
    }

    /// The message with CRLF line ends, a final line end and dots doubled at line starts: the
    /// message itself, uncopied, when it needs none of that (as rendered messages do not).
    static func stuffedBody(_ message: [UInt8]) -> [UInt8] {
        var clean = message.first != UInt8(ascii: ".") && message.count >= 2 && message[message.count - 2] == 13 && message.last == 10
        if clean {
            message.withUnsafeBufferPointer { bytes in
                for index in 1..<bytes.count where bytes[index] == 10 || bytes[index] == UInt8(ascii: ".") {
                    if bytes[index] == 10, bytes[index - 1] != 13 {
                        clean = false
                        break
                    }
                    if bytes[index] == UInt8(ascii: "."), bytes[index - 1] == 10 {
                        clean = false
                        break
                    }
                }
            }
        }
        if clean { return message }
        var out: [UInt8] = []
        out.reserveCapacity(message.count + 64)
        var atLineStart = true
        var previous: UInt8 = 0
        for byte in message {
            if byte == UInt8(ascii: "\n"), previous != UInt8(ascii: "\r") { out.append(UInt8(ascii: "\r")) }
            if atLineStart, byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(byte)
            atLineStart = byte == UInt8(ascii: "\n")
            previous = byte
        }
        if !atLineStart { out += [13, 10] }
        return out
    }
}
