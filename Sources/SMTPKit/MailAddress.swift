import Foundation

/// An address with an optional display name; the address is checked, the name may not carry
/// line breaks (that would let it add headers).
public struct MailAddress: Sendable, Equatable {
    public let name: String
    public let address: String

    public init(_ address: String, name: String = "") throws(MailError) {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        guard MailAddress.isValidEnvelopeAddress(trimmed) else { throw .invalidAddress(address) }
        guard !MIME.hasLineBreak(name), !name.unicodeScalars.contains("\0") else { throw .headerInjection("name") }
        self.address = trimmed
        self.name = name
    }

    public var isInternational: Bool { !address.allSatisfy(\.isASCII) }

    /// A single mailbox: local part and domain, no spaces, brackets, quotes or line breaks, within
    /// RFC 5321's lengths. Non-ASCII characters are allowed (they need SMTPUTF8 to send).
    public static func isValidEnvelopeAddress(_ address: String) -> Bool {
        guard address.utf8.count <= 254, let at = address.lastIndex(of: "@") else { return false }
        let local = address[..<at]
        let domain = address[address.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.contains("."), !domain.hasPrefix("."), !domain.hasSuffix("."),
            !domain.contains(".."), !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..")
        else { return false }
        let forbidden: Set<Character> = [" ", "\t", "\r", "\n", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\"", "@", "\0"]
        return !local.contains(where: forbidden.contains) && !domain.contains(where: forbidden.contains)
            && domain.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." }
    }

    /// The header form: `"Name" <address>`, the name as an encoded word when not plain ASCII.
    func headerValue() -> String {
        guard !name.isEmpty else { return address }
        return MIME.encodedPhrase(name) + " <" + address + ">"
    }
}

public enum MailError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidAddress(String)
    case headerInjection(String)

    public var description: String {
        switch self {
        case .invalidAddress(let address): return "not a valid e-mail address: \(address)"
        case .headerInjection(let field): return "a line break in \(field) could add mail headers"
        }
    }
}
