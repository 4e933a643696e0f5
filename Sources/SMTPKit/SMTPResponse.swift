import NIOConcurrencyHelpers
import NIOCore

/// One reply of the server: a three-digit code and its text lines.
public struct SMTPResponse: Sendable, Equatable {
    public let code: Int
    public let lines: [String]

    public var message: String { lines.joined(separator: " ") }
    public var isPositive: Bool { (200..<400).contains(code) }

    func requireCode(_ expected: Int...) throws(SMTPError) {
        guard !expected.contains(code) else { return }
        switch code {
        case 400..<500: throw .transient(code: code, message: message)
        case 500..<600: throw .permanent(code: code, message: message)
        default: throw .protocolViolation("\(code) \(message)")
        }
    }
}

/// Splits the server's bytes into replies (multi-line replies joined) and hands them, in order,
/// to whoever waits. Every method runs on the channel's event loop.
final class SMTPResponseHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let eventLoop: any EventLoop
    private var buffer = ByteBuffer()
    private var pendingLines: [String] = []
    private var ready: [SMTPResponse] = []
    private var waiting: EventLoopPromise<SMTPResponse>?
    private var failure: SMTPError?

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - buffer.readerIndex + 1
            guard var bytes = buffer.readBytes(length: length) else { break }
            // The line end is removed as bytes: in Swift "\r\n" is one Character.
            bytes.removeLast()
            if bytes.last == 13 { bytes.removeLast() }
            let line = String(decoding: bytes, as: UTF8.self)
            guard line.count >= 3, let code = Int(line.prefix(3)) else {
                fail(.protocolViolation(line))
                return
            }
            let separator = line.count > 3 ? line[line.index(line.startIndex, offsetBy: 3)] : " "
            pendingLines.append(line.count > 4 ? String(line.dropFirst(4)) : "")
            if separator != "-" {
                deliver(SMTPResponse(code: code, lines: pendingLines))
                pendingLines = []
            }
        }
        buffer.discardReadBytes()
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(.connectionClosed)
        context.close(promise: nil)
    }

    private func deliver(_ response: SMTPResponse) {
        if let waiting {
            self.waiting = nil
            waiting.succeed(response)
        } else {
            ready.append(response)
        }
    }

    private func fail(_ error: SMTPError) {
        if failure == nil { failure = error }
        if let waiting {
            self.waiting = nil
            waiting.fail(error)
        }
    }

    /// The next reply, or a timeout naming the step that waited.
    func next(timeout: TimeAmount, step: String) -> EventLoopFuture<SMTPResponse> {
        if eventLoop.inEventLoop { return nextOnLoop(timeout: timeout, step: step) }
        return eventLoop.flatSubmit { self.nextOnLoop(timeout: timeout, step: step) }
    }

    /// The next `count` replies, to pipelined commands named by `steps`.
    func next(count: Int, timeout: TimeAmount, steps: [String]) -> EventLoopFuture<[SMTPResponse]> {
        @Sendable func collect(_ replies: [SMTPResponse]) -> EventLoopFuture<[SMTPResponse]> {
            guard replies.count < count else { return eventLoop.makeSucceededFuture(replies) }
            let step = replies.count < steps.count ? steps[replies.count] : "reply"
            return next(timeout: timeout, step: step).flatMap { collect(replies + [$0]) }
        }
        return collect([])
    }

    private func nextOnLoop(timeout: TimeAmount, step: String) -> EventLoopFuture<SMTPResponse> {
        if !ready.isEmpty { return eventLoop.makeSucceededFuture(ready.removeFirst()) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        let promise = eventLoop.makePromise(of: SMTPResponse.self)
        waiting = promise
        let timer = eventLoop.scheduleTask(in: timeout) {
            if let waiting = self.waiting, waiting.futureResult === promise.futureResult {
                self.waiting = nil
                self.failure = .timeout(step: step)
                promise.fail(SMTPError.timeout(step: step))
            }
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise.futureResult
    }
}
