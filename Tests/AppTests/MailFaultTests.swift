import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// What the mail server's faults must and must not do to a campaign: a server that is away or
/// refuses our password is the server's state, never a recipient's bounce; a message handed over
/// whose reply was lost is not sent again; someone who leaves mid-campaign is not sent to.
@Suite("Mail server faults")
struct MailFaultTests {
    static let english = CampaignTests.english
    static let chinese = CampaignTests.chinese

    static func bounces(_ app: Application) async throws -> Int {
        try await ConsentEvent.query(on: app.db).filter(\.$action == "bounce").count()
    }

    @Test("A wrong SMTP password pauses the campaign with the server's 535; nobody is bounced or failed, and it resumes")
    func authenticationFailure() async throws {
        let recorder = try SMTPRecorder.start(["--auth", "mailer:right-password"])
        defer { recorder.stop() }
        var environment = recorder.environment
        environment["FOCAL_SMTP_URL"] = "smtp://mailer:wrong-password@127.0.0.1:\(recorder.port)?starttls=never"
        try await withApp(loadDemo: true, environment: environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            let bouncesBefore = try await Self.bounces(app)
            try await CampaignTests.startAndRun(app, campaign, editor: editor)
            let paused = try await CampaignTests.reload(app, campaign)
            #expect(paused.status == .paused)
            #expect(paused.pauseReason?.contains("535") == true, "pause reason: \(paused.pauseReason ?? "none")")
            let deliveries = try await CampaignTests.deliveries(app, campaign)
            #expect(deliveries.values.allSatisfy { $0.status == .pending }, "\(deliveries.values.map(\.status))")
            #expect(deliveries.values.allSatisfy { $0.attempts == 0 }, "a refused login counted as an attempt")
            #expect(try await Subscriber.query(on: app.db).filter(\.$status == .bounced).count() == 0)
            #expect(try await Self.bounces(app) == bouncesBefore, "a server refusal wrote a bounce to a consent ledger")
            #expect(recorder.received.isEmpty)
            // the admin shows the server's words
            let hub = try await app.testing().sendRequest(.GET, "/admin/campaigns/\(campaign.id!.uuidString)", headers: editor)
            #expect(hub.text.contains("535"), "the campaign page does not show the server's answer")
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("The mail server down mid-campaign and back: nobody fails, everybody gets the message exactly once")
    func outageThenRecovery() async throws {
        // A port no other test's server can be given while this one's is away.
        let port = try TestTools.portOutsideEphemeralRange()
        let first = try SMTPRecorder.start(port: port)
        first.stop()
        var environment = first.environment
        environment["FOCAL_MAIL_OUTAGE_PAUSE_SECONDS"] = "300"
        let restarted = SendableBox<SMTPRecorder?>(nil)
        defer { restarted.value?.stop() }
        try await withApp(loadDemo: true, environment: environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            // the server comes back three seconds after sending began, on the same port
            let comeback = Task {
                try await Task.sleep(for: .seconds(3))
                restarted.value = try SMTPRecorder.start(port: port)
            }
            try await CampaignTests.startAndRun(app, campaign, editor: editor)
            try await comeback.value
            let recorder = try #require(restarted.value)
            let deliveries = try await CampaignTests.deliveries(app, campaign)
            #expect(deliveries.values.allSatisfy { $0.status == .sent }, "\(deliveries.values.map { ($0.email, $0.status, $0.lastError) })")
            #expect(CampaignTests.count(recorder, Self.english) == 1)
            #expect(CampaignTests.count(recorder, Self.chinese) == 1)
            #expect(try await CampaignTests.reload(app, campaign).status == .finished)
            #expect(try await Self.bounces(app) == 0)
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("A server away for longer than FOCAL_MAIL_OUTAGE_PAUSE_SECONDS pauses the campaign saying so; nothing fails")
    func longOutagePauses() async throws {
        let gone = try SMTPRecorder.start(port: try TestTools.portOutsideEphemeralRange())
        gone.stop()
        var environment = gone.environment
        environment["FOCAL_MAIL_OUTAGE_PAUSE_SECONDS"] = "2"
        try await withApp(loadDemo: true, environment: environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            try await CampaignTests.startAndRun(app, campaign, editor: editor)
            let paused = try await CampaignTests.reload(app, campaign)
            #expect(paused.status == .paused)
            #expect(paused.pauseReason?.contains("has not accepted mail") == true, "\(paused.pauseReason ?? "none")")
            let deliveries = try await CampaignTests.deliveries(app, campaign)
            #expect(deliveries.values.allSatisfy { $0.status == .pending }, "\(deliveries.values.map(\.status))")
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("A message whose final reply is lost counts as sent and is not sent again")
    func lostFinalReply() async throws {
        let recorder = try SMTPRecorder.start(["--drop-once"])
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            try await CampaignTests.startAndRun(app, campaign, editor: editor)
            let deliveries = try await CampaignTests.deliveries(app, campaign)
            #expect(deliveries.values.allSatisfy { $0.status == .sent }, "\(deliveries.values.map { ($0.email, $0.status) })")
            #expect(deliveries.values.allSatisfy { $0.attempts == 1 }, "a handed-over message was tried again")
            // the recorder dropped the first message (as a server that crashed after the dot would)
            #expect(recorder.received.count == 1)
            #expect(try await CampaignTests.reload(app, campaign).status == .finished)
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("A subscriber who unsubscribes after the campaign started is skipped, not sent to")
    func unsubscribedMidCampaign() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            let start = try await postForm(app, "/admin/campaigns/\(campaign.id!.uuidString)/start", fields: [:], headers: editor)
            try #require(start.status == .seeOther)
            #expect(try await CampaignTests.deliveries(app, campaign)[Self.chinese]?.status == .pending)
            let leaving = try #require(try await Subscriber.query(on: app.db).filter(\.$email == Self.chinese).first())
            leaving.status = .unsubscribed
            try await leaving.save(on: app.db)
            try await app.mailEngine!.run(campaignID: campaign.id!, app: app)
            let deliveries = try await CampaignTests.deliveries(app, campaign)
            #expect(deliveries[Self.chinese]?.status == .skipped)
            #expect(deliveries[Self.english]?.status == .sent)
            #expect(recorder.received.map(\.recipient) == [Self.english])
            #expect(try await CampaignTests.reload(app, campaign).status == .finished)
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("The sender name of FOCAL_MAIL_FROM is the campaign's From name unless the campaign sets its own")
    func senderName() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            campaign.senderName = ""
            try await campaign.save(on: app.db)
            try await CampaignTests.startAndRun(app, campaign, editor: editor)
            let raw = try #require(recorder.rawMessage(to: Self.english))
            let from = String(decoding: raw, as: UTF8.self).components(separatedBy: "\r\n").first { $0.hasPrefix("From:") }
            #expect(from?.contains("Focal Newsletter") == true, "From: \(from ?? "none")")
            await app.mailEngine?.pool.shutdown()
        }
    }

    @Test("Processes on one data directory get different worker identities and journals; a restart takes its own back")
    func identities() throws {
        let directory = try TestTools.temporaryDirectory("focal-identity")
        defer { try? FileManager.default.removeItem(at: directory) }
        var first: WorkerIdentity? = try WorkerIdentity(dataDirectory: directory.path)
        let second = try WorkerIdentity(dataDirectory: directory.path)
        let firstID = try #require(first?.id)
        #expect(firstID != second.id)
        #expect(first?.journalPath != second.journalPath)
        first = nil  // the process ends: its lock goes with it
        let restarted = try WorkerIdentity(dataDirectory: directory.path)
        #expect(restarted.id == firstID, "a restarted process does not find its own claims again")
    }
}

/// A value a test task hands back to the test.
final class SendableBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
