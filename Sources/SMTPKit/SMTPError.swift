/// Why a message did not go: temporary (4xx, try again later), permanent (5xx, a hard bounce),
/// or the connection itself.
public enum SMTPError: Error, Sendable, Equatable, CustomStringConvertible {
    case transient(code: Int, message: String)
    case permanent(code: Int, message: String)
    case connectionClosed
    case timeout(step: String)
    case tlsUnavailable
    case authenticationUnavailable
    case messageTooLarge(size: Int, limit: Int)
    case internationalAddressNotSupported(String)
    case invalidAddress(String)
    case protocolViolation(String)
    /// The client stopped before the final "." (it could not record the delivery), so the server
    /// discards the message.
    case abandoned(String)

    public var description: String {
        switch self {
        case .transient(let code, let message): return "temporary failure \(code): \(message)"
        case .permanent(let code, let message): return "permanent failure \(code): \(message)"
        case .connectionClosed: return "the server closed the connection"
        case .timeout(let step): return "no answer from the server in time (\(step))"
        case .tlsUnavailable: return "the server does not offer STARTTLS"
        case .authenticationUnavailable: return "the server offers neither AUTH PLAIN nor AUTH LOGIN"
        case .messageTooLarge(let size, let limit): return "message of \(size) bytes exceeds the server's limit of \(limit)"
        case .internationalAddressNotSupported(let address): return "\(address) needs SMTPUTF8, which the server does not offer"
        case .invalidAddress(let address): return "not a valid address: \(address)"
        case .protocolViolation(let detail): return "unexpected answer: \(detail)"
        case .abandoned(let reason): return "message abandoned before its end: \(reason)"
        }
    }

    /// Worth trying again later (on this or a new connection).
    public var isTransient: Bool {
        switch self {
        case .transient, .connectionClosed, .timeout: return true
        default: return false
        }
    }

    /// The connection can no longer be used.
    var breaksConnection: Bool {
        switch self {
        case .connectionClosed, .timeout, .protocolViolation, .abandoned: return true
        default: return false
        }
    }
}
