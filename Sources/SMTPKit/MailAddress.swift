import Foundation

/// An address with an optional display name; the address is checked, the name may not carry
/// line breaks (that would let it add headers).
public struct MailAddress: Sendable, Equatable {
    public let name: String
    public let address: String

    public init(_ address: String, name: String = "") throws(MailError) {
        let trimmed = MailAddress.trimmingBlanks(address)
        guard MailAddress.isValidEnvelopeAddress(trimmed) else { throw .invalidAddress(address) }
        guard !MIME.hasLineBreak(name), !name.unicodeScalars.contains("\0") else { throw .headerInjection("name") }
        self.address = trimmed
        self.name = name
    }

    public var isInternational: Bool { !address.allSatisfy(\.isASCII) }

    /// A single mailbox: local part and domain, no spaces, brackets, quotes or line breaks, within
    /// RFC 5321's lengths. Non-ASCII characters are allowed (they need SMTPUTF8 to send).
    public static func isValidEnvelopeAddress(_ address: String) -> Bool {
        guard hasValidDomainLabels(address) else { return false }
        if let ascii = isValidASCIIAddress(address) { return ascii }
        // Read by Unicode scalars, not characters: a combining mark after `@`, `<` or a space
        // makes one character of them, and must not hide them.
        let scalars = Array(address.unicodeScalars)
        guard address.utf8.count <= 254, let at = scalars.lastIndex(of: "@") else { return false }
        let local = scalars[..<at]
        let domain = scalars[(at + 1)...]
        func doubleDot(_ part: ArraySlice<Unicode.Scalar>) -> Bool { zip(part, part.dropFirst()).contains { $0 == "." && $1 == "." } }
        guard !local.isEmpty, String(String.UnicodeScalarView(local)).utf8.count <= 64, !domain.isEmpty, domain.contains("."),
            domain.first != ".", domain.last != ".", !doubleDot(domain), local.first != ".", local.last != ".", !doubleDot(local)
        else { return false }
        let forbidden: Set<Unicode.Scalar> = [" ", "\t", "\r", "\n", "<", ">", "(", ")", "[", "]", ",", ";", ":", "\\", "\"", "@", "\0"]
        let joiners: Set<Unicode.Scalar> = ["\u{200C}", "\u{200D}"]
        // Control characters and invisible format characters (bidi overrides) are never part of an address.
        func isHidden(_ scalar: Unicode.Scalar) -> Bool {
            let category = scalar.properties.generalCategory
            return category == .control || (category == .format && !joiners.contains(scalar)) || category == .unassigned
                || category == .surrogate || category == .privateUse || scalar.properties.isNoncharacterCodePoint
        }
        let isDomainScalar: (Unicode.Scalar) -> Bool = { scalar in
            if scalar == "-" || scalar == "." { return true }
            let category = scalar.properties.generalCategory
            return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || [.nonspacingMark, .spacingMark, .enclosingMark].contains(category)
        }
        return !local.contains(where: { forbidden.contains($0) || isHidden($0) }) && domain.allSatisfy(isDomainScalar)
    }

    /// Each label of the domain: 1 to 63 bytes, neither starting nor ending with a hyphen
    /// (RFC 1035, RFC 5891), so `a@-example.com` is refused.
    private static func hasValidDomainLabels(_ address: String) -> Bool {
        guard let at = address.utf8.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let domain = address.utf8[address.utf8.index(after: at)...]
        for label in domain.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false) {
            if label.isEmpty || label.count > 63 || label.first == UInt8(ascii: "-") || label.last == UInt8(ascii: "-") { return false }
        }
        return true
    }

    /// The same rules on bytes for an all-ASCII address (nearly every one, and an import checks
    /// a hundred thousand); nil for the others.
    private static func isValidASCIIAddress(_ address: String) -> Bool? {
        let bytes = Array(address.utf8)
        guard bytes.allSatisfy({ $0 < 128 }) else { return nil }
        guard bytes.count <= 254, let at = bytes.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        let dot = UInt8(ascii: ".")
        func doubleDot(_ part: ArraySlice<UInt8>) -> Bool { zip(part, part.dropFirst()).contains { $0 == dot && $1 == dot } }
        guard !local.isEmpty, local.count <= 64, !domain.isEmpty, domain.contains(dot), domain.first != dot, domain.last != dot,
            !doubleDot(domain), local.first != dot, local.last != dot, !doubleDot(local)
        else { return false }
        let forbidden = Array(" \t\r\n<>()[],;:\\\"@\0".utf8)
        let isDomainByte: (UInt8) -> Bool = { byte in
            (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 45 || byte == dot
        }
        // Control characters (0-31, 127) are never part of an address.
        return !local.contains(where: { forbidden.contains($0) || $0 < 32 || $0 == 127 }) && domain.allSatisfy(isDomainByte)
    }

    /// Spaces and tabs removed from both ends, without a trip through Foundation when there are
    /// none.
    static func trimmingBlanks(_ text: String) -> String {
        let isBlank: (UInt8) -> Bool = { $0 == 32 || $0 == 9 }
        guard let first = text.utf8.first, let last = text.utf8.last, isBlank(first) || isBlank(last) else { return text }
        return text.trimmingCharacters(in: .whitespaces)
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
