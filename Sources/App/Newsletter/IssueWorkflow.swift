import Fluent
import Foundation
import SQLKit

/// The editorial states an issue moves through, and what must hold before each move.
enum IssueWorkflow {
    enum Refusal: Error, Equatable {
        case noArticles
        case emptyReadyEdition(Language)
        case scheduleInPast
        case notAllowed(from: IssueStatus)
        /// A draft goes to review before it is published or scheduled.
        case notReviewed
        /// The person who submitted the issue for review may not approve it.
        case ownSubmission
    }

    /// Who may publish or schedule: another editor than the one who submitted the issue, unless
    /// the centre allows a one-person secretariat to approve its own.
    static func checkReview(_ issue: NewsletterIssue, by user: UUID?, selfApproval: Bool) -> Refusal? {
        guard !selfApproval else { return nil }
        switch issue.status {
        case .draft: return .notReviewed
        case .inReview: return issue.submittedByID == nil || issue.submittedByID == user ? .ownSubmission : nil
        default: return nil
        }
    }

    /// An issue may go out when at least one edition has articles and every edition marked ready
    /// has some; an edition without text must be marked as awaiting translation.
    static func checkPublishable(_ record: IssueRecord) -> Refusal? {
        guard record.editions.contains(where: { !record.articles($0.language).isEmpty }) else { return .noArticles }
        for edition in record.editions where edition.status == .ready && record.articles(edition.language).isEmpty {
            return .emptyReadyEdition(edition.language)
        }
        return nil
    }

    static func submitForReview(_ issue: NewsletterIssue, by user: UUID?) throws(Refusal) {
        guard issue.status == .draft else { throw .notAllowed(from: issue.status) }
        issue.status = .inReview
        issue.submittedByID = user
    }

    static func publishNow(_ record: IssueRecord, now: Date = Date()) throws(Refusal) {
        if let refusal = checkPublishable(record) { throw refusal }
        guard record.issue.status != .published else { throw .notAllowed(from: .published) }
        record.issue.status = .published
        record.issue.publishedAt = now
        record.issue.scheduledAt = nil
    }

    static func schedule(_ record: IssueRecord, at time: Date, now: Date = Date()) throws(Refusal) {
        guard time > now else { throw .scheduleInPast }
        if let refusal = checkPublishable(record) { throw refusal }
        guard record.issue.status != .published else { throw .notAllowed(from: .published) }
        record.issue.status = .scheduled
        record.issue.scheduledAt = time
    }

    static func backToDraft(_ issue: NewsletterIssue) {
        issue.status = .draft
        issue.submittedByID = nil
        issue.scheduledAt = nil
        issue.publishedAt = nil
    }

    /// Publishes the scheduled issues whose time has come; returns how many.
    @discardableResult
    static func publishDue(on db: any Database, now: Date = Date()) async throws -> Int {
        let due = try await NewsletterIssue.query(on: db).filter(\.$status == .scheduled).filter(\.$scheduledAt <= now).all()
        var published = 0
        for issue in due {
            let record = try await IssueRecord.load(issue, on: db)
            do {
                try publishNow(record, now: now)
            } catch {
                // Content changed after scheduling so the issue may no longer go out: back to review.
                issue.status = .inReview
                issue.scheduledAt = nil
            }
            let claimed = try await db.transaction { db -> Bool in
                // Every instance runs the scheduler: the first to move the issue out of
                // `scheduled` publishes it; the others find it gone and do nothing.
                let moved = try await (try db.sql).update(NewsletterIssue.schema).set("status", to: issue.status.rawValue)
                    .where("id", .equal, issue.id).where("status", .equal, IssueStatus.scheduled.rawValue).returning("id").all()
                guard !moved.isEmpty else { return false }
                try await issue.save(on: db)
                try await AuditEntry(
                    actor: nil, actorLabel: "scheduler", action: issue.status == .published ? "publish" : "update",
                    entityType: "newsletter_issue",
                    entityID: issue.savedID.uuidString, summary: IssueRecord.issueLine(year: issue.year, number: issue.number, .en),
                    before: [:],
                    after: ["status": issue.status.rawValue]
                ).save(on: db)
                return true
            }
            if claimed, issue.status == .published { published += 1 }
        }
        return published
    }
}
