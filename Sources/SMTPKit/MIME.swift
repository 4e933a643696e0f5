import Foundation

/// The encodings a message needs: RFC 2047 encoded words for headers, quoted-printable and base64
/// bodies, folded lines.
enum MIME {
    /// Looks at scalars, not Characters: "\r\n" is one Character equal to neither "\r" nor "\n".
    static func hasLineBreak(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0 == "\r" || $0 == "\n" || $0 == "\u{2028}" || $0 == "\u{2029}" || $0 == "\u{85}" }
    }

    static func isPlainPhrase(_ text: String) -> Bool {
        text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || " !#$%&'*+-/=?^_`{|}~.".contains($0)) }
    }

    static func encodedPhrase(_ text: String) -> String {
        if isPlainPhrase(text) { return text.contains(".") ? "\"" + text + "\"" : text }
        return encodedWords(text)
    }

    /// An unstructured header value (a subject): kept as is when ASCII, otherwise UTF-8 encoded words.
    static func encodedText(_ text: String) -> String {
        let plain = text.unicodeScalars.allSatisfy { $0.value >= 32 && $0.value < 127 } && !text.contains("=?") && text.utf8.count <= 900
        return plain ? text : encodedWords(text)
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters, split between characters, never inside one.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk = ""
        for character in text {
            let candidate = chunk + String(character)
            if Data(candidate.utf8).base64EncodedString().count > 75 - 12 {
                words.append(chunk)
                chunk = String(character)
            } else {
                chunk = candidate
            }
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) with lines of at most 76 characters; CRLF line ends.
    static func quotedPrintable(_ text: String) -> String {
        var out: [UInt8] = []
        appendQuotedPrintable(text, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The encoding appended in one pass over the bytes, with no allocation per byte: it runs once
    /// per message and part, and a campaign has as many messages as readers.
    static func appendQuotedPrintable(_ text: String, to out: inout [UInt8]) {
        var text = text
        text.withUTF8 { input in
            out.reserveCapacity(out.count + input.count + input.count / 4 + 64)
            let hex: StaticString = "0123456789ABCDEF"
            let digits = hex.utf8Start
            var length = 0
            var index = 0
            let count = input.count
            while index < count {
                let byte = input[index]
                if byte == 13, index + 1 < count, input[index + 1] == 10 {
                    index += 1
                    continue
                }
                if byte == 10 {
                    out.append(13)
                    out.append(10)
                    length = 0
                    index += 1
                    continue
                }
                let atLineEnd = index + 1 >= count || input[index + 1] == 10 || input[index + 1] == 13
                let literal = (byte >= 33 && byte <= 126 && byte != 61) || ((byte == 32 || byte == 9) && !atLineEnd)
                let width = literal ? 1 : 3
                if length + width > 75 {
                    out.append(61)
                    out.append(13)
                    out.append(10)
                    length = 0
                }
                if literal {
                    out.append(byte)
                } else {
                    out.append(61)
                    out.append(digits[Int(byte >> 4)])
                    out.append(digits[Int(byte & 15)])
                }
                length += width
                index += 1
            }
        }
        out.append(13)
        out.append(10)
    }

    static func base64Lines(_ data: Data) -> String {
        data.base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed]) + "\r\n"
    }

    static func boundary() -> String { "=_focal_" + UUID().uuidString.filter { $0 != "-" } }
}
