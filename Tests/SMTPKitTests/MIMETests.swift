import Foundation
import Testing

@testable import SMTPKit

@Suite("MIME and addresses")
struct MIMETests {
    @Test("A subject with a line break is refused instead of adding headers")
    func headerInjection() throws {
        var message = MailMessage(
            from: try MailAddress("a@example.org"), to: [try MailAddress("b@example.org")], subject: "Hi\r\nBcc: x@example.org", text: "x",
            messageID: "1@x")
        #expect(throws: MailError.headerInjection("subject")) { try message.render() }
        message.subject = "Hi"
        #expect(throws: MailError.headerInjection("name")) { try MailAddress("c@example.org", name: "Eve\nBcc: y@example.org") }
    }

    @Test("Malformed addresses are refused; internationalised ones are recognised")
    func addresses() throws {
        for bad in ["", "a", "a@", "@b.org", "a b@c.org", "a@b", "a@.b.org", "a..b@c.org", "<a@b.org>", "a@b.org\r\n"] {
            #expect(!MailAddress.isValidEnvelopeAddress(bad), "\(bad)")
        }
        #expect(MailAddress.isValidEnvelopeAddress("first.last+tag@example.org"))
        #expect(try MailAddress("用户@例子.中国").isInternational)
    }

    @Test("Non-ASCII subjects and names become encoded words; bodies are quoted-printable with CRLF")
    func encoding() throws {
        let message = MailMessage(
            from: try MailAddress("news@example.org", name: "中国-东盟环境保护合作中心"), to: [try MailAddress("b@example.org")],
            subject: "简报 2021年第7期", text: "第一行\n" + String(repeating: "长", count: 60), html: "<p>x</p>", messageID: "1@x")
        let text = String(decoding: try message.render(), as: UTF8.self)
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("From: =?UTF-8?B?"))
        #expect(text.contains("multipart/alternative"))
        #expect(text.contains("Content-Transfer-Encoding: quoted-printable"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "bare LF")
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 998) }
        let ascii = text.allSatisfy { $0.isASCII }
        #expect(ascii)
    }

    @Test("Lines starting with a dot are doubled and the message ends with CRLF.CRLF")
    func dotStuffing() {
        let stuffed = String(decoding: SMTPConnection.dotStuffed(Array(".a\r\nb\n.\r\nc".utf8)), as: UTF8.self)
        #expect(stuffed == "..a\r\nb\r\n..\r\nc\r\n.\r\n")
    }

    @Test("SMTP URLs are read with their security and credentials, and bad ones say why")
    func configuration() throws {
        let plain = try SMTPConfiguration.parse("smtp://user:p%40ss@127.0.0.1:2525?starttls=never").get()
        #expect(
            plain.host == "127.0.0.1" && plain.port == 2525 && plain.security == .none && plain.username == "user"
                && plain.password == "p@ss")
        #expect(try SMTPConfiguration.parse("smtps://mail.example.org").get().port == 465)
        #expect(try SMTPConfiguration.parse("smtp://mail.example.org").get().security == .startTLSIfOffered)
        if case .success = SMTPConfiguration.parse("http://x") { Issue.record("http accepted") }
        if case .success = SMTPConfiguration.parse("smtp://x?bogus=1") { Issue.record("unknown option accepted") }
    }
}

@Suite("Message dates")
struct MessageDateTests {
    @Test("The Date header matches what a date formatter writes, for dates across eras and leap years")
    func dates() {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailMessage.rfc5322Date(Date(timeIntervalSince1970: 1_626_998_400)) == "Fri, 23 Jul 2021 00:00:00 +0000")
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let date = Date(timeIntervalSince1970: Double(Int.random(in: -2_000_000_000...4_000_000_000, using: &generator)))
            #expect(MailMessage.rfc5322Date(date) == formatter.string(from: date))
        }
    }
}
