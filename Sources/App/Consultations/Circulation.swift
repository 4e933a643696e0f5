import Fluent
import Foundation

/// Sending a version to the member states: the version is frozen, the round and its invited
/// countries recorded, the document's stage moved, all in one transaction.
enum Circulation {
    struct Request: Sendable {
        let mode: RoundMode
        let deadline: Date
        let timeZone: String
        let visibility: AnswerVisibility
        let countryIDs: [UUID]
        var illustrative = false
    }

    static func circulate(
        _ document: Document, version: DraftVersion, _ request: Request, actor: User?, actorLabel: String? = nil, now: Date = Date(),
        on db: any Database
    ) async throws -> ConsultationRound {
        guard request.deadline > now else {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "deadline", key: "consultation.deadline_past")
        }
        guard !request.countryIDs.isEmpty else {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "countries", key: "consultation.no_countries")
        }
        let documentID = document.savedID
        guard version.$document.id == documentID else {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "version", key: "consultation.no_version")
        }
        return try await db.transaction { db in
            let rounds = try await ConsultationRound.query(on: db).filter(\.$document.$id == documentID).all()
            if rounds.contains(where: { $0.deadline > now }) {
                throw ConsultationRefusal(status: .conflict, field: "deadline", key: "consultation.round_open")
            }
            if rounds.contains(where: { $0.adopted == true }) {
                throw ConsultationRefusal(status: .conflict, field: "version", key: "consultation.already_adopted")
            }
            guard try await DraftParagraph.query(on: db).filter(\.$version.$id == version.savedID).filter(\.$kind == .paragraph).count() > 0
            else { throw ConsultationRefusal(status: .unprocessableEntity, field: "version", key: "consultation.no_paragraphs") }
            let known = try await Country.query(on: db).filter(\.$id ~~ request.countryIDs).count()
            guard known == Set(request.countryIDs).count else {
                throw ConsultationRefusal(status: .unprocessableEntity, field: "countries", key: "validation.choice")
            }
            if version.frozenAt == nil {
                version.frozenAt = now
                try await version.save(on: db)
            }
            let round = ConsultationRound()
            round.$document.id = documentID
            round.$version.id = version.savedID
            round.number = (rounds.map(\.number).max() ?? 0) + 1
            round.mode = request.mode
            round.deadline = request.deadline
            round.timeZone = request.timeZone
            round.answerVisibility = request.visibility
            round.illustrative = request.illustrative
            round.circulatedBy = actor?.email ?? actorLabel ?? ""
            try await round.save(on: db)
            let left = request.deadline.timeIntervalSince(now)
            for countryID in Set(request.countryIDs) {
                let invitation = RoundCountry(roundID: round.savedID, countryID: countryID)
                // A reminder says what the invitation already said when the deadline is that close.
                if left <= 3 * 86_400 { invitation.reminded3dAt = now }
                if left <= 86_400 { invitation.reminded1dAt = now }
                try await invitation.save(on: db)
            }
            document.lifecycle = request.mode == .silence ? .final : .forComment
            try await document.save(on: db)
            try await AuditEntry(
                actor: actor, actorLabel: actorLabel, action: "circulate", entityType: "consultation_round",
                entityID: round.savedID.uuidString,
                summary: document.titleEn + ", round \(round.number)", before: [:],
                after: [
                    "version": "\(version.number)", "mode": request.mode.rawValue, "deadline": request.deadline.internetTimestamp,
                    "countries": "\(Set(request.countryIDs).count)", "visibility": request.visibility.rawValue,
                ]
            ).save(on: db)
            return round
        }
    }

    /// Lets one country answer after the deadline, until the given moment; what it submits then is late.
    static func reopen(_ round: ConsultationRound, countryID: UUID, until: Date, actor: User?, now: Date = Date(), on db: any Database)
        async throws
    {
        guard round.concludedAt == nil || round.mode == .comments, round.adopted != true else {
            throw ConsultationRefusal(status: .conflict, field: "until", key: "consultation.concluded")
        }
        let later = try await ConsultationRound.query(on: db).filter(\.$document.$id == round.$document.id).filter(\.$number > round.number)
            .count()
        let document = try await round.$document.get(on: db)
        guard later == 0, document.lifecycle != .adopted else {
            throw ConsultationRefusal(status: .conflict, field: "until", key: "consultation.superseded")
        }
        guard until > now, until > round.deadline else {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "until", key: "consultation.reopen_past")
        }
        guard
            let invitation = try await RoundCountry.query(on: db).filter(\.$round.$id == round.savedID).filter(\.$country.$id == countryID)
                .first()
        else { throw ConsultationRefusal(status: .notFound, field: "country", key: "consultation.not_invited") }
        let before = invitation.reopenedUntil?.internetTimestamp ?? ""
        invitation.reopenedUntil = until
        try await db.transaction { db in
            try await invitation.save(on: db)
            try await AuditEntry(
                actor: actor, action: "reopen", entityType: "consultation_round", entityID: round.savedID.uuidString,
                summary: "round \(round.number)", before: ["reopened_until": before],
                after: ["country": countryID.uuidString, "reopened_until": until.internetTimestamp]
            ).save(on: db)
        }
    }
}
