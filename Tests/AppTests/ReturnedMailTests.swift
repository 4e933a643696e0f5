import Fluent
import Foundation
import Testing
import Vapor

@testable import App

/// `focal process-bounces`: returned mail after the demo campaign was sent through a real SMTP
/// server, read from a Maildir and from single files.
@Suite("Returned mail: bounces and complaints")
struct ReturnedMailTests {
    static func subscriber(_ app: Application, _ email: String) async throws -> Subscriber {
        try #require(try await Subscriber.query(on: app.db).filter(\.$email == email).first(), "no subscriber \(email)")
    }

    static func maildir() throws -> URL {
        let root = try TestTools.temporaryDirectory("maildir")
        for folder in ["new", "cur", "tmp"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        return root
    }

    static func entries(_ folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    }

    @Test(
        "A Maildir of returned mail: the hard bounce marks its subscriber and delivery, the delayed one and the auto-reply change nothing")
    func maildirBounces() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let campaign = try await CampaignTests.demoCampaign(app)
            try await CampaignTests.startAndRun(app, campaign, editor: editor)
            let english = try #require(recorder.received.first { $0.recipient == CampaignTests.english }, "nothing was sent")
            let messageID = english.messageID.trimmingCharacters(in: CharacterSet(charactersIn: "<>"))

            let root = try Self.maildir()
            defer { try? FileManager.default.removeItem(at: root) }
            let new = root.appendingPathComponent("new")
            try ReturnedMailSamples.dsn(recipients: [(CampaignTests.english, "failed", "5.1.1")], messageID: messageID)
                .write(to: new.appendingPathComponent("1.bounce"), atomically: true, encoding: .utf8)
            try ReturnedMailSamples.dsn(recipients: [(CampaignTests.chinese, "delayed", "4.4.1")])
                .write(to: new.appendingPathComponent("2.delayed"), atomically: true, encoding: .utf8)
            try "From: reader.zh@example.org\r\nSubject: Auto: away\r\n\r\nBack on Monday.\r\n"
                .write(to: new.appendingPathComponent("3.autoreply"), atomically: true, encoding: .utf8)

            let output = try await runCommand(app, ["process-bounces", "--path", root.path])
            #expect(output.contains("Messages read: 3; hard bounces: 1; soft bounces (no change): 1; complaints: 0"), "\(output)")
            #expect(output.contains("3.autoreply: not a delivery status or feedback report (text/plain)"), "\(output)")

            let bounced = try await Self.subscriber(app, CampaignTests.english)
            #expect(bounced.status == .bounced)
            #expect(bounced.statusReason.contains("5.1.1"))
            let events = try await ConsentEvent.query(on: app.db).filter(\.$subscriber.$id == bounced.id!).filter(\.$action == "bounce")
                .all()
            #expect(events.map(\.source) == ["delivery-status-report"])
            #expect(try await Self.subscriber(app, CampaignTests.chinese).status == .confirmed, "a delayed delivery changed the subscriber")

            let deliveries = try await CampaignTests.deliveries(app, campaign)
            let failed = try #require(deliveries[CampaignTests.english])
            #expect(failed.status == .failed)
            #expect(failed.lastError.contains("returned after delivery (hard-bounce): 5.1.1"), "\(failed.lastError)")
            #expect(deliveries[CampaignTests.chinese]?.status == .sent)

            // Read messages move to cur/ with the Maildir "seen" flag, so a second run reads none.
            #expect(try Self.entries(new).isEmpty)
            #expect(try Self.entries(root.appendingPathComponent("cur")) == ["1.bounce:2,S", "2.delayed:2,S", "3.autoreply:2,S"])
            let again = try await runCommand(app, ["process-bounces", "--path", root.path])
            #expect(again.contains("Messages read: 0;"), "\(again)")
        }
    }

    @Test("A complaint marks the subscriber complained, even after unsubscribing; a bounce does not overwrite an unsubscription")
    func complaints() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let chinese = try await Self.subscriber(app, CampaignTests.chinese)
            chinese.status = .unsubscribed
            try await chinese.save(on: app.db)
            let folder = try TestTools.temporaryDirectory("returned")
            defer { try? FileManager.default.removeItem(at: folder) }
            let complaint = folder.appendingPathComponent("complaint.eml")
            try ReturnedMailSamples.feedback(recipient: CampaignTests.english).write(to: complaint, atomically: true, encoding: .utf8)
            try ReturnedMailSamples.dsn(recipients: [(CampaignTests.chinese, "failed", "5.2.1")])
                .write(to: folder.appendingPathComponent("bounce.eml"), atomically: true, encoding: .utf8)
            try ReturnedMailSamples.dsn(recipients: [("nobody@example.org", "failed", "5.1.1")])
                .write(to: folder.appendingPathComponent("stranger.eml"), atomically: true, encoding: .utf8)

            let output = try await runCommand(app, ["process-bounces", "--path", folder.path])
            #expect(
                output.contains("Messages read: 3; hard bounces: 2; soft bounces (no change): 0; complaints: 1; about no subscriber: 1"),
                "\(output)")
            let english = try await Self.subscriber(app, CampaignTests.english)
            #expect(english.status == .complained)
            #expect(
                try await ConsentEvent.query(on: app.db).filter(\.$subscriber.$id == english.id!).filter(\.$action == "complaint").count()
                    == 1)
            #expect(try await Self.subscriber(app, CampaignTests.chinese).status == .unsubscribed)

            // The same complaint read again records nothing more.
            _ = try await runCommand(app, ["process-bounces", "--path", complaint.path])
            #expect(
                try await ConsentEvent.query(on: app.db).filter(\.$subscriber.$id == english.id!).filter(\.$action == "complaint").count()
                    == 1)
        }
    }

    @Test("An MTA pipes a complaint into the built focal process-bounces --stdin")
    func standardInput() async throws {
        let directory = try TestTools.temporaryDirectory("focal-pipe")
        defer { try? FileManager.default.removeItem(at: directory) }
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("FOCAL_") && $0.key != "DATABASE_URL" }
        environment["FOCAL_DATA_DIR"] = directory.path
        environment["FOCAL_BCRYPT_COST"] = "4"
        environment["SWIFT_BACKTRACE"] = "enable=no"
        let binary = try ExactlyOnceTests.binary()
        let loaded = try TestTools.run(binary, ["load-demo"], environment: environment)
        try #require(loaded.status == 0, "load-demo failed: \(loaded.stderr)")

        let piped = try TestTools.run(
            binary, ["process-bounces", "--stdin"], environment: environment,
            input: Data(ReturnedMailSamples.feedback(recipient: CampaignTests.english).utf8))
        let printed = String(decoding: piped.stdout, as: UTF8.self)
        #expect(piped.status == 0, "\(printed)")
        #expect(printed.contains("Messages read: 1; hard bounces: 0; soft bounces (no change): 0; complaints: 1"), "\(printed)")
        let status = try runPython(
            "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT status FROM subscribers WHERE email = ?', (sys.argv[2],)).fetchone()[0])",
            arguments: [directory.path + "/focal.sqlite", CampaignTests.english])
        #expect(status.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "complained", "\(status.stdout) \(status.stderr)")
    }

    @Test("A path that does not exist, or no source at all, is refused naming the problem, and nothing changes")
    func missingPath() async throws {
        try await withApp(loadDemo: true) { app async throws in
            for (arguments, problem) in [
                (["--path", "/nonexistent/maildir"], "/nonexistent/maildir does not exist"),
                ([], "give either --path PATH or --stdin"), (["--path", "/tmp", "--stdin"], "give either --path PATH or --stdin"),
            ] {
                do {
                    _ = try await runCommand(app, ["process-bounces"] + arguments)
                    Issue.record("\(arguments) was accepted")
                } catch {
                    #expect("\(error)".contains(problem), "\(error)")
                }
            }
            #expect(try await Subscriber.query(on: app.db).filter(\.$status ~~ [.bounced, .complained]).count() == 0)
        }
    }
}
