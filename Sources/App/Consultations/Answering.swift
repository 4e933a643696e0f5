import Fluent
import SQLKit
import Vapor

/// A country's answer to a round, as its focal points write it: comments on paragraphs or in
/// general, "no comments", submission by the primary focal point, withdrawal, and in a silence
/// procedure the breaking of silence. Every change is refused unless the round is open for the
/// country and the caller answers for it.
struct Answering {
    let round: ConsultationRound
    let countryID: UUID
    let caller: ConsultationRules.Caller
    let actor: User?
    var now = Date()

    static let maximumText = 10_000

    /// The invitation and the country's answer (created as a draft on first use), after the checks
    /// every change shares.
    private func open(on db: any Database, primary: Bool = false) async throws -> (RoundCountry, CountryAnswer) {
        guard caller.countries.contains(countryID) else {
            throw ConsultationRefusal(status: .forbidden, field: "country", key: "consultation.own_country_only")
        }
        guard
            let invitation = try await RoundCountry.query(on: db).filter(\.$round.$id == round.savedID)
                .filter(\.$country.$id == countryID).first()
        else { throw ConsultationRefusal(status: .forbidden, field: "country", key: "consultation.not_invited") }
        guard ConsultationRules.window(round, for: invitation, now: now).open, round.mode == .comments || round.concludedAt == nil else {
            throw ConsultationRefusal(status: .conflict, field: "deadline", key: "consultation.closed")
        }
        if primary, !caller.primaryCountries.contains(countryID) {
            throw ConsultationRefusal(status: .forbidden, field: "country", key: "consultation.primary_only")
        }
        if let answer = try await Self.answer(round: round.savedID, country: countryID, on: db) { return (invitation, answer) }
        let answer = CountryAnswer(roundID: round.savedID, countryID: countryID)
        try await answer.save(on: db)
        return (invitation, answer)
    }

    static func answer(round: UUID, country: UUID, on db: any Database) async throws -> CountryAnswer? {
        try await CountryAnswer.query(on: db).filter(\.$round.$id == round).filter(\.$country.$id == country).first()
    }

    private func editable(_ answer: CountryAnswer) throws {
        guard round.mode == .comments else {
            throw ConsultationRefusal(status: .conflict, field: "mode", key: "consultation.silence_no_comments")
        }
        guard answer.status != .submitted else {
            throw ConsultationRefusal(status: .conflict, field: "status", key: "consultation.withdraw_first")
        }
    }

    func addComment(paragraph number: String, comment: String, proposedWording: String, on db: any Database) async throws -> AnswerComment {
        let text = comment.trimmingCharacters(in: .whitespacesAndNewlines)
        // Wording replaces one paragraph: its line breaks and a leading "#" would make new paragraphs
        // or a heading of it.
        let wording = proposedWording.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }.joined(separator: " ").drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
        let number = number.trimmingCharacters(in: .whitespaces)
        if text.isEmpty, wording.isEmpty {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "comment", key: "consultation.comment_empty")
        }
        for (field, value) in [("comment", text), ("proposed_wording", wording)] where value.count > Self.maximumText {
            throw ConsultationRefusal(
                status: .unprocessableEntity, field: field, key: "validation.too_long", arguments: ["max": "\(Self.maximumText)"])
        }
        var found: DraftParagraph?
        if !number.isEmpty {
            found = try await DraftParagraph.query(on: db).filter(\.$version.$id == round.$version.id).filter(\.$number == number).first()
            guard found != nil else {
                throw ConsultationRefusal(
                    status: .unprocessableEntity, field: "paragraph", key: "consultation.no_paragraph", arguments: ["number": number])
            }
        }
        let paragraph = found
        if !wording.isEmpty, paragraph == nil {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "proposed_wording", key: "consultation.wording_needs_paragraph")
        }
        if let paragraph, wording == paragraph.textEn {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "proposed_wording", key: "consultation.wording_unchanged")
        }
        return try await db.transaction { db in
            let (_, answer) = try await open(on: db)
            try editable(answer)
            let saved = AnswerComment(
                answerID: answer.savedID, paragraph: paragraph, comment: text, proposedWording: wording, author: caller.email)
            try await saved.save(on: db)
            if answer.noComments || answer.status == .withdrawn {
                answer.noComments = false
                try await answer.save(on: db)
            }
            try await audit("comment", answer, after: ["paragraph": number, "comment": String(text.prefix(200))], on: db)
            return saved
        }
    }

    func removeComment(_ commentID: UUID, on db: any Database) async throws {
        try await db.transaction { db in
            let (_, answer) = try await open(on: db)
            try editable(answer)
            guard let comment = try await AnswerComment.find(commentID, on: db), comment.$answer.id == answer.savedID else {
                throw ConsultationRefusal(status: .notFound, field: "comment", key: "error.not_found")
            }
            // The secretariat's response, and any version made from it, refer to this comment.
            guard comment.response == nil else {
                throw ConsultationRefusal(status: .conflict, field: "comment", key: "consultation.comment_answered")
            }
            try await comment.delete(on: db)
            try await audit("delete_comment", answer, after: ["paragraph": comment.paragraphNumber], on: db)
        }
    }

    /// Submits the country's answer: its comments, or, with `noComments`, that it has none.
    func submit(noComments: Bool, on db: any Database) async throws {
        try await db.transaction { db in
            let (invitation, answer) = try await open(on: db, primary: true)
            try editable(answer)
            let comments = try await AnswerComment.query(on: db).filter(\.$answer.$id == answer.savedID).count()
            if noComments, comments > 0 {
                throw ConsultationRefusal(
                    status: .conflict, field: "no_comments", key: "consultation.has_comments", arguments: ["count": "\(comments)"])
            }
            if !noComments, comments == 0 {
                throw ConsultationRefusal(status: .unprocessableEntity, field: "comment", key: "consultation.nothing_to_submit")
            }
            answer.noComments = noComments
            answer.status = .submitted
            answer.submittedAt = now
            answer.submittedBy = caller.email
            answer.late = ConsultationRules.window(round, for: invitation, now: now).late
            try await answer.save(on: db)
            try await audit(
                "submit", answer,
                after: ["status": "submitted", "no_comments": "\(noComments)", "comments": "\(comments)", "late": "\(answer.late)"],
                on: db)
        }
    }

    func withdraw(on db: any Database) async throws {
        try await db.transaction { db in
            let (_, answer) = try await open(on: db, primary: true)
            guard answer.status == .submitted else {
                throw ConsultationRefusal(status: .conflict, field: "status", key: "consultation.not_submitted")
            }
            answer.status = .withdrawn
            try await answer.save(on: db)
            try await audit("withdraw", answer, after: ["status": "withdrawn"], on: db)
        }
    }

    /// Breaks the silence of a silence procedure: the text will not be adopted at the deadline.
    func breakSilence(reason: String, on db: any Database) async throws -> CountryAnswer {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard round.mode == .silence else {
            throw ConsultationRefusal(status: .conflict, field: "mode", key: "consultation.not_silence")
        }
        guard !reason.isEmpty else { throw ConsultationRefusal(status: .unprocessableEntity, field: "reason", key: "validation.required") }
        guard reason.count <= Self.maximumText else {
            throw ConsultationRefusal(
                status: .unprocessableEntity, field: "reason", key: "validation.too_long", arguments: ["max": "\(Self.maximumText)"])
        }
        return try await db.transaction { db in
            let (_, answer) = try await open(on: db)
            guard answer.silenceBrokenAt == nil else {
                throw ConsultationRefusal(status: .conflict, field: "reason", key: "consultation.silence_already_broken")
            }
            answer.silenceBrokenAt = now
            answer.silenceReason = reason
            answer.submittedBy = caller.email
            answer.status = .submitted
            answer.submittedAt = now
            try await answer.save(on: db)
            try await audit("break_silence", answer, after: ["reason": String(reason.prefix(200))], on: db)
            return answer
        }
    }

    private func audit(_ action: String, _ answer: CountryAnswer, after: [String: String], on db: any Database) async throws {
        try await AuditEntry(
            actor: actor, action: action, entityType: "country_answer", entityID: answer.savedID.uuidString,
            summary: "round \(round.number)", before: [:], after: after
        ).save(on: db)
    }
}

/// The secretariat's response to a comment. Two editors answering the same comment at once cannot
/// overwrite each other: the response is written only if the comment is still at the revision the
/// editor saw, else it is refused and the editor sees the other's response.
enum CommentResponding {
    static func respond(
        _ commentID: UUID, response: CommentResponse, reason: String, seenRevision: Int, actor: User?, actorLabel: String? = nil,
        on db: any Database
    ) async throws {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard reason.count <= Answering.maximumText else {
            throw ConsultationRefusal(
                status: .unprocessableEntity, field: "reason", key: "validation.too_long", arguments: ["max": "\(Answering.maximumText)"])
        }
        if response != .accepted, response != .noted, reason.isEmpty {
            throw ConsultationRefusal(status: .unprocessableEntity, field: "reason", key: "consultation.reason_required")
        }
        try await db.transaction { db in
            guard let comment = try await AnswerComment.find(commentID, on: db),
                let answer = try await CountryAnswer.find(comment.$answer.id, on: db),
                answer.status == .submitted
            else { throw ConsultationRefusal(status: .notFound, field: "comment", key: "error.not_found") }
            let written = try await (try db.sql).update(AnswerComment.schema)
                .set("response", to: response.rawValue).set("response_reason", to: reason)
                .set("responded_by", to: actor?.email ?? actorLabel ?? "")
                .set("response_revision", to: seenRevision + 1)
                .where("id", .equal, commentID).where("response_revision", .equal, seenRevision)
                .returning("id").all()
            guard !written.isEmpty else {
                throw ConsultationRefusal(
                    status: .conflict, field: "response", key: "consultation.response_changed", arguments: ["by": comment.respondedBy])
            }
            try await AuditEntry(
                actor: actor, actorLabel: actorLabel, action: "respond", entityType: "answer_comment", entityID: commentID.uuidString,
                summary: "paragraph " + (comment.paragraphNumber.isEmpty ? "general" : comment.paragraphNumber),
                before: ["response": comment.response?.rawValue ?? "", "reason": comment.responseReason],
                after: ["response": response.rawValue, "reason": reason]
            ).save(on: db)
        }
    }
}
