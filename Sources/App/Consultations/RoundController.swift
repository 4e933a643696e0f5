import Fluent
import Vapor

/// A round's page and what focal points and the secretariat do on it: comments, "no comments",
/// submission and withdrawal, breaking silence, and reopening the round for one country.
struct RoundController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let member = routes.requiring(.focalPoint).grouped("consultations", "rounds", ":id")
        member.get(use: show)
        member.post("comments", use: addComment)
        member.post("comments", ":commentID", "delete", use: removeComment)
        member.post("submit", use: submit)
        member.post("no-comments", use: noComments)
        member.post("withdraw", use: withdraw)
        member.post("break-silence", use: breakSilence)
        routes.requiring(.editor).grouped("consultations", "rounds", ":id").post("reopen", use: reopen)
    }

    static func record(_ req: Request) async throws -> RoundRecord {
        let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
        guard let id = req.parameters.get("id", as: UUID.self), let record = try await RoundRecord.load(id, caller: caller, on: req.db)
        else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return record
    }

    func show(req: Request) async throws -> View {
        try await req.view.render("consultations/round", try await RoundPage.make(req, try await Self.record(req)))
    }

    /// Runs one change for the country named in the form, and shows the round again with the
    /// refusal next to its field when it is refused (nothing of it written).
    private func act(_ req: Request, confirming done: String, _ change: (Answering, any Database) async throws -> Void) async throws
        -> Response
    {
        let record = try await Self.record(req)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        let countryID =
            raw["country"].flatMap(UUID.init(uuidString:))
            ?? record.caller.countries.first { c in record.invited.contains { $0.$country.id == c } }
        do {
            guard let countryID else {
                throw ConsultationRefusal(status: .forbidden, field: "country", key: "consultation.own_country_only")
            }
            let answering = Answering(round: record.round, countryID: countryID, caller: record.caller, actor: req.currentUser)
            try await change(answering, req.db)
        } catch let refusal as ConsultationRefusal {
            req.publicPagesChanged = nil
            let fresh = try await Self.record(req)
            return try await req.view.render("consultations/round", try await RoundPage.make(req, fresh, error: refusal, values: raw))
                .encodeResponse(status: refusal.status, for: req)
        }
        req.publicPagesChanged = nil
        return req.redirect(to: "/consultations/rounds/" + record.round.savedID.uuidString + "#answer", confirming: done)
    }

    func addComment(req: Request) async throws -> Response {
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        return try await act(req, confirming: "comment_saved") { answering, db in
            _ = try await answering.addComment(
                paragraph: raw["paragraph"] ?? "", comment: raw["comment"] ?? "", proposedWording: raw["proposed_wording"] ?? "", on: db)
        }
    }

    func removeComment(req: Request) async throws -> Response {
        guard let commentID = req.parameters.get("commentID", as: UUID.self) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return try await act(req, confirming: "comment_removed") { answering, db in try await answering.removeComment(commentID, on: db) }
    }

    func submit(req: Request) async throws -> Response {
        try await act(req, confirming: "answer_submitted") { answering, db in try await answering.submit(noComments: false, on: db) }
    }

    func noComments(req: Request) async throws -> Response {
        try await act(req, confirming: "answer_submitted") { answering, db in try await answering.submit(noComments: true, on: db) }
    }

    func withdraw(req: Request) async throws -> Response {
        try await act(req, confirming: "answer_withdrawn") { answering, db in try await answering.withdraw(on: db) }
    }

    func breakSilence(req: Request) async throws -> Response {
        let reason = (try? req.content.get(String.self, at: "reason")) ?? ""
        let app = req.application
        return try await act(req, confirming: "silence_broken") { answering, db in
            let answer = try await answering.breakSilence(reason: reason, on: db)
            let round = answering.round
            let country = try await Country.find(answer.$country.id, on: db)
            let staff = try await ConsultationMail.secretariat(on: db)
            // The secretariat learns at once; the answer is already recorded whatever the mail does.
            Task {
                await ConsultationMail(app: app).send(
                    .silenceBroken, round: round, to: staff, extra: ["country": country?.nameEn ?? "", "reason": reason])
            }
        }
    }

    func reopen(req: Request) async throws -> Response {
        let record = try await Self.record(req)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        do {
            guard let countryID = raw["country"].flatMap(UUID.init(uuidString:)) else {
                throw ConsultationRefusal(status: .unprocessableEntity, field: "country", key: "validation.choice")
            }
            guard let zone = TimeZone(identifier: record.round.timeZone),
                let until = MeetingTime.instant(date: raw["until_date"] ?? "", time: raw["until_time"] ?? "", in: zone)
            else { throw ConsultationRefusal(status: .unprocessableEntity, field: "until", key: "validation.date") }
            try await Circulation.reopen(record.round, countryID: countryID, until: until, actor: req.currentUser, on: req.db)
        } catch let refusal as ConsultationRefusal {
            return try await req.view.render("consultations/round", try await RoundPage.make(req, record, error: refusal, values: raw))
                .encodeResponse(status: refusal.status, for: req)
        }
        return req.redirect(to: "/consultations/rounds/" + record.round.savedID.uuidString + "#status", confirming: "reopened")
    }
}
