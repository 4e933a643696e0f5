import Crypto
import Foundation
import Vapor

/// Links in e-mails and invitations carry a signed, expiring token instead of a password:
/// `payload.signature`, both base64url, the signature an HMAC-SHA256 with the site secret.
enum SignedToken {
    enum Failure: Error, Equatable {
        case malformed
        case forged
        case expired
    }

    static func make(purpose: String, subject: UUID, expires: Date, secret: [UInt8]) -> String {
        let payload = Data("\(purpose)|\(subject.uuidString)|\(Int(expires.timeIntervalSince1970))".utf8)
        return payload.base64URLEncodedString() + "." + signature(payload, secret).base64URLEncodedString()
    }

    static func verify(_ token: String, purpose: String, secret: [UInt8], now: Date = Date()) throws(Failure) -> UUID {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Data(base64URL: String(parts[0])), let sent = Data(base64URL: String(parts[1])) else {
            throw .malformed
        }
        guard HMAC<SHA256>.isValidAuthenticationCode(sent, authenticating: payload, using: SymmetricKey(data: secret)) else {
            throw .forged
        }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|").map(String.init)
        guard fields.count == 3, fields[0] == purpose, let subject = UUID(uuidString: fields[1]), let expiry = Int(fields[2]) else {
            throw .malformed
        }
        guard now.timeIntervalSince1970 < Double(expiry) else { throw .expired }
        return subject
    }

    private static func signature(_ payload: Data, _ secret: [UInt8]) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: payload, using: SymmetricKey(data: secret)))
    }
}

extension Data {
    init?(base64URL text: String) {
        var bytes = Array(text.utf8).map { $0 == UInt8(ascii: "-") ? UInt8(ascii: "+") : $0 == UInt8(ascii: "_") ? UInt8(ascii: "/") : $0 }
        bytes += Array(repeating: UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4)
        self.init(base64Encoded: Data(bytes))
    }
}
