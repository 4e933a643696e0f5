import Fluent
import Foundation
import NIOConcurrencyHelpers
import SMTPKit
import SQLKit
import Vapor

/// Sends campaigns: delivery rows are claimed in small batches (FOR UPDATE SKIP LOCKED on
/// PostgreSQL, SQLite's single writer otherwise), each message goes over a pooled connection, and
/// a delivery is recorded as sent in the local journal the moment its last byte is handed to the
/// socket and in the database right after. Any number of processes can work on one campaign.
final class MailEngine: Sendable {
    struct Progress: Sendable, Equatable {
        var total = 0
        var sent = 0
        var failed = 0
        var pending = 0
        var sending = 0
        var rate = 0.0
        var remaining: Int { pending + sending }
        var eta: TimeInterval? { rate > 0 ? Double(remaining) / rate : nil }
    }

    let settings: MailSettings
    let pool: SMTPPool
    let journal: DeliveryJournal
    let instanceID: String
    let batchSize = 40
    private let limiter: RateLimiter
    /// Bytes and messages handed to the server by this process, for the average message size.
    let volume = NIOLockedValueBox<(bytes: Int, messages: Int)>((0, 0))

    init(settings: MailSettings, smtp: SMTPConfiguration, dataDirectory: String, group: any EventLoopGroup) throws {
        self.settings = settings
        pool = SMTPPool(configuration: smtp, maximumConnections: settings.concurrency, group: group)
        instanceID = try Self.instanceID(in: dataDirectory)
        journal = try DeliveryJournal(path: dataDirectory + "/mail-journal-" + instanceID + ".log")
        limiter = RateLimiter(perSecond: settings.rate)
    }

    /// A name for this installation's worker, kept in its data directory across restarts, so its
    /// claims and journal can be found again after a crash.
    private static func instanceID(in directory: String) throws -> String {
        let path = directory + "/mail-worker-id"
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
            !existing.isEmpty
        {
            return existing
        }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let id = "w-" + UUID().uuidString.prefix(8).lowercased()
        try id.write(toFile: path, atomically: true, encoding: .utf8)
        return id
    }

    // MARK: recovery

    /// After a crash: claimed deliveries whose message was fully written count as sent; the
    /// others are sent again.
    func recover(on db: any Database) async throws {
        let written = Array(journal.recordedIDs())
        let sql = db as! any SQLDatabase
        for chunk in stride(from: 0, to: written.count, by: 500).map({ Array(written[$0..<min($0 + 500, written.count)]) }) {
            try await sql.update(Delivery.schema).set("status", to: DeliveryStatus.sent.rawValue).set("sent_at", to: Date())
                .where("status", .equal, DeliveryStatus.sending.rawValue).where("claimed_by", .equal, instanceID).where("id", .in, chunk)
                .run()
        }
        try await sql.update(Delivery.schema).set("status", to: DeliveryStatus.pending.rawValue)
            .where("status", .equal, DeliveryStatus.sending.rawValue).where("claimed_by", .equal, instanceID).run()
        journal.clear()
    }

    // MARK: sending

    /// Works on the campaign until nothing is left to claim or it is paused or cancelled.
    func run(campaignID: UUID, app: Application, progress: (@Sendable (Progress) -> Void)? = nil) async throws {
        let db = app.db
        let composer = try await CampaignPreparation.composer(for: campaignID, app: app)
        let reporter = progress.map { report in
            Task {
                while !Task.isCancelled {
                    if let current = try? await self.progress(campaignID: campaignID, on: db) { report(current) }
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        defer { reporter?.cancel() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<settings.concurrency {
                group.addTask { try await self.workLoop(campaignID: campaignID, composer: composer, db: db) }
            }
            try await group.waitForAll()
        }
        try await finishIfDone(campaignID: campaignID, on: db)
        if let progress { progress(try await self.progress(campaignID: campaignID, on: db)) }
    }

    private func workLoop(campaignID: UUID, composer: MailComposer, db: any Database) async throws {
        while true {
            guard try await Campaign.find(campaignID, on: db)?.status == .sending else { return }
            let batch = try await claim(campaignID: campaignID, on: db)
            if batch.isEmpty { return }
            var sent: [Int] = []
            for recipient in batch {
                do {
                    try await deliver(recipient, composer: composer)
                    sent.append(recipient.deliveryID)
                } catch let error as SMTPError where error.isTransient {
                    journal.retract(recipient.deliveryID)
                    try await retryLater(recipient, error: error.description, on: db)
                } catch {
                    journal.retract(recipient.deliveryID)
                    try await fail(recipient, error: "\(error)", on: db)
                }
            }
            if !sent.isEmpty {
                try await (db as! any SQLDatabase).update(Delivery.schema).set("status", to: DeliveryStatus.sent.rawValue)
                    .set("sent_at", to: Date()).where("id", .in, sent).run()
            }
        }
    }

    private func deliver(_ recipient: MailComposer.Recipient, composer: MailComposer) async throws {
        var bytes = try composer.message(for: recipient).render()
        if let dkim = settings.dkim { bytes = try dkim.sign(bytes) }
        if limiter.isLimited { await limiter.wait() }
        let message = bytes
        volume.withLockedValue { $0 = ($0.bytes + bytes.count, $0.messages + 1) }
        let sender = settings.fromAddress
        let journal = self.journal
        try await pool.withConnection { connection in
            try await connection.send(from: sender, to: [recipient.email], message: message) {
                journal.recordWritten(recipient.deliveryID)
            }
        }
    }

    /// Claims the next deliveries of a campaign for this worker, atomically.
    func claim(campaignID: UUID, on db: any Database) async throws -> [MailComposer.Recipient] {
        let sql = db as! any SQLDatabase
        let now = Date()
        let skipLocked = sql.dialect.name == "postgresql" ? "FOR UPDATE SKIP LOCKED" : ""
        let rows = try await sql.raw(
            """
            UPDATE \(ident: Delivery.schema) SET status = \(bind: DeliveryStatus.sending.rawValue), claimed_by = \(bind: instanceID),
              claimed_at = \(bind: now), attempts = attempts + 1
            WHERE id IN (SELECT id FROM \(ident: Delivery.schema) WHERE campaign_id = \(bind: campaignID)
              AND status = \(bind: DeliveryStatus.pending.rawValue) AND (next_attempt_at IS NULL OR next_attempt_at <= \(bind: now))
              ORDER BY id LIMIT \(bind: batchSize) \(unsafeRaw: skipLocked))
            RETURNING id, email, name, language, subscriber_id, participation_id
            """
        ).all()
        return try rows.map { row in
            MailComposer.Recipient(
                deliveryID: try row.decode(column: "id", as: Int.self), email: try row.decode(column: "email", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                language: SubscriberLanguage(rawValue: try row.decode(column: "language", as: String.self)) ?? .en,
                subscriberID: try row.decode(column: "subscriber_id", as: UUID?.self),
                participationID: try row.decode(column: "participation_id", as: UUID?.self))
        }.sorted { $0.deliveryID < $1.deliveryID }
    }

    static let maximumAttempts = 5

    private func retryLater(_ recipient: MailComposer.Recipient, error: String, on db: any Database) async throws {
        guard let delivery = try await Delivery.find(recipient.deliveryID, on: db) else { return }
        if delivery.attempts >= Self.maximumAttempts {
            return try await fail(recipient, error: error, on: db)
        }
        delivery.status = .pending
        delivery.lastError = error
        delivery.nextAttemptAt = Date().addingTimeInterval(Double(30 << min(delivery.attempts - 1, 6)))
        try await delivery.save(on: db)
    }

    /// A permanent refusal is a hard bounce: the subscriber is no longer sent to.
    private func fail(_ recipient: MailComposer.Recipient, error: String, on db: any Database) async throws {
        try await (db as! any SQLDatabase).update(Delivery.schema).set("status", to: DeliveryStatus.failed.rawValue)
            .set("last_error", to: String(error.prefix(500))).where("id", .equal, recipient.deliveryID).run()
        if let subscriberID = recipient.subscriberID, let subscriber = try await Subscriber.find(subscriberID, on: db),
            error.contains("permanent")
        {
            subscriber.status = .bounced
            subscriber.statusReason = String(error.prefix(300))
            try await subscriber.save(on: db)
            try await ConsentEvent(
                subscriberID: subscriberID, action: "bounce", textVersion: "", language: subscriber.language.rawValue, source: "smtp",
                ipHash: "",
                detail: String(error.prefix(300))
            ).save(on: db)
        }
    }

    func finishIfDone(campaignID: UUID, on db: any Database) async throws {
        let open = try await Delivery.query(on: db).filter(\.$campaign.$id == campaignID).filter(\.$status ~~ [.pending, .sending]).count()
        guard open == 0, let campaign = try await Campaign.find(campaignID, on: db), campaign.status == .sending else { return }
        campaign.status = .finished
        campaign.finishedAt = Date()
        try await campaign.save(on: db)
    }

    func progress(campaignID: UUID, on db: any Database) async throws -> Progress {
        let sql = db as! any SQLDatabase
        var progress = Progress()
        for row in try await sql.raw(
            "SELECT status, COUNT(*) AS n FROM \(ident: Delivery.schema) WHERE campaign_id = \(bind: campaignID) GROUP BY status"
        ).all() {
            let count = try row.decode(column: "n", as: Int.self)
            switch DeliveryStatus(rawValue: try row.decode(column: "status", as: String.self)) {
            case .sent: progress.sent = count
            case .failed: progress.failed = count
            case .pending: progress.pending = count
            case .sending: progress.sending = count
            case nil: break
            }
        }
        progress.total = progress.sent + progress.failed + progress.pending + progress.sending
        let window: TimeInterval = 10
        let recent = try await Delivery.query(on: db).filter(\.$campaign.$id == campaignID).filter(\.$status == .sent)
            .filter(\.$sentAt >= Date().addingTimeInterval(-window)).count()
        progress.rate = Double(recent) / window
        return progress
    }

    /// A test message of the campaign to the given addresses, outside its deliveries.
    func sendTest(campaignID: UUID, to addresses: [String], app: Application) async throws {
        let composer = try await CampaignPreparation.composer(for: campaignID, app: app)
        for (index, address) in addresses.enumerated() {
            let recipient = MailComposer.Recipient(
                deliveryID: -(index + 1), email: address, name: "", language: .both, subscriberID: nil, participationID: nil)
            var bytes = try composer.message(for: recipient).render()
            if let dkim = settings.dkim { bytes = try dkim.sign(bytes) }
            let message = bytes
            let sender = settings.fromAddress
            try await pool.withConnection { try await $0.send(from: sender, to: [address], message: message) }
        }
    }

    /// One message outside campaigns, as a subscription confirmation.
    func sendSingle(_ message: MailMessage) async throws {
        var bytes = try message.render()
        if let dkim = settings.dkim { bytes = try dkim.sign(bytes) }
        let data = bytes
        let sender = settings.fromAddress
        let recipients = message.to.map(\.address)
        try await pool.withConnection {
            try await $0.send(from: sender, to: recipients, message: data, requiresSMTPUTF8: message.requiresSMTPUTF8)
        }
    }
}

/// Spaces messages out to the configured rate; 0 means no limit.
actor RateLimiter {
    private let interval: Double
    /// Read without a hop to the actor: with no limit there is nothing to wait for.
    nonisolated var isLimited: Bool { interval > 0 }
    private var next = Date.distantPast

    init(perSecond: Int) {
        interval = perSecond > 0 ? 1 / Double(perSecond) : 0
    }

    func wait() async {
        guard interval > 0 else { return }
        let now = Date()
        let slot = max(now, next)
        next = slot.addingTimeInterval(interval)
        let delay = slot.timeIntervalSince(now)
        if delay > 0 { try? await Task.sleep(for: .milliseconds(Int(delay * 1000))) }
    }
}

extension Application {
    private struct MailEngineKey: StorageKey { typealias Value = MailEngine }

    /// Nil when no SMTP server is configured.
    var mailEngine: MailEngine? {
        get { storage[MailEngineKey.self] }
        set { storage[MailEngineKey.self] = newValue }
    }
}
