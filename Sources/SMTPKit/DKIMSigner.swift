import Crypto
import CryptoExtras
import Foundation

/// DKIM signatures (RFC 6376) with relaxed/relaxed canonicalization, by RSA-SHA256 or by
/// Ed25519-SHA256 (RFC 8463).
public struct DKIMSigner: Sendable {
    public enum Key: Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)

        var algorithm: String {
            switch self {
            case .rsa: return "rsa-sha256"
            case .ed25519: return "ed25519-sha256"
            }
        }
    }

    public let domain: String
    public let selector: String
    public let key: Key
    /// The headers signed when present, in order.
    public var signedHeaders = [
        "from", "to", "subject", "date", "message-id", "mime-version", "content-type", "list-id", "list-unsubscribe",
        "list-unsubscribe-post",
    ]

    /// Listed once more than they occur (RFC 6376 §5.4.2): a From, Subject or List-* header added
    /// to the message after signing then breaks the signature instead of passing unsigned.
    public var overSignedHeaders = ["from", "subject", "list-id", "list-unsubscribe", "list-unsubscribe-post"]

    public init(domain: String, selector: String, key: Key) {
        self.domain = domain
        self.selector = selector
        self.key = key
    }

    /// Reads a PEM key: an RSA key ("RSA PRIVATE KEY" or PKCS #8 "PRIVATE KEY"), or an Ed25519
    /// key in PKCS #8.
    public static func key(pem: String) throws -> Key {
        if let ed25519 = ed25519(pem: pem) { return .ed25519(ed25519) }
        return .rsa(try _RSA.Signing.PrivateKey(unsafePEMRepresentation: pem))
    }

    private static func ed25519(pem: String) -> Curve25519.Signing.PrivateKey? {
        let body = pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        guard pem.contains("BEGIN PRIVATE KEY"), let der = Data(base64Encoded: body) else { return nil }
        // PKCS #8 wrapping of an Ed25519 key: a fixed 16-byte prefix, then the 32-byte seed.
        let prefix: [UInt8] = [0x30, 0x2E, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]
        guard der.count == 48, Array(der.prefix(16)) == prefix else { return nil }
        return try? Curve25519.Signing.PrivateKey(rawRepresentation: der.suffix(32))
    }

    /// The message with a DKIM-Signature header added at the top.
    public func sign(_ message: [UInt8], timestamp: Date = Date()) throws -> [UInt8] {
        let (headerLines, body) = Self.split(message)
        let bodyHash = Data(SHA256.hash(data: Self.relaxedBody(body))).base64EncodedString()
        var present: [String] = []
        var canonical = ""
        for name in signedHeaders {
            if let header = headerLines.last(where: { $0.name.lowercased() == name }) {
                present.append(name)
                canonical += Self.relaxedHeader(name: header.name, value: header.value) + "\r\n"
            }
        }
        // A name listed beyond the headers present stands for no header and adds nothing to the hash.
        present += overSignedHeaders
        let tags =
            "v=1; a=\(key.algorithm); c=relaxed/relaxed; d=\(domain); s=\(selector); t=\(Int(timestamp.timeIntervalSince1970)); "
            + "h=\(present.joined(separator: ":")); bh=\(bodyHash); b="
        // The header is folded before signing, so what is signed is exactly what is sent.
        let folded = Self.fold(tags)
        canonical += Self.relaxedHeader(name: "DKIM-Signature", value: " " + folded)
        let signature: Data
        switch key {
        case .rsa(let rsa):
            signature = try rsa.signature(for: Data(canonical.utf8), padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let ed25519):
            signature = try ed25519.signature(for: Data(SHA256.hash(data: Data(canonical.utf8))))
        }
        let encoded = signature.base64EncodedString()
        var chunks: [String] = []
        var rest = Substring(encoded)
        while !rest.isEmpty {
            chunks.append(String(rest.prefix(72)))
            rest = rest.dropFirst(72)
        }
        let header = "DKIM-Signature: " + folded + chunks.joined(separator: "\r\n\t") + "\r\n"
        return Array(header.utf8) + message
    }

    /// The DNS TXT record value that publishes the public key.
    public var dnsRecord: String {
        switch key {
        case .rsa(let rsa): return "v=DKIM1; k=rsa; p=" + rsa.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let ed25519): return "v=DKIM1; k=ed25519; p=" + ed25519.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    // MARK: canonicalization

    struct Header {
        let name: String
        let value: String
    }

    static func split(_ message: [UInt8]) -> ([Header], [UInt8]) {
        var end = 0
        while end + 3 < message.count {
            if message[end] == 13, message[end + 1] == 10, message[end + 2] == 13, message[end + 3] == 10 { break }
            end += 1
        }
        let headerText = String(decoding: message[0..<min(end, message.count)], as: UTF8.self)
        let body = end + 4 <= message.count ? Array(message[(end + 4)...]) : []
        var headers: [Header] = []
        for line in headerText.components(separatedBy: "\r\n") {
            if let first = line.first, first == " " || first == "\t", let last = headers.popLast() {
                headers.append(Header(name: last.name, value: last.value + "\r\n" + line))
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(Header(name: String(line[..<colon]), value: String(line[line.index(after: colon)...])))
            }
        }
        return (headers, body)
    }

    /// Lowercase name; value unfolded, runs of whitespace made one space, trimmed.
    static func relaxedHeader(name: String, value: String) -> String {
        let unfolded = value.replacingOccurrences(of: "\r\n", with: "")
        var collapsed = ""
        var lastWasSpace = false
        for character in unfolded {
            if character == " " || character == "\t" {
                if !lastWasSpace { collapsed.append(" ") }
                lastWasSpace = true
            } else {
                collapsed.append(character)
                lastWasSpace = false
            }
        }
        return name.lowercased().trimmingCharacters(in: .whitespaces) + ":" + collapsed.trimmingCharacters(in: .whitespaces)
    }

    /// Whitespace runs made one space, trailing whitespace and trailing empty lines removed.
    static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < body.count {
            if body[index] == 13, index + 1 < body.count, body[index + 1] == 10 {
                lines.append(current)
                current = []
                index += 2
                continue
            }
            current.append(body[index])
            index += 1
        }
        if !current.isEmpty { lines.append(current) }
        var out: [UInt8] = []
        let canonical = lines.map { line -> [UInt8] in
            var result: [UInt8] = []
            var space = false
            for byte in line {
                if byte == 32 || byte == 9 {
                    space = true
                } else {
                    if space { result.append(32) }
                    space = false
                    result.append(byte)
                }
            }
            return result
        }
        var last = canonical.count
        while last > 0, canonical[last - 1].isEmpty { last -= 1 }
        for line in canonical[0..<last] { out += line + [13, 10] }
        return out
    }

    /// One tag per line where a line would grow past 76 characters; tags are never split, and the
    /// value ends with "b=" so the signature can follow on lines of its own.
    static func fold(_ tags: String) -> String {
        let parts = tags.components(separatedBy: "; ")
        var out = ""
        var lineLength = 16
        for (index, part) in parts.enumerated() {
            let piece = part + (index < parts.count - 1 ? ";" : "")
            if index > 0 {
                if lineLength + piece.count + 1 > 76 {
                    out += "\r\n\t"
                    lineLength = 1
                } else {
                    out += " "
                    lineLength += 1
                }
            }
            out += piece
            lineLength += piece.count
        }
        return out + "\r\n\t"
    }
}
