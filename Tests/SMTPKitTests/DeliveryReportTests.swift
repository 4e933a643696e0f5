import Foundation
import Testing

@testable import SMTPKit

@Suite("Returned mail: delivery status and feedback reports")
struct DeliveryReportTests {
    static func reports(_ text: String) throws -> [DeliveryReport] {
        try DeliveryReport.reports(in: ReceivedMessage(Data(text.utf8)))
    }

    @Test("A Postfix bounce gives one report per recipient: 5.x.x failed is hard, delayed is soft, delivered is none")
    func postfixBounce() throws {
        let reports = try Self.reports(
            ReturnedMailSamples.dsn(
                recipients: [
                    ("Reader.EN@example.org", "failed", "5.1.1"), ("reader.zh@example.org", "delayed", "4.4.1"),
                    ("other@example.org", "delivered", "2.0.0"),
                ], messageID: "campaign.7@focal.example"))
        #expect(reports.map(\.kind) == [.hardBounce, .softBounce])
        #expect(reports.map(\.recipient) == ["reader.en@example.org", "reader.zh@example.org"])
        #expect(reports[0].status == "5.1.1")
        #expect(reports[0].diagnostic == "550 5.1.1 <Reader.EN@example.org>: Recipient address rejected: User unknown")
        #expect(reports.allSatisfy { $0.originalMessageID == "campaign.7@focal.example" })
    }

    @Test("A failed action with a 4.x.x status is a soft bounce")
    func temporaryFailure() throws {
        #expect(try Self.reports(ReturnedMailSamples.dsn(recipients: [("a@example.org", "failed", "4.2.2")])).map(\.kind) == [.softBounce])
    }

    @Test("An abuse report is a complaint about Original-Rcpt-To, or about the reported message's To when that is missing")
    func feedbackReport() throws {
        let named = try Self.reports(ReturnedMailSamples.feedback(recipient: "reader.zh@example.org"))
        #expect(
            named == [
                DeliveryReport(
                    kind: .complaint, recipient: "reader.zh@example.org", status: "abuse", diagnostic: "",
                    originalMessageID: "abc.2@focal.example")
            ])
        let unnamed = try Self.reports(ReturnedMailSamples.feedback(recipient: "Reader.ZH@example.org", withRcptTo: false))
        #expect(unnamed.map(\.recipient) == ["reader.zh@example.org"])
        #expect(try Self.reports(ReturnedMailSamples.feedback(recipient: "x@example.org", type: "not-spam")).isEmpty)
    }

    @Test("Ordinary mail and an auto-reply are not reports, and say so")
    func notReports() {
        #expect(throws: DeliveryReport.NotAReport.notAReport("text/plain")) {
            try Self.reports("From: someone@example.org\r\nSubject: Out of office\r\n\r\nI am away until Monday.\r\n")
        }
        #expect(throws: DeliveryReport.NotAReport.notAReport("multipart/alternative")) {
            try Self.reports(
                "Content-Type: multipart/alternative; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b--\r\n")
        }
    }

    @Test("Folded headers are unfolded and quoted parameters keep their semicolons")
    func headerParsing() {
        let message = ReceivedMessage(
            Data("Subject: a\r\n  b\r\nContent-Type: multipart/mixed;\r\n\tboundary=\"x;y\"; charset=utf-8\r\n\r\nbody\r\n".utf8))
        #expect(message.header("SUBJECT") == "a b")
        #expect(message.mediaType == "multipart/mixed")
        #expect(message.contentTypeParameter("boundary") == "x;y")
        #expect(message.body == "body\n")
    }
}
