import Fluent
import NIOCore
import SQLKit
import Vapor

/// What happens to consultations as time passes, run by every instance every minute: reminders
/// three days and one day before a deadline to countries that have not answered, and, at a
/// silence procedure's deadline, adoption unless silence was broken. Each step is claimed with a
/// conditional update, so with several instances it happens once.
enum ConsultationClock {
    struct Outcome: Equatable {
        var reminders = 0
        var adopted = 0
        var notAdopted = 0
        var closed = 0
    }

    @discardableResult
    static func tick(_ app: Application, now: Date = Date()) async throws -> Outcome {
        var outcome = Outcome()
        let db = app.db
        let mail = ConsultationMail(app: app)
        let open = try await ConsultationRound.query(on: db).filter(\.$deadline > now).filter(\.$mode == .comments).all()
        for round in open {
            let invited = try await RoundCountry.query(on: db).filter(\.$round.$id == round.savedID).all()
            let answered = Set(
                try await CountryAnswer.query(on: db).filter(\.$round.$id == round.savedID).filter(\.$status == .submitted).all()
                    .map(\.$country.id))
            let left = round.deadline.timeIntervalSince(now)
            for invitation in invited where !answered.contains(invitation.$country.id) {
                for (column, window, days) in [("reminded_3d_at", 3 * 86_400.0, 3), ("reminded_1d_at", 86_400.0, 1)] where left <= window {
                    guard try await claim(RoundCountry.schema, invitation.savedID, column: column, now: now, on: db) else { continue }
                    let recipients = try await ConsultationMail.focalPoints(of: [invitation.$country.id], on: db)
                    await mail.send(.reminder, round: round, to: recipients, extra: ["days": "\(days)"])
                    outcome.reminders += 1
                    break
                }
            }
        }
        let due = try await ConsultationRound.query(on: db).filter(\.$deadline <= now).filter(\.$concludedAt == nil).all()
        for round in due {
            let invited = try await RoundCountry.query(on: db).filter(\.$round.$id == round.savedID).all()
            guard ConsultationRules.isClosed(round, invited: invited, now: now) else { continue }
            switch try await conclude(round, invited: invited, now: now, on: db) {
            case .none: continue
            case .some(true):
                outcome.adopted += 1
                let everyone = try await ConsultationMail.focalPoints(of: invited.map(\.$country.id), on: db)
                await mail.send(.adopted, round: round, to: everyone + (try await ConsultationMail.secretariat(on: db)))
            case .some(false) where round.mode == .silence:
                outcome.notAdopted += 1
                await mail.send(.notAdopted, round: round, to: try await ConsultationMail.secretariat(on: db))
            case .some(false): outcome.closed += 1
            }
        }
        if outcome.adopted > 0 { try await app.contentChanged() }
        return outcome
    }

    /// Concludes a round whose deadline has passed, once: a silence procedure nobody broke adopts the
    /// document on the deadline's day in the round's time zone. Returns nil when another instance
    /// concluded it first, else whether the document was adopted.
    static func conclude(_ round: ConsultationRound, invited: [RoundCountry], now: Date, on db: any Database) async throws -> Bool? {
        try await db.transaction { db in
            guard try await claim(ConsultationRound.schema, round.savedID, column: "concluded_at", now: now, on: db) else { return nil }
            guard round.mode == .silence else { return false }
            let broken = try await CountryAnswer.query(on: db).filter(\.$round.$id == round.savedID).filter(\.$silenceBrokenAt != nil).all()
            let adopted = broken.isEmpty
            round.concludedAt = now
            round.adopted = adopted
            try await round.save(on: db)
            let document = try await round.$document.get(on: db)
            let before = ["lifecycle": document.lifecycle.rawValue, "adopted_on": document.adoptedOn ?? ""]
            if adopted {
                document.lifecycle = .adopted
                document.adoptedOn = MeetingTime.local(round.deadline, in: TimeZone(identifier: round.timeZone) ?? .gmt).date
            } else {
                // Not adopted: the text goes back to the member states' comments.
                document.lifecycle = .forComment
            }
            try await document.save(on: db)
            try await AuditEntry(
                actor: nil, actorLabel: "consultation clock", action: adopted ? "adopt" : "update", entityType: "document",
                entityID: document.savedID.uuidString, summary: document.titleEn + ", round \(round.number)",
                before: before,
                after: adopted
                    ? ["lifecycle": "adopted", "adopted_on": document.adoptedOn ?? "", "by": "silence procedure"]
                    : ["lifecycle": "for_comment", "silence_broken_by": "\(broken.count)"]
            ).save(on: db)
            return adopted
        }
    }

    /// Sets a moment column that is still empty; true for the one caller that set it.
    private static func claim(_ table: String, _ id: UUID, column: String, now: Date, on db: any Database) async throws -> Bool {
        let rows = try await (try db.sql).update(table).set(SQLIdentifier(column), to: SQLBind(now)).where("id", .equal, id)
            .where(SQLIdentifier(column), .is, SQLLiteral.null).returning("id").all()
        return !rows.isEmpty
    }
}

/// Runs the consultation clock inside `focal serve`.
struct ConsultationScheduler: LifecycleHandler {
    let interval: TimeAmount

    func didBootAsync(_ application: Application) async throws {
        let logger = application.logger
        application.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(7), delay: interval) { _ in
            application.eventLoopGroup.next().makeFutureWithTask {
                do {
                    let outcome = try await ConsultationClock.tick(application)
                    if outcome != ConsultationClock.Outcome() { logger.info("Consultations: \(outcome)") }
                } catch {
                    logger.report(error: error)
                }
            }
        }
    }
}
