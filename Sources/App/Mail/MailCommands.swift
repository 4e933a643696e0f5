import Fluent
import Foundation
import Vapor

/// `focal worker`: sends campaigns, without serving pages.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Sends campaigns in the background, for deployments that keep sending apart from serving." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let engine = app.mailEngine else { throw CommandProblem(["FOCAL_SMTP_URL: no SMTP server configured, nothing can be sent"]) }
        context.console.print("Worker \(engine.instanceID) sending with \(engine.settings.concurrency) connections")
        let work = Task { await MailWorker.loop(engine: engine, app: app) }
        // SIGTERM (systemd stop) and SIGINT: finish the messages on the wire, put the rest back,
        // exit 0. A second signal does not hurry it: the bound is MailWorker.stopLimit.
        let signals = TerminationSignals { Task { await MailWorker.stopGracefully(work, engine: engine) } }
        await work.value
        signals.cancel()
        context.console.print("Worker \(engine.instanceID) stopped")
    }
}

/// `focal send-campaign ID`: starts the campaign if needed and sends it to the end, with a progress bar.
struct SendCampaignCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "id", help: "The campaign's id") var id: String
    }

    var help: String { "Sends one campaign now and shows its progress." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let engine = app.mailEngine else { throw CommandProblem(["FOCAL_SMTP_URL: no SMTP server configured"]) }
        guard let id = UUID(uuidString: signature.id), let campaign = try await Campaign.find(id, on: app.db) else {
            throw CommandProblem(["id: no campaign \(signature.id)"])
        }
        guard campaign.status != .cancelled, campaign.status != .finished else {
            throw CommandProblem(["id: the campaign is \(campaign.status.rawValue)"])
        }
        try await engine.recover(on: app.db)
        if campaign.status == .paused {
            campaign.status = .sending
            campaign.pauseReason = nil
            try await campaign.save(on: app.db)
        }
        if campaign.status != .sending { try await CampaignPreparation.start(campaign, on: app.db) }
        let started = Date()
        // Deliveries waiting for a retry are waited for: the command ends when every delivery is
        // settled, or the campaign was paused (by staff, or because the server refused or stayed away).
        while true {
            try await engine.run(campaignID: id, app: app) { progress in ProgressBar.draw(progress, since: started) }
            let state = try await Campaign.find(id, on: app.db)
            let progress = try await engine.progress(campaignID: id, on: app.db)
            guard state?.status == .sending, progress.remaining > 0 else { break }
            let due = try await engine.nextRetry(campaignID: id, on: app.db) ?? Date().addingTimeInterval(1)
            try await Task.sleep(for: .milliseconds(Int(min(max(due.timeIntervalSinceNow, 0.2), 60) * 1000)))
        }
        FileHandle.standardError.write(Data("\n".utf8))
        let final = try await engine.progress(campaignID: id, on: app.db)
        let volume = engine.volume.withLockedValue { $0 }
        let average = volume.messages == 0 ? 0 : volume.bytes / volume.messages
        context.console.print(
            "Sent \(final.sent), failed \(final.failed), skipped \(final.skipped), remaining \(final.remaining) in "
                + "\(String(format: "%.2f", Date().timeIntervalSince(started))) s, average message \(average) bytes")
        if let state = try await Campaign.find(id, on: app.db), state.status == .paused {
            throw CommandProblem([
                "the campaign is paused with \(final.remaining) deliveries left: \(state.pauseReason ?? "paused by staff")"
            ])
        }
        if final.remaining > 0 { throw CommandProblem(["\(final.remaining) deliveries are not settled"]) }
    }
}

/// `focal import-subscribers FILE`: CSV import with a progress bar and a report of rejected rows.
struct ImportSubscribersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "file", help: "CSV with columns email[,name][,language][,lists]") var file: String
        @Option(name: "list", help: "Also add every subscriber to this list (its slug)") var list: String?
        @Option(name: "status", help: "confirmed (default: the importer holds their consent) or pending") var status: String?
    }

    var help: String { "Imports subscribers from a CSV file." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        guard let data = FileManager.default.contents(atPath: signature.file) else {
            throw CommandProblem(["file: cannot read \(signature.file)"])
        }
        guard let status = SubscriberStatus(rawValue: signature.status ?? "confirmed"), status == .confirmed || status == .pending else {
            throw CommandProblem(["--status: confirmed or pending"])
        }
        let started = Date()
        let importer = SubscriberImport(
            status: status, source: "import:" + (signature.file as NSString).lastPathComponent,
            defaultLists: signature.list.map { [$0] } ?? [])
        let report: SubscriberImport.Report
        do {
            report = try await importer.run(data, on: app.db) { done, total in ProgressBar.drawRows(done, total) }
        } catch let failure as SubscriberImport.Failure {
            throw CommandProblem([failure.description])
        }
        FileHandle.standardError.write(Data("\n".utf8))
        for rejection in report.rejections.prefix(1_000) { context.console.print("line \(rejection.line): \(rejection.reason)") }
        if report.rejections.count > 1_000 { context.console.print("… and \(report.rejections.count - 1_000) more rejected rows") }
        context.console.print(
            "Imported \(report.imported), already subscribed \(report.alreadySubscribed), rejected \(report.rejections.count) in "
                + String(format: "%.1f s", Date().timeIntervalSince(started)))
    }
}

enum ProgressBar {
    static func bar(_ fraction: Double) -> String {
        let width = 30
        let filled = Int((fraction * Double(width)).rounded())
        return "[" + String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled) + "]"
    }

    static func draw(_ progress: MailEngine.Progress, since start: Date) {
        let done = progress.sent + progress.failed
        let fraction = progress.total == 0 ? 1 : Double(done) / Double(progress.total)
        let eta = progress.eta.map { String(format: " ETA %.0f s", $0) } ?? ""
        let line =
            "\r\(bar(fraction)) \(done)/\(progress.total) sent \(progress.sent) failed \(progress.failed) "
            + String(format: "%.0f/s", progress.rate) + eta + "   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    static func drawRows(_ done: Int, _ total: Int) {
        let fraction = total == 0 ? 1 : Double(done) / Double(total)
        FileHandle.standardError.write(Data("\r\(bar(fraction)) \(done)/\(total) rows   ".utf8))
    }
}

/// `focal create-campaign --issue 2021/7 --list newsletter`: a draft campaign of a published issue, its id printed.
struct CreateCampaignCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "issue", help: "YEAR/NUMBER of a newsletter issue, or NEWSLETTER/YEAR/NUMBER for another newsletter than the first")
        var issue: String?
        @Option(name: "list", help: "The mailing list's slug") var list: String?
        @Option(name: "subject", help: "Subject (English); the Chinese one is made from the issue line") var subject: String?
    }

    var help: String { "Creates a draft newsletter campaign and prints its id." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let parts = (signature.issue ?? "").split(separator: "/").map(String.init)
        let newsletter = parts.count == 3 ? parts[0] : nil
        guard (2...3).contains(parts.count), let year = Int(parts[parts.count - 2]), let number = Int(parts[parts.count - 1]),
            let issue = try await IssueAddress.find(newsletter: newsletter, year: year, number: number, on: app.db)
        else {
            throw CommandProblem(["--issue: YEAR/NUMBER of an existing issue, as 2021/7 (NEWSLETTER/YEAR/NUMBER for another newsletter)"])
        }
        guard let list = try await MailingList.query(on: app.db).filter(\.$slug == (signature.list ?? "")).first() else {
            throw CommandProblem(["--list: the slug of an existing mailing list"])
        }
        let subject = signature.subject ?? "Newsletter, " + IssueRecord.issueLine(year: issue.year, number: issue.number, .en)
        guard !subject.contains(where: \.isNewline) else { throw CommandProblem(["--subject: no line breaks"]) }
        let campaign = Campaign()
        campaign.selection = ""
        campaign.kind = .newsletter
        campaign.$issue.id = issue.id
        campaign.$list.id = list.id
        campaign.subjectEn = subject
        campaign.subjectZh = "简报 " + IssueRecord.issueLine(year: issue.year, number: issue.number, .zh)
        campaign.preheaderEn = ""
        campaign.preheaderZh = ""
        campaign.senderName = ""
        campaign.senderAddress = ""
        campaign.status = .draft
        campaign.total = 0
        campaign.createdBy = "create-campaign command"
        try await campaign.save(on: app.db)
        context.console.print(campaign.savedID.uuidString)
    }
}

/// `focal process-bounces --path PATH | --stdin`: reads returned mail (bounces and complaints) and
/// marks the subscribers. PATH is a Maildir (its `new/` messages are moved to `cur/` once read), a
/// folder of `.eml` files, or an mbox or single message file; `--stdin` reads one message (an
/// MTA's pipe transport).
struct ProcessBouncesCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "path", help: "A Maildir, a folder of .eml files, an mbox or a message file") var path: String?
        @Flag(name: "stdin", help: "Read one message from standard input (an MTA's pipe transport)") var stdin: Bool
    }

    var help: String { "Marks subscribers bounced or complained from returned mail (RFC 3464 and RFC 5965 reports)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        var summary = ReturnedMail.Summary()
        let returned = ReturnedMail()
        let sources: [ReturnedMailSource]
        switch (signature.path, signature.stdin) {
        case (let path?, false): sources = try ReturnedMailSource.messages(at: path)
        case (nil, true):
            sources = [ReturnedMailSource(name: "standard input", data: FileHandle.standardInput.readDataToEndOfFile(), readPath: nil)]
        default: throw CommandProblem(["path: give either --path PATH or --stdin"])
        }
        for source in sources {
            try await returned.apply(source.data, name: source.name, on: app.db, summary: &summary)
            try source.markRead()
        }
        context.console.print(
            "Messages read: \(summary.messages); hard bounces: \(summary.hardBounces); soft bounces (no change): \(summary.softBounces); "
                + "complaints: \(summary.complaints); about no subscriber: \(summary.unknownRecipients); skipped: \(summary.skipped.count)")
        for line in summary.skipped { context.console.print("  skipped " + line) }
    }
}

/// The messages under a path given to `process-bounces`.
struct ReturnedMailSource {
    let name: String
    let data: Data
    /// Where a Maildir message goes once read (`new/x` → `cur/x:2,S`); nil for other sources.
    let readPath: (from: String, to: String)?

    func markRead() throws {
        guard let readPath else { return }
        try FileManager.default.moveItem(atPath: readPath.from, toPath: readPath.to)
    }

    static func messages(at path: String) throws -> [ReturnedMailSource] {
        if path == "-" {
            return [ReturnedMailSource(name: "standard input", data: FileHandle.standardInput.readDataToEndOfFile(), readPath: nil)]
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandProblem(["path: \(path) does not exist"])
        }
        let files = FileManager.default
        if isDirectory.boolValue {
            let new = path + "/new"
            if files.fileExists(atPath: new), files.fileExists(atPath: path + "/cur") {
                return try files.contentsOfDirectory(atPath: new).filter { !$0.hasPrefix(".") }.sorted().compactMap { name in
                    files.contents(atPath: new + "/" + name).map {
                        ReturnedMailSource(name: new + "/" + name, data: $0, readPath: (new + "/" + name, path + "/cur/" + name + ":2,S"))
                    }
                }
            }
            return try files.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".eml") }.sorted().compactMap { name in
                files.contents(atPath: path + "/" + name).map { ReturnedMailSource(name: path + "/" + name, data: $0, readPath: nil) }
            }
        }
        guard let data = files.contents(atPath: path) else { throw CommandProblem(["path: \(path) cannot be read"]) }
        return mbox(data).enumerated().map { index, message in
            ReturnedMailSource(name: "\(path) #\(index + 1)", data: message, readPath: nil)
        }
    }

    /// An mbox file's messages, split at "From " lines (one message when there are none).
    static func mbox(_ data: Data) -> [Data] {
        let text = String(decoding: data, as: UTF8.self)
        guard text.hasPrefix("From ") else { return [data] }
        var messages: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("From "), !current.isEmpty {
                messages.append(current.joined(separator: "\n"))
                current = []
            }
            // mboxrd quoting: ">From " in a body was "From ".
            current.append(line.hasPrefix(">From ") ? line.dropFirst() : line)
        }
        if !current.joined().isEmpty { messages.append(current.joined(separator: "\n")) }
        return messages.map { Data($0.utf8) }
    }
}
