import Vapor

extension Request {
    /// The client's IP address. Behind a trusted proxy (FOCAL_TRUSTED_PROXIES, loopback by
    /// default) it is read from X-Forwarded-For, right to left, skipping the trusted proxies: the
    /// left part of that header is whatever the client wrote, only the part the proxies added is
    /// true.
    var clientAddress: String {
        let peer = remoteAddress?.ipAddress ?? ""
        let trusted = (try? application.focalConfig.trustedProxies) ?? []
        guard ClientAddress.isTrusted(peer, trusted) else { return peer }
        let forwarded = headers[.xForwardedFor].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for address in forwarded.reversed() where !address.isEmpty {
            if !ClientAddress.isTrusted(address, trusted) { return address }
        }
        return forwarded.first ?? peer
    }
}

enum ClientAddress {
    static let loopback = ["127.0.0.1", "::1"]

    static func isTrusted(_ address: String, _ trusted: [String]) -> Bool {
        let plain = address.hasPrefix("::ffff:") ? String(address.dropFirst(7)) : address
        return trusted.contains(plain)
    }
}
