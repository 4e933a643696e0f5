import Fluent
import Vapor

/// Consultations as JSON, per role: anonymous callers see none; focal points the rounds their
/// country is invited to, their own country's answer, and other countries' answers only once the
/// round has closed and its answers are shared with member states; staff every submitted answer.
struct ConsultationAPIController: RouteCollection {
    struct RoundSummary: Content {
        let id: UUID
        let documentSlug: String
        let documentTitle: BilingualText
        let number: Int
        let mode: String
        let deadline: String
        let timeZone: String
        let answerVisibility: String
        let open: Bool
        let adopted: Bool?
        let version: Int
        let illustrative: Bool
        let url: String
    }

    struct Paragraph: Content {
        let kind: String
        let number: String?
        let text: BilingualText
    }

    struct CountryStatus: Content {
        let countryCode: String
        let state: String
    }

    struct Comment: Content {
        let id: UUID
        let paragraph: String?
        let countryCode: String
        let comment: String
        let proposedWording: String
        let response: String?
        let responseReason: String
    }

    struct RoundDetail: Content {
        let round: RoundSummary
        let paragraphs: [Paragraph]
        let countries: [CountryStatus]
        let comments: [Comment]
    }

    func boot(routes: any RoutesBuilder) throws {
        let api = routes.requiring(.anonymous).grouped("api", "v1", "consultations")
        api.get(use: list)
        api.get(":id", use: detail)
    }

    private func summary(_ round: ConsultationRound, document: Document, version: Int, base: String) -> RoundSummary {
        RoundSummary(
            id: round.savedID, documentSlug: document.slug, documentTitle: BilingualText(en: document.titleEn, zh: document.titleZh),
            number: round.number, mode: round.mode.rawValue, deadline: round.deadline.internetTimestamp, timeZone: round.timeZone,
            answerVisibility: round.answerVisibility.rawValue, open: round.isOpen(), adopted: round.adopted, version: version,
            illustrative: round.illustrative, url: base + "/consultations/rounds/" + round.savedID.uuidString)
    }

    func list(req: Request) async throws -> Response {
        let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
        guard caller.role >= .focalPoint else { return try APIResponse.json([RoundSummary]()) }
        var rounds = try await ConsultationRound.query(on: req.db).with(\.$document).with(\.$version).sort(\.$deadline, .descending).all()
        if !caller.isStaff {
            let invited = Set(
                try await RoundCountry.query(on: req.db).filter(\.$country.$id ~~ Array(caller.countries)).all().map(\.$round.id))
            rounds = rounds.filter { invited.contains($0.savedID) }
        }
        let base = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        return try APIResponse.json(rounds.map { summary($0, document: $0.document, version: $0.version.number, base: base) })
    }

    func detail(req: Request) async throws -> Response {
        let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
        guard caller.role >= .focalPoint, let id = req.parameters.get("id", as: UUID.self),
            let record = try await RoundRecord.load(id, caller: caller, on: req.db)
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let base = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
        let shown = record.comments.filter { comment in
            caller.isStaff || record.isClosed
                || record.answers.values.contains { $0.id == comment.$answer.id && caller.countries.contains($0.$country.id) }
        }
        return try APIResponse.json(
            RoundDetail(
                round: summary(record.round, document: record.document, version: record.version.number, base: base),
                paragraphs: record.paragraphs.map {
                    Paragraph(kind: $0.kind.rawValue, number: $0.number, text: BilingualText(en: $0.textEn, zh: $0.textZh))
                },
                countries: record.invited.compactMap { invitation in
                    record.countries[invitation.$country.id].map {
                        CountryStatus(countryCode: $0.code, state: record.state(of: invitation.$country.id).rawValue)
                    }
                },
                comments: shown.map {
                    Comment(
                        id: $0.savedID, paragraph: $0.paragraphNumber.isEmpty ? nil : $0.paragraphNumber,
                        countryCode: record.country(of: $0)?.code ?? "", comment: $0.comment, proposedWording: $0.proposedWording,
                        response: $0.response?.rawValue, responseReason: $0.responseReason)
                }))
    }
}
