import Fluent
import Foundation
import SMTPKit

/// Acts on mail that comes back after it was accepted: a hard bounce (RFC 3464 report, status
/// 5.x.x) marks the subscriber bounced, a complaint (RFC 5965 feedback report) marks them
/// complained; either way the delivery it reports on, found by our Message-ID, is failed. Soft
/// bounces are counted and change nothing. Each message is applied in one transaction.
struct ReturnedMail {
    struct Summary: Sendable, Equatable {
        var messages = 0
        var hardBounces = 0
        var softBounces = 0
        var complaints = 0
        /// Reports about an address that is no subscriber (a test send, a person removed since).
        var unknownRecipients = 0
        /// What could not be used, one line each: the message's name and why.
        var skipped: [String] = []
    }

    /// Reads one returned message and applies what it reports. `name` is how the summary refers to it.
    func apply(_ data: Data, name: String, on db: any Database, summary: inout Summary) async throws {
        summary.messages += 1
        let reports: [DeliveryReport]
        do {
            reports = try DeliveryReport.reports(in: ReceivedMessage(data))
        } catch {
            summary.skipped.append("\(name): \(error)")
            return
        }
        let before = summary
        summary = try await db.transaction { db in
            var counts = before
            for report in reports { try await self.apply(report, on: db, counts: &counts) }
            return counts
        }
    }

    private func apply(_ report: DeliveryReport, on db: any Database, counts: inout Summary) async throws {
        switch report.kind {
        case .softBounce:
            counts.softBounces += 1
            return
        case .hardBounce: counts.hardBounces += 1
        case .complaint: counts.complaints += 1
        }
        let detail = String(([report.status, report.diagnostic].filter { !$0.isEmpty }.joined(separator: " ")).prefix(300))
        if let delivery = try await delivery(reportedOn: report, on: db) {
            delivery.status = .failed
            delivery.lastError = String(("returned after delivery (\(report.kind.rawValue)): " + detail).prefix(500))
            try await delivery.save(on: db)
        }
        guard let subscriber = try await Subscriber.query(on: db).filter(\.$email == Subscriber.normalise(report.recipient)).first() else {
            counts.unknownRecipients += 1
            return
        }
        let status: SubscriberStatus = report.kind == .complaint ? .complained : .bounced
        // A complaint outranks everything; a bounce does not overwrite an unsubscription or complaint.
        let applies = report.kind == .complaint ? subscriber.status != .complained : [.pending, .confirmed].contains(subscriber.status)
        guard applies else { return }
        subscriber.status = status
        subscriber.statusReason = detail
        try await subscriber.save(on: db)
        try await ConsentEvent(
            subscriberID: try subscriber.requireID(), action: report.kind == .complaint ? "complaint" : "bounce", textVersion: "",
            language: subscriber.language.rawValue, source: report.kind == .complaint ? "feedback-report" : "delivery-status-report",
            ipHash: "", detail: detail
        ).save(on: db)
    }

    /// Campaign messages carry `<campaign-id.delivery-id@host>` as their Message-ID.
    private func delivery(reportedOn report: DeliveryReport, on db: any Database) async throws -> Delivery? {
        guard let messageID = report.originalMessageID, let at = messageID.firstIndex(of: "@") else { return nil }
        let local = messageID[..<at].split(separator: ".")
        guard local.count == 2, let campaignID = UUID(uuidString: String(local[0])), let deliveryID = Int(local[1]) else { return nil }
        guard let delivery = try await Delivery.find(deliveryID, on: db), delivery.$campaign.id == campaignID,
            delivery.email == Subscriber.normalise(report.recipient)
        else { return nil }
        return delivery
    }
}
