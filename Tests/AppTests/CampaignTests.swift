import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Campaigns sent through a real SMTP server (the recorder): test sends, the demo campaign to its
/// two readers, the message's structure and list headers, DKIM, status moves, bounces, retries and
/// meeting invitations.
@Suite("Campaigns sent through a real SMTP server")
struct CampaignTests {
    static let english = "reader.en@example.org"
    static let chinese = "reader.zh@example.org"

    /// The demo's draft campaign of Issue 7, 2021 (SeedMail).
    static func demoCampaign(_ app: Application) async throws -> Campaign {
        try #require(
            try await Campaign.query(on: app.db).filter(\.$subjectEn == "Newsletter, Issue 7, 2021").first(),
            "the demo has no draft campaign")
    }

    static func reload(_ app: Application, _ campaign: Campaign) async throws -> Campaign {
        try #require(try await Campaign.find(campaign.id, on: app.db))
    }

    static func deliveries(_ app: Application, _ campaign: Campaign) async throws -> [String: Delivery] {
        Dictionary(
            uniqueKeysWithValues: try await Delivery.query(on: app.db).filter(\.$campaign.$id == campaign.id!).all().map { ($0.email, $0) })
    }

    /// Starts the campaign as the editor would (POST …/start) and sends it to the end in-process.
    static func startAndRun(_ app: Application, _ campaign: Campaign, editor: HTTPHeaders) async throws {
        let start = try await postForm(app, "/admin/campaigns/\(campaign.id!.uuidString)/start", fields: [:], headers: editor)
        try #require(start.status == .seeOther, "starting answered \(start.status): \(visibleText(start.text).prefix(300))")
        let engine = try #require(app.mailEngine, "no mail engine although FOCAL_SMTP_URL is set")
        try await engine.run(campaignID: campaign.id!, app: app)
    }

    static func count(_ recorder: SMTPRecorder, _ address: String) -> Int {
        recorder.received.filter { $0.recipient == address }.count
    }

    @Test("The demo campaign: a test send, then each reader gets one well-formed message with working personal links")
    func demoCampaignEndToEnd() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await Self.demoCampaign(app)
            #expect(campaign.status == .draft)

            let test = try await postForm(
                app, "/admin/campaigns/\(campaign.id!.uuidString)/test", fields: ["addresses": "tester@example.org"], headers: editor)
            #expect(test.status == .seeOther, "\(test.status)")
            #expect(recorder.received.map(\.recipient) == ["tester@example.org"])
            #expect(try await Self.reload(app, campaign).status == .draft, "a test send changed the campaign")
            #expect(try await Delivery.query(on: app.db).count() == 0, "a test send created deliveries")

            try await Self.startAndRun(app, campaign, editor: editor)
            #expect(Self.count(recorder, Self.english) == 1)
            #expect(Self.count(recorder, Self.chinese) == 1)
            #expect(recorder.received.count == 3)
            let finished = try await Self.reload(app, campaign)
            #expect(finished.status == .finished)
            #expect(finished.total == 2)
            #expect(try await Self.deliveries(app, campaign).values.allSatisfy { $0.status == .sent && $0.sentAt != nil })

            let mail = try #require(try recorder.messages(to: Self.english).first)
            #expect(mail.content_type == "multipart/alternative")
            #expect(mail.parts.map(\.content_type) == ["text/plain", "text/html"])
            let html = try #require(mail.part("text/html"))
            #expect(html.size < 102 * 1024, "the HTML part is \(html.size) bytes: Gmail clips it")
            let issue = try #require(try await IssueAddress.find(newsletter: nil, year: 2021, number: 7, on: app.db))
            let title = try #require(
                try await IssueRecord.load(issue, on: app.db).articles(.en).first?.title, "Issue 7 has no English article")
            #expect(html.text.contains(HTMLEntities.escape(title)), "the HTML part lacks the article \(title)")
            #expect(mail.part("text/plain")?.text.contains(title) == true)
            #expect(mail.header("List-Id")?.contains("<newsletter.") == true, "\(mail.header("List-Id") ?? "no List-Id")")
            #expect(mail.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
            let unsubscribe = try #require(mail.header("List-Unsubscribe"))
            let englishLink = try #require(firstMatch(#"^<(https?://[^>]+/mail/unsubscribe/[^>]+)>$"#, in: unsubscribe), "\(unsubscribe)")
            #expect(mail.part("text/plain")?.text.contains(englishLink) == true, "the text part has no personal unsubscribe link")

            let other = try #require(try recorder.messages(to: Self.chinese).first)
            let chineseLink = try #require(other.header("List-Unsubscribe"))
            #expect(chineseLink != unsubscribe, "both readers got the same unsubscribe link")

            let path = try #require(URL(string: englishLink)?.path)
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let response = try await app.testing().sendRequest(
                .POST, path, headers: headers, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(response.status == .ok)
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == Self.english).first()?.status == .unsubscribed)
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == Self.chinese).first()?.status == .confirmed)
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("With FOCAL_DKIM_* set, the messages received carry a DKIM signature dkimpy verifies")
    func dkimSigned() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        let keys = try TestTools.temporaryDirectory("dkim-keys")
        defer { try? FileManager.default.removeItem(at: keys) }
        let key = try DKIMTestKey.rsa(in: keys)
        let environment = recorder.environment.merging([
            "FOCAL_DKIM_SELECTOR": "focal2026", "FOCAL_DKIM_DOMAIN": "focal.example", "FOCAL_DKIM_KEY_FILE": key.path,
        ]) { $1 }
        try await withApp(loadDemo: true, environment: environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await Self.startAndRun(app, try await Self.demoCampaign(app), editor: editor)
            for address in [Self.english, Self.chinese] {
                let raw = try #require(recorder.rawMessage(to: address))
                #expect(String(decoding: raw.prefix(15), as: UTF8.self) == "DKIM-Signature:")
                #expect(try DKIMTestKey.verifies(raw, record: key.record), "the message to \(address) does not verify")
                var tampered = raw
                tampered[tampered.count - 10] ^= 0x01
                #expect(try !DKIMTestKey.verifies(tampered, record: key.record), "a changed message still verified")
            }
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("Pause, resume and cancel move only between allowed states; others are refused with 409")
    func statusMoves() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await Self.demoCampaign(app)
            let base = "/admin/campaigns/\(campaign.id!.uuidString)/"
            func post(_ step: String) async throws -> HTTPStatus {
                try await postForm(app, base + step, fields: [:], headers: editor).status
            }
            func status() async throws -> CampaignStatus { try await Self.reload(app, campaign).status }

            #expect(try await post("pause") == .conflict)
            #expect(try await post("resume") == .conflict)
            #expect(try await status() == .draft)
            #expect(try await post("start") == .seeOther)
            #expect(try await status() == .sending)
            #expect(try await post("start") == .conflict)
            #expect(try await post("resume") == .conflict)
            #expect(try await post("pause") == .seeOther)
            #expect(try await status() == .paused)
            #expect(try await post("pause") == .conflict)
            // A paused campaign sends nothing.
            try await app.mailEngine!.run(campaignID: campaign.id!, app: app)
            #expect(recorder.received.isEmpty)
            #expect(try await post("resume") == .seeOther)
            #expect(try await status() == .sending)
            #expect(try await post("cancel") == .seeOther)
            #expect(try await status() == .cancelled)
            for step in ["resume", "pause", "cancel", "start"] {
                #expect(try await post(step) == .conflict, "\(step) of a cancelled campaign was accepted")
            }
            #expect(try await status() == .cancelled)
            try await app.mailEngine!.run(campaignID: campaign.id!, app: app)
            #expect(recorder.received.isEmpty, "a cancelled campaign was sent")
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("A 550 for one recipient fails that delivery and marks the subscriber bounced; the other is sent")
    func hardBounce() async throws {
        let recorder = try SMTPRecorder.start(["--reject", Self.chinese])
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await Self.demoCampaign(app)
            try await Self.startAndRun(app, campaign, editor: editor)
            let deliveries = try await Self.deliveries(app, campaign)
            #expect(deliveries[Self.english]?.status == .sent)
            #expect(deliveries[Self.chinese]?.status == .failed)
            #expect(deliveries[Self.chinese]?.lastError.contains("550") == true, "\(deliveries[Self.chinese]?.lastError ?? "")")
            let bounced = try #require(try await Subscriber.query(on: app.db).filter(\.$email == Self.chinese).first())
            #expect(bounced.status == .bounced)
            #expect(
                try await ConsentEvent.query(on: app.db).filter(\.$subscriber.$id == bounced.id!).all().map(\.action).contains("bounce"))
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == Self.english).first()?.status == .confirmed)
            #expect(recorder.received.map(\.recipient) == [Self.english])
            #expect(try await Self.reload(app, campaign).status == .finished)
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("A 451 puts the delivery back for later; once due it is sent exactly once")
    func transientRetry() async throws {
        let recorder = try SMTPRecorder.start(["--transient", "1"])
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await Self.demoCampaign(app)
            try await Self.startAndRun(app, campaign, editor: editor)
            let deferred = try #require(
                try await Self.deliveries(app, campaign).values.first { $0.status != .sent }, "no delivery was deferred")
            #expect(deferred.status == .pending)
            #expect((deferred.nextAttemptAt ?? .distantPast) > Date(), "the retry is not in the future")
            #expect(deferred.lastError.contains("451"))
            #expect(deferred.attempts == 1)
            #expect(try await Self.reload(app, campaign).status == .sending, "the campaign finished with a delivery pending")
            #expect(recorder.received.count == 1)

            // Not due yet: running again sends nothing.
            try await app.mailEngine!.run(campaignID: campaign.id!, app: app)
            #expect(recorder.received.count == 1)

            deferred.nextAttemptAt = Date().addingTimeInterval(-1)
            try await deferred.save(on: app.db)
            try await app.mailEngine!.run(campaignID: campaign.id!, app: app)
            #expect(Self.count(recorder, Self.english) == 1)
            #expect(Self.count(recorder, Self.chinese) == 1)
            #expect(try await Self.deliveries(app, campaign).values.allSatisfy { $0.status == .sent })
            #expect(try await Self.reload(app, campaign).status == .finished)
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("An unpublished issue can be test-sent but not sent to readers, now or scheduled; a meeting without a date cannot be invited to")
    func notReadyRefused() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await Self.demoCampaign(app)
            let issue = try #require(try await NewsletterIssue.find(campaign.$issue.id, on: app.db))
            issue.status = .draft
            try await issue.save(on: app.db)
            let base = "/admin/campaigns/\(campaign.id!.uuidString)"

            let started = try await postForm(app, base + "/start", fields: [:], headers: editor)
            #expect(started.status == .conflict, "\(started.status)")
            #expect(visibleText(started.text).contains("This issue is not published yet"))
            let scheduled = try await postForm(
                app, base + "/schedule", fields: ["date": "2099-01-01", "time": "09:00", "time_zone": "Asia/Shanghai"], headers: editor)
            #expect(scheduled.status == .conflict, "\(scheduled.status)")
            #expect(try await Self.reload(app, campaign).status == .draft)
            #expect(try await Delivery.query(on: app.db).count() == 0, "a refused campaign created deliveries")

            let test = try await postForm(app, base + "/test", fields: ["addresses": "tester@example.org"], headers: editor)
            #expect(test.status == .seeOther, "a test send of the draft was refused: \(test.status)")
            #expect(recorder.received.map(\.recipient) == ["tester@example.org"])
            let again = try await postForm(app, base + "/test", fields: ["addresses": "tester@example.org"], headers: editor)
            #expect(again.status == .seeOther)
            let ids = recorder.received.map(\.messageID)
            #expect(ids.count == 2 && Set(ids).count == 2, "two test sends share a Message-ID: \(ids)")
            let testMail = try #require(try recorder.messages(to: "tester@example.org").first)
            #expect(testMail.header("List-Unsubscribe") == nil, "a test send carries a one-click unsubscribe for nobody")

            let undated = try #require(
                try await Meeting.query(on: app.db).filter(\.$startsAt == nil).first(), "the demo has no undated meeting")
            let create = try await postForm(
                app, "/admin/campaigns",
                fields: [
                    "kind": "invitation", "meeting_id": undated.id!.uuidString, "issue_id": "", "list_id": "", "subject_en": "",
                    "subject_zh": "", "preheader_en": "", "preheader_zh": "", "sender_name": "", "sender_address": "",
                ], headers: editor)
            try #require(create.status == .seeOther, "\(create.status)")
            let invitation = try #require(try await Campaign.query(on: app.db).filter(\.$kind == .invitation).first())
            let refused = try await postForm(app, "/admin/campaigns/\(invitation.id!.uuidString)/start", fields: [:], headers: editor)
            #expect(refused.status == .conflict, "\(refused.status)")
            #expect(visibleText(refused.text).contains("The meeting has no date yet"))
        }
    }

    @Test("A Chinese reader whose edition awaits translation gets the English articles inside a Chinese masthead, date, notice and links")
    func chineseReaderChrome() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await Self.startAndRun(app, try await Self.demoCampaign(app), editor: editor)
            let mail = try #require(try recorder.messages(to: Self.chinese).first, "the Chinese reader got nothing")
            let text = try #require(mail.part("text/plain")?.text)
            for expected in ["2021年第7期", "2021年8月22日", "本期中文版正在翻译中", "联系我们", "ASEAN-China National Focal Point Meeting"] {
                #expect(text.contains(expected), "the Chinese reader's message lacks \(expected)")
            }
            #expect(!text.contains("Issue 7, 2021"), "the Chinese reader's issue line is in English")
            let links = text.components(separatedBy: .whitespacesAndNewlines).filter { $0.contains("/mail/preferences/") }
            #expect(!links.isEmpty && links.allSatisfy { $0.hasSuffix("?lang=zh") }, "\(links)")
        }
    }

    @Test("A campaign to chosen subscribers reaches exactly them; unknown addresses, or a list and a selection at once, are refused")
    func selectionCampaign() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let issue = try #require(try await NewsletterIssue.query(on: app.db).filter(\.$year == 2021).filter(\.$number == 7).first())
            let list = try #require(try await MailingList.query(on: app.db).filter(\.$slug == "newsletter").first())
            var fields = [
                "kind": "newsletter", "issue_id": issue.id!.uuidString, "list_id": "", "meeting_id": "", "subject_en": "Issue 7 again",
                "subject_zh": "", "preheader_en": "", "preheader_zh": "", "sender_name": "", "sender_address": "",
                "selection": "Reader.ZH@example.org\nnobody@example.org",
            ]
            let campaigns = try await Campaign.query(on: app.db).count()
            let unknown = try await postForm(app, "/admin/campaigns", fields: fields, headers: editor)
            #expect(unknown.status == .unprocessableEntity, "\(unknown.status)")
            #expect(fieldError(unknown.text, "selection")?.contains("nobody@example.org") == true)
            let both = try await postForm(
                app, "/admin/campaigns", fields: fields.merging(["list_id": list.id!.uuidString, "selection": Self.chinese]) { $1 },
                headers: editor)
            #expect(both.status == .unprocessableEntity, "\(both.status)")
            #expect(try await Campaign.query(on: app.db).count() == campaigns)

            fields["selection"] = "Reader.ZH@example.org"
            let created = try await postForm(app, "/admin/campaigns", fields: fields, headers: editor)
            #expect(created.status == .seeOther, "\(created.status): \(visibleText(created.text).prefix(300))")
            let campaign = try #require(try await Campaign.query(on: app.db).filter(\.$subjectEn == "Issue 7 again").first())
            let hub = try await app.testing().sendRequest(.GET, "/admin/campaigns/\(campaign.id!.uuidString)", headers: editor)
            #expect(visibleText(hub.text).contains("Chosen subscribers (1)"))
            try await Self.startAndRun(app, campaign, editor: editor)
            #expect(recorder.received.map(\.recipient) == [Self.chinese], "\(recorder.received.map(\.recipient))")
        }
    }

    @Test("An invitation campaign sends each invited participant a calendar request and a personal RSVP link")
    func meetingInvitation() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let fixture = try await InvitationFlowTests.inviteThree(app)
            let create = try await postForm(
                app, "/admin/campaigns",
                fields: [
                    "kind": "invitation", "meeting_id": fixture.meeting.id!.uuidString, "issue_id": "", "list_id": "", "subject_en": "",
                    "subject_zh": "", "preheader_en": "", "preheader_zh": "", "sender_name": "", "sender_address": "",
                ], headers: fixture.editor)
            try #require(create.status == .seeOther, "creating the campaign answered \(create.status)")
            let campaign = try #require(try await Campaign.query(on: app.db).filter(\.$kind == .invitation).first())
            try await Self.startAndRun(app, campaign, editor: fixture.editor)

            let address = "nfp.th@example.org"
            #expect(Set(recorder.received.map(\.recipient)) == ["nfp.mm@example.org", address, "nfp.kh@example.org"])
            let mail = try #require(try recorder.messages(to: address).first)
            #expect(mail.content_type == "multipart/mixed")
            let calendar = try #require(mail.part("text/calendar"), "no text/calendar part: \(mail.parts.map(\.content_type))")
            let lines = unfoldedICSLines(
                calendar.text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"))
            #expect(lines.contains("METHOD:REQUEST"))
            #expect(lines.contains { $0.hasPrefix("ATTENDEE") && $0.lowercased().hasSuffix("mailto:" + address) }, "\(lines)")
            let text = try #require(mail.part("text/plain")?.text)
            let token = try #require(firstMatch(#"https?://[^\s]+/rsvp/([A-Za-z0-9_\-.]+)"#, in: text), "no RSVP link in: \(text)")
            let participation = try await InvitationFlowTests.participation(
                app, fixture.meeting, personName: "Illustrative focal point, Thailand")
            #expect(
                try SignedToken.verify(token, purpose: "rsvp", secret: app.focalConfig.sessionSecret) == participation.id,
                "the RSVP link is not Thailand's")
            let page = try await app.testing().sendRequest(.GET, "/rsvp/" + token)
            #expect(page.status == .ok)
            await app.mailEngine?.pool.shutdown()
        }
    }
}
