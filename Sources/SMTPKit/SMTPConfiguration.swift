import Foundation
import NIOCore

/// Where and how to reach an SMTP server: `smtp://` (with STARTTLS when offered) or `smtps://`
/// (TLS from the first byte), optional credentials.
public struct SMTPConfiguration: Sendable, Equatable {
    public enum Security: Sendable, Equatable {
        /// Plain connection; STARTTLS is used when the server offers it, unless `requireTLS` is false.
        case startTLSIfOffered
        /// TLS from the first byte (`smtps://`).
        case implicitTLS
        /// Never encrypt (loopback test servers).
        case none
    }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var heloName: String
    public var connectTimeout: TimeAmount
    public var commandTimeout: TimeAmount
    /// Waiting for the server's answer to the end of a message may take longer (content scanning).
    public var dataTimeout: TimeAmount
    /// Accept certificates that do not verify (self-signed test servers only).
    public var insecureSkipVerify: Bool

    public init(
        host: String, port: Int, security: Security = .startTLSIfOffered, username: String? = nil, password: String? = nil,
        heloName: String = "localhost", connectTimeout: TimeAmount = .seconds(10), commandTimeout: TimeAmount = .seconds(30),
        dataTimeout: TimeAmount = .seconds(120), insecureSkipVerify: Bool = false
    ) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.dataTimeout = dataTimeout
        self.insecureSkipVerify = insecureSkipVerify
    }

    /// `smtp://user:password@host:port` or `smtps://…`; `?starttls=never` turns STARTTLS off and
    /// `?verify=false` accepts unverified certificates. Returns nil with a reason when malformed.
    public static func parse(_ text: String) -> Result<SMTPConfiguration, SMTPConfigurationError> {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(), ["smtp", "smtps"].contains(scheme),
            let host = url.host, !host.isEmpty
        else { return .failure(SMTPConfigurationError(reason: "expected smtp://[user:password@]host[:port] or smtps://…")) }
        let implicit = scheme == "smtps"
        var config = SMTPConfiguration(
            host: host, port: url.port ?? (implicit ? 465 : 25), security: implicit ? .implicitTLS : .startTLSIfOffered)
        config.username = url.user?.removingPercentEncoding
        config.password = url.password?.removingPercentEncoding
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("starttls", "never"): config.security = implicit ? .implicitTLS : .none
            case ("verify", "false"): config.insecureSkipVerify = true
            case ("helo", let value?): config.heloName = value
            default: return .failure(SMTPConfigurationError(reason: "unknown option \(item.name)"))
            }
        }
        guard (1...65_535).contains(config.port) else { return .failure(SMTPConfigurationError(reason: "port out of range")) }
        return .success(config)
    }
}

public struct SMTPConfigurationError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
