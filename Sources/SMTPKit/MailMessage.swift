import Foundation

/// A message with a plain-text part, an optional HTML alternative and attachments, rendered to
/// the bytes SMTP sends (CRLF line ends, 7-bit transfer encodings, headers that cannot be
/// injected).
public struct MailMessage: Sendable {
    public struct Attachment: Sendable {
        public let filename: String
        public let contentType: String
        public let data: Data

        public init(filename: String, contentType: String, data: Data) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: MailAddress
    public var to: [MailAddress]
    public var subject: String
    public var text: String
    public var html: String?
    public var attachments: [Attachment] = []
    /// Further headers in order, as List-Id or List-Unsubscribe.
    public var headers: [(String, String)] = []
    public var messageID: String
    public var date: Date

    public init(
        from: MailAddress, to: [MailAddress], subject: String, text: String, html: String? = nil, messageID: String, date: Date = Date()
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.date = date
    }

    public var requiresSMTPUTF8: Bool { ([from] + to).contains(where: \.isInternational) }

    public func render() throws(MailError) -> [UInt8] {
        guard !MIME.hasLineBreak(subject) else { throw .headerInjection("subject") }
        for (name, value) in headers where name.contains(where: { !$0.isASCII || $0 == ":" || $0.isWhitespace }) || MIME.hasLineBreak(value)
        {
            throw .headerInjection(name)
        }
        let head = [
            ("From", from.headerValue()), ("To", to.map { $0.headerValue() }.joined(separator: ", ")),
            ("Subject", MIME.encodedText(subject)), ("Date", Self.rfc5322Date(date)), ("Message-ID", "<" + messageID + ">"),
            ("MIME-Version", "1.0"),
        ]
        var out: [UInt8] = []
        out.reserveCapacity(2 * (text.utf8.count + (html?.utf8.count ?? 0)) + 2048)
        func line(_ text: String = "") {
            out.append(contentsOf: text.utf8)
            out.append(13)
            out.append(10)
        }
        for (name, value) in head + headers { line(name + ": " + value) }
        // The headers of the outermost part are the message's own; the parts nest
        // multipart/mixed (with attachments) > multipart/alternative (with HTML) > text/plain.
        let mixed = attachments.isEmpty ? nil : MIME.boundary()
        if let mixed {
            line("Content-Type: multipart/mixed; boundary=\"\(mixed)\"")
            line()
            line("--" + mixed)
        }
        let alternative = html == nil ? nil : MIME.boundary()
        if let alternative {
            line("Content-Type: multipart/alternative; boundary=\"\(alternative)\"")
            line()
            line("--" + alternative)
        }
        line("Content-Type: text/plain; charset=utf-8")
        line("Content-Transfer-Encoding: quoted-printable")
        line()
        MIME.appendQuotedPrintable(text, to: &out)
        if let alternative, let html {
            line("--" + alternative)
            line("Content-Type: text/html; charset=utf-8")
            line("Content-Transfer-Encoding: quoted-printable")
            line()
            MIME.appendQuotedPrintable(html, to: &out)
            line("--" + alternative + "--")
        }
        if let mixed {
            for attachment in attachments {
                let name = attachment.filename.filter { $0.isASCII && !"\"\r\n\\".contains($0) }
                line("--" + mixed)
                line("Content-Type: " + attachment.contentType)
                line("Content-Transfer-Encoding: base64")
                line("Content-Disposition: attachment; filename=\"\(name)\"")
                line()
                out.append(contentsOf: MIME.base64Lines(attachment.data).utf8)
            }
            line("--" + mixed + "--")
        }
        return out
    }

    /// "Sun, 29 Nov 2026 08:32:18 +0000", computed directly: a formatter per message costs more
    /// than the rest of the header.
    static func rfc5322Date(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = weekdays[((days % 7) + 7) % 7]
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(weekday), \(two(day)) \(months[month - 1]) \(year) \(two(time / 3600)):\(two(time % 3600 / 60)):\(two(time % 60)) +0000"
    }
}
