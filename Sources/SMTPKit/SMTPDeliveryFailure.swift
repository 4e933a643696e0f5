/// A failed `SMTPConnection.send`, with the step it failed at, which decides whose failure it is:
/// the server's (it refused the sender or the connection broke before the message was handed
/// over: try again later, nobody's address is at fault), the recipient's (a reply to its RCPT, its
/// DATA or the end of its message: 5xx is a hard bounce, 4xx a retry), the message's own (it
/// cannot be sent as it is), or none at all once the message was handed over and only the final
/// reply was lost.
public struct SMTPDeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Stage: Sendable, Equatable {
        /// Connection, greeting, EHLO, TLS, AUTH or MAIL FROM: the server's state.
        case server
        /// The reply to the recipient's RCPT, to DATA or to the end of the message.
        case recipient
        /// The message or an address cannot be sent as it is (syntax, size, SMTPUTF8).
        case message
        /// The whole message was handed to the server; its final reply never came.
        case afterData
    }

    public let stage: Stage
    public let error: SMTPError

    public init(stage: Stage, error: SMTPError) {
        self.stage = stage
        self.error = error
    }

    /// Only the server's own 5xx about this recipient or its message makes it a hard bounce.
    public var isHardBounce: Bool {
        guard stage == .recipient, case .permanent = error else { return false }
        return true
    }

    /// A server-level refusal that waiting will not cure (535 at AUTH, a 5xx greeting or MAIL FROM).
    public var isPermanentServerRefusal: Bool {
        guard stage == .server else { return false }
        switch error {
        case .permanent, .tlsUnavailable, .authenticationUnavailable, .abandoned: return true
        default: return false
        }
    }

    public var description: String { error.description }
}
