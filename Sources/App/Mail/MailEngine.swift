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
        /// Not sent because the subscriber left while the campaign was under way.
        var skipped = 0
        var rate = 0.0
        var remaining: Int { pending + sending }
        var eta: TimeInterval? { rate > 0 ? Double(remaining) / rate : nil }
    }

    let settings: MailSettings
    let pool: SMTPPool
    let identity: WorkerIdentity
    let journal: DeliveryJournal
    let health: MailServerHealth
    let dataDirectory: String
    var instanceID: String { identity.id }
    let batchSize = 40
    /// A claim older than this, not refreshed by its live process, is taken back by anyone.
    static let lease: TimeInterval = 300
    private let limiter: RateLimiter
    /// Deliveries this process has claimed and not yet settled: their claims are kept fresh.
    private let inFlight = NIOLockedValueBox<Set<Int>>([])
    /// Set at SIGTERM or shutdown: the transactions under way finish, nothing new is claimed, and
    /// the rest of each claimed batch goes back to pending for whoever sends next.
    private let stopping = NIOLockedValueBox(false)
    var isStopping: Bool { stopping.withLockedValue { $0 } }
    func stop() { stopping.withLockedValue { $0 = true } }
    /// Bytes and messages handed to the server by this process, for the average message size.
    let volume = NIOLockedValueBox<(bytes: Int, messages: Int)>((0, 0))

    init(settings: MailSettings, smtp: SMTPConfiguration, dataDirectory: String, group: any EventLoopGroup) throws {
        self.settings = settings
        self.dataDirectory = dataDirectory
        pool = SMTPPool(configuration: smtp, maximumConnections: settings.concurrency, group: group)
        identity = try WorkerIdentity(dataDirectory: dataDirectory)
        journal = try DeliveryJournal(path: identity.journalPath)
        health = MailServerHealth(pauseAfter: TimeInterval(settings.outagePauseSeconds))
        limiter = RateLimiter(perSecond: settings.rate)
    }

    // MARK: recovery

    /// At start: this process's claims left by its previous life count as sent where the journal
    /// says the message was written, and go back to pending otherwise. Other processes' claims are
    /// not touched (they expire with their lease if their process is gone).
    func recover(on db: any Database) async throws {
        try await settleOwnClaims(on: db)
        journal.clear()
    }

    private func settleOwnClaims(on db: any Database) async throws {
        let live = inFlight.withLockedValue { $0 }
        try await settle(claimant: instanceID, written: journal.recordedIDs(), except: live, olderThan: nil, on: db)
    }

    /// Claims whose lease ran out (their process died or hung) go back to pending, or to sent
    /// where the claimant's journal, when it is in this data directory, says they were written.
    func expireLeases(campaignID: UUID, on db: any Database) async throws {
        let cutoff = Date().addingTimeInterval(-Self.lease)
        let sql = try db.sql
        let claimants = try await sql.raw(
            """
            SELECT DISTINCT claimed_by FROM \(ident: Delivery.schema) WHERE campaign_id = \(bind: campaignID)
              AND status = \(bind: DeliveryStatus.sending.rawValue) AND claimed_at < \(bind: cutoff)
            """
        ).all().map { try $0.decode(column: "claimed_by", as: String.self) }
        for claimant in claimants {
            let written =
                claimant == instanceID
                ? journal.recordedIDs() : DeliveryJournal.recordedIDs(at: dataDirectory + "/mail-journal-" + claimant + ".log")
            try await settle(claimant: claimant, written: written, except: inFlight.withLockedValue { $0 }, olderThan: cutoff, on: db)
        }
    }

    private func settle(claimant: String, written: Set<Int>, except live: Set<Int>, olderThan cutoff: Date?, on db: any Database)
        async throws
    {
        let sql = try db.sql
        let sent = Array(written.subtracting(live))
        for chunk in stride(from: 0, to: sent.count, by: 500).map({ Array(sent[$0..<min($0 + 500, sent.count)]) }) {
            var update = sql.update(Delivery.schema).set("status", to: DeliveryStatus.sent.rawValue).set("sent_at", to: Date())
                .where("status", .equal, DeliveryStatus.sending.rawValue).where("claimed_by", .equal, claimant).where("id", .in, chunk)
            if let cutoff { update = update.where("claimed_at", .lessThan, cutoff) }
            try await update.run()
        }
        var reset = sql.update(Delivery.schema).set("status", to: DeliveryStatus.pending.rawValue).set("claimed_by", to: "")
            .where("status", .equal, DeliveryStatus.sending.rawValue).where("claimed_by", .equal, claimant)
        if !live.isEmpty { reset = reset.where("id", .notIn, Array(live)) }
        if let cutoff { reset = reset.where("claimed_at", .lessThan, cutoff) }
        try await reset.run()
    }

    // MARK: sending

    /// Works on the campaign until nothing is left to claim or it is paused or cancelled. Pending
    /// deliveries waiting for a retry (`next_attempt_at`) are left for a later run.
    func run(campaignID: UUID, app: Application, progress: (@Sendable (Progress) -> Void)? = nil) async throws {
        let db = app.db
        try await settleOwnClaims(on: db)
        try await expireLeases(campaignID: campaignID, on: db)
        let composer = try await CampaignPreparation.composer(for: campaignID, app: app)
        let metrics = try app.metrics
        let reporter = progress.map { report in
            Task {
                while !Task.isCancelled {
                    if let current = try? await self.progress(campaignID: campaignID, on: db) { report(current) }
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
        }
        let heartbeat = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(Self.lease / 5))
                let live = Array(self.inFlight.withLockedValue { $0 })
                if !live.isEmpty {
                    try? await (try db.sql).update(Delivery.schema).set("claimed_at", to: Date())
                        .where("id", .in, live).where("claimed_by", .equal, self.instanceID).run()
                }
            }
        }
        defer {
            reporter?.cancel()
            heartbeat.cancel()
        }
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<settings.concurrency {
                    group.addTask { try await self.workLoop(campaignID: campaignID, composer: composer, db: db, metrics: metrics) }
                }
                try await group.waitForAll()
            }
        } catch {
            // A failed database write must not strand claims: settle them from the journal.
            try? await settleOwnClaims(on: db)
            throw error
        }
        try await finishIfDone(campaignID: campaignID, on: db)
        if let progress { progress(try await self.progress(campaignID: campaignID, on: db)) }
    }

    private func workLoop(campaignID: UUID, composer: MailComposer, db: any Database, metrics: FocalMetrics) async throws {
        while !isStopping {
            guard try await Campaign.find(campaignID, on: db)?.status == .sending else { return }
            let batch = try await claim(campaignID: campaignID, on: db)
            if batch.isEmpty { return }
            // Whatever happens to the batch (a failed database write included), it is no longer
            // in flight once this round ends: a later settlement must be able to reach its rows.
            defer {
                inFlight.withLockedValue { live in
                    for recipient in batch { live.remove(recipient.deliveryID) }
                }
            }
            var sent: [Int] = []
            var serverProblem: (any Error)?
            for (index, recipient) in batch.enumerated() {
                if isStopping {
                    try await release(batch[index...].map(\.deliveryID), on: db)
                    break
                }
                do {
                    try await deliver(recipient, composer: composer)
                    health.answered()
                    sent.append(recipient.deliveryID)
                } catch let failure as SMTPDeliveryFailure where failure.stage != .server {
                    health.answered()
                    switch failure.stage {
                    case .afterData:
                        // The whole message was handed over and only the final reply was lost: it
                        // counts as sent (sending it again could deliver it twice).
                        sent.append(recipient.deliveryID)
                    case .recipient where failure.isHardBounce:
                        try await giveUp(recipient, error: failure.description, bounce: true, on: db)
                    case .recipient where failure.error.isTransient:
                        try await retryLater(recipient, error: failure.description, on: db)
                    default:
                        try await giveUp(recipient, error: failure.description, bounce: false, on: db)
                    }
                } catch {
                    // The server's state, not this recipient's: the rest of the batch waits.
                    journal.retract(recipient.deliveryID)
                    try await release(batch[index...].map(\.deliveryID), on: db)
                    serverProblem = error
                    break
                }
            }
            if !sent.isEmpty {
                try await (try db.sql).update(Delivery.schema).set("status", to: DeliveryStatus.sent.rawValue)
                    .set("sent_at", to: Date()).where("id", .in, sent).run()
                metrics.recordMailSent(sent.count)
            }
            if let serverProblem {
                switch health.failed(serverProblem) {
                case .wait(let delay): try await Task.sleep(for: delay)
                case .pause(let reason):
                    try await pause(campaignID: campaignID, reason: reason, on: db)
                    return
                }
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

    /// Claims the next deliveries of a campaign for this worker, atomically. A subscriber who is
    /// no longer confirmed (unsubscribed, bounced or complained since the campaign started) is
    /// skipped, not sent to.
    func claim(campaignID: UUID, on db: any Database) async throws -> [MailComposer.Recipient] {
        let sql = try db.sql
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
        var recipients = try rows.map { row in
            MailComposer.Recipient(
                deliveryID: try row.decode(column: "id", as: Int.self), email: try row.decode(column: "email", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                language: SubscriberLanguage(rawValue: try row.decode(column: "language", as: String.self)) ?? .en,
                subscriberID: try row.decode(column: "subscriber_id", as: UUID?.self),
                participationID: try row.decode(column: "participation_id", as: UUID?.self))
        }.sorted { $0.deliveryID < $1.deliveryID }
        let subscriberIDs = recipients.compactMap(\.subscriberID)
        if !subscriberIDs.isEmpty {
            let gone = Set(
                try await Subscriber.query(on: db).filter(\.$id ~~ subscriberIDs).filter(\.$status != .confirmed).all(\.$id))
            let skipped = recipients.filter { $0.subscriberID.map(gone.contains) ?? false }.map(\.deliveryID)
            if !skipped.isEmpty {
                try await sql.update(Delivery.schema).set("status", to: DeliveryStatus.skipped.rawValue)
                    .set("last_error", to: "not sent: the subscriber is no longer subscribed").where("id", .in, skipped).run()
                recipients.removeAll { skipped.contains($0.deliveryID) }
            }
        }
        // In flight only once the claim is complete: if a step above failed, the rows are still
        // this process's claims and its next settlement puts them back.
        inFlight.withLockedValue { live in
            for recipient in recipients { live.insert(recipient.deliveryID) }
        }
        return recipients
    }

    static let maximumAttempts = 5

    /// Puts claimed deliveries back, untried: the attempt the claim counted did not happen.
    private func release(_ deliveryIDs: [Int], on db: any Database) async throws {
        guard !deliveryIDs.isEmpty else { return }
        try await (try db.sql).raw(
            """
            UPDATE \(ident: Delivery.schema) SET status = \(bind: DeliveryStatus.pending.rawValue), claimed_by = '',
              attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
            WHERE id IN (\(binds: deliveryIDs)) AND status = \(bind: DeliveryStatus.sending.rawValue)
            """
        ).run()
    }

    private func retryLater(_ recipient: MailComposer.Recipient, error: String, on db: any Database) async throws {
        journal.retract(recipient.deliveryID)
        guard let delivery = try await Delivery.find(recipient.deliveryID, on: db) else { return }
        if delivery.attempts >= Self.maximumAttempts {
            return try await giveUp(recipient, error: error, bounce: false, on: db)
        }
        delivery.status = .pending
        delivery.lastError = error
        delivery.nextAttemptAt = Date().addingTimeInterval(Double(30 << min(delivery.attempts - 1, 6)))
        try await delivery.save(on: db)
    }

    /// The delivery fails. Only the server's permanent refusal of this recipient or its message
    /// (`bounce`) marks the subscriber bounced, with an entry in their consent ledger.
    private func giveUp(_ recipient: MailComposer.Recipient, error: String, bounce: Bool, on db: any Database) async throws {
        journal.retract(recipient.deliveryID)
        try await (try db.sql).update(Delivery.schema).set("status", to: DeliveryStatus.failed.rawValue)
            .set("last_error", to: String(error.prefix(500))).where("id", .equal, recipient.deliveryID).run()
        guard bounce, let subscriberID = recipient.subscriberID, let subscriber = try await Subscriber.find(subscriberID, on: db) else {
            return
        }
        try await db.transaction { db in
            subscriber.status = .bounced
            subscriber.statusReason = String(error.prefix(300))
            try await subscriber.save(on: db)
            try await ConsentEvent(
                subscriberID: subscriberID, action: "bounce", textVersion: "", language: subscriber.language.rawValue, source: "smtp",
                ipHash: "", detail: String(error.prefix(300))
            ).save(on: db)
        }
    }

    /// Holds the campaign back with the server's words, shown in the admin and by the CLI.
    func pause(campaignID: UUID, reason: String, on db: any Database) async throws {
        guard let campaign = try await Campaign.find(campaignID, on: db), campaign.status == .sending else { return }
        campaign.status = .paused
        campaign.pauseReason = String(reason.prefix(500))
        try await campaign.save(on: db)
    }

    /// When the earliest delivery waiting for a retry is due, if any waits.
    func nextRetry(campaignID: UUID, on db: any Database) async throws -> Date? {
        try await Delivery.query(on: db).filter(\.$campaign.$id == campaignID).filter(\.$status == .pending)
            .filter(\.$nextAttemptAt != nil).sort(\.$nextAttemptAt).first()?.nextAttemptAt
    }

    func finishIfDone(campaignID: UUID, on db: any Database) async throws {
        let open = try await Delivery.query(on: db).filter(\.$campaign.$id == campaignID).filter(\.$status ~~ [.pending, .sending]).count()
        guard open == 0, let campaign = try await Campaign.find(campaignID, on: db), campaign.status == .sending else { return }
        campaign.status = .finished
        campaign.finishedAt = Date()
        try await campaign.save(on: db)
    }

    func progress(campaignID: UUID, on db: any Database) async throws -> Progress {
        let sql = try db.sql
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
            case .skipped: progress.skipped = count
            case nil: break
            }
        }
        progress.total = progress.sent + progress.failed + progress.pending + progress.sending + progress.skipped
        // Messages per second over the last 10 s, or since the first message when the campaign is
        // younger than that (dividing by the full window understated a short campaign's rate).
        let now = Date()
        let sent = Delivery.query(on: db).filter(\.$campaign.$id == campaignID).filter(\.$status == .sent)
        if let first = try await sent.copy().min(\.$sentAt) ?? nil {
            let since = max(now.addingTimeInterval(-10), first)
            let seconds = now.timeIntervalSince(since)
            let recent = try await sent.copy().filter(\.$sentAt >= since).count()
            progress.rate = seconds >= 1 ? Double(recent) / seconds : 0
        }
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
            health.answered()
        }
    }

    /// One message outside campaigns, as a subscription confirmation.
    /// Whether the mail server takes addresses with non-ASCII characters before the @ (SMTPUTF8),
    /// as its greeting on a pooled connection says.
    func acceptsInternationalAddresses() async throws -> Bool {
        try await pool.withConnection { $0.supportsSMTPUTF8 }
    }

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
