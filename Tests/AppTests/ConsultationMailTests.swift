import Fluent
import Foundation
import MailTestSupport
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Consultation mail over SMTP")
struct ConsultationMailTests {
    /// A header as read: RFC 2047 encoded words (base64 UTF-8, as Focal writes them) decoded.
    static func decoded(_ header: String?) -> String {
        guard let header else { return "" }
        let words = header.split(separator: " ", omittingEmptySubsequences: true)
        guard words.allSatisfy({ $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") }) else { return header }
        return words.map { word in
            let base64 = word.dropFirst("=?UTF-8?B?".count).dropLast(2)
            return Data(base64Encoded: String(base64)).map { String(decoding: $0, as: UTF8.self) } ?? String(word)
        }.joined()
    }

    /// Waits for the messages sent in the background after a request.
    static func waitFor(_ recorder: SMTPRecorder, count: Int, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while recorder.received.count < count, Date() < deadline { try await Task.sleep(for: .milliseconds(100)) }
    }

    @Test(
        "Invitations in each person's language with a signed reading link; silence broken tells the secretariat; adoption is announced; reminders go once"
    )
    func consultationMail() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fp = try await signIn(app, as: Demo.focalPoint)
            let mm = try await Consult.country(app, "MM")
            let kh = try await Consult.country(app, "KH")
            // Cambodia's focal point reads Chinese.
            let khPerson = try #require(
                try await FocalPointAppointment.query(on: app.db).filter(\.$country.$id == kh.savedID).with(\.$person).first()?.person)
            khPerson.preferredLanguage = .zh
            try await khPerson.save(on: app.db)

            let document = try await Consult.draftedDocument(app, editor: editor, slug: "mail-silence")
            let round = try await Consult.circulate(
                app, document, editor: editor, mode: .silence, deadline: Date().addingTimeInterval(5 * 86_400), countries: [mm, kh])
            try await Self.waitFor(recorder, count: 2)
            let english = try #require(try recorder.messages(to: "nfp.mm@example.org").first, "Myanmar's focal point is invited")
            #expect(english.header("Subject")?.hasPrefix("Silence procedure until") == true)
            let chinese = try #require(try recorder.messages(to: "nfp.kh@example.org").first, "Cambodia's focal point is invited")
            #expect(Self.decoded(chinese.header("Subject")).hasPrefix("默许程序至"), "\(Self.decoded(chinese.header("Subject")))")
            let body = try #require(english.part("text/plain")?.text)
            let link = try #require(
                body.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Read the text: ") }.map {
                    String($0.dropFirst("Read the text: ".count))
                })
            let path = try #require(URL(string: link)).path
            let reading = try await app.testing().sendRequest(.GET, path + "?lang=en")
            #expect(reading.status == .ok, "the link opens the text without signing in")
            #expect(visibleText(reading.text).contains("Agree to meet again."))
            #expect(visibleText(reading.text).contains("Myanmar"))
            let forged = try await app.testing().sendRequest(.GET, path.dropLast(3) + "AAA")
            #expect(forged.status == .forbidden)

            // Silence broken: the secretariat hears at once.
            let before = recorder.received.count
            let broken = try await Consult.act(
                app, round, "break-silence", country: mm, headers: fp, ["reason": "Our minister must see it"])
            #expect(broken.status == .seeOther)
            try await Self.waitFor(recorder, count: before + 2)
            let notice = try #require(try recorder.messages(to: "editor@demo.focal.example").last)
            #expect(notice.header("Subject") == "Silence broken by Myanmar: Joint statement mail-silence")
            #expect(notice.part("text/plain")?.text.contains("Our minister must see it") == true)

            // At the deadline: not adopted, and the secretariat is told.
            let outcome = try await ConsultationClock.tick(app, now: round.deadline.addingTimeInterval(60))
            #expect(outcome.notAdopted == 1)
            #expect(
                try recorder.messages(to: "admin@demo.focal.example").contains { $0.header("Subject")?.hasPrefix("Not adopted") == true })

            // A kept silence: the adoption is announced to the focal points.
            let kept = try await Consult.draftedDocument(app, editor: editor, slug: "mail-kept")
            let round2 = try await Consult.circulate(
                app, kept, editor: editor, mode: .silence, deadline: Date().addingTimeInterval(5 * 86_400), countries: [mm])
            try await ConsultationClock.tick(app, now: round2.deadline.addingTimeInterval(60))
            #expect(
                try recorder.messages(to: "nfp.mm@example.org").contains { $0.header("Subject") == "Adopted: Joint statement mail-kept" })

            // Reminders, once each, only to the country that has not answered.
            let comments = try await Consult.draftedDocument(app, editor: editor, slug: "mail-reminders")
            let round3 = try await Consult.circulate(
                app, comments, editor: editor, mode: .comments, deadline: Date().addingTimeInterval(10 * 86_400), countries: [mm, kh])
            try await Consult.act(app, round3, "no-comments", country: mm, headers: fp)
            try await Self.waitFor(recorder, count: recorder.received.count)
            let remindersBefore = recorder.received.filter { $0.recipient == "nfp.kh@example.org" }.count
            try await ConsultationClock.tick(app, now: round3.deadline.addingTimeInterval(-2 * 86_400))
            try await ConsultationClock.tick(app, now: round3.deadline.addingTimeInterval(-2 * 86_400 + 60))
            let toCambodia = try recorder.messages(to: "nfp.kh@example.org").filter { Self.decoded($0.header("Subject")).hasPrefix("提醒") }
            #expect(toCambodia.count == 1, "one reminder three days before, in Chinese")
            #expect(recorder.received.filter { $0.recipient == "nfp.kh@example.org" }.count == remindersBefore + 1)
            #expect(try recorder.messages(to: "nfp.mm@example.org").allSatisfy { $0.header("Subject")?.hasPrefix("Reminder") != true })
        }
    }
}
