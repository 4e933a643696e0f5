import Fluent
import Vapor

/// The circulated text opened from the invitation's signed link, without a password: the link
/// names one round and one invited country, and shows only what was sent to that country.
struct ConsultationReading: RouteCollection {
    static let purpose = "consultation-read"

    struct Page: Encodable {
        let chrome: Chrome
        let heading: String
        let country: String
        let mode: String
        let deadline: String
        let deadlineISO: String
        let timeZone: String
        let versionNumber: Int
        let paragraphs: [RoundPage.Paragraph]
        let answerHref: String
        let illustrative: Bool
    }

    /// The token's subject: the invitation of the country to the round.
    static func subject(round: ConsultationRound, country: UUID, on db: any Database) async throws -> UUID {
        guard
            let invitation = try await RoundCountry.query(on: db).filter(\.$round.$id == round.savedID).filter(\.$country.$id == country)
                .first()
        else { throw Abort(.notFound) }
        return invitation.savedID
    }

    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.anonymous).get("consultations", "read", ":token", use: read)
    }

    func read(req: Request) async throws -> View {
        let secret = try req.application.focalConfig.sessionSecret
        let id: UUID
        do {
            id = try SignedToken.verify(req.parameters.get("token") ?? "", purpose: Self.purpose, secret: secret)
        } catch .expired {
            throw Abort(.gone, reason: req.t("mail.link_expired"))
        } catch {
            throw Abort(.forbidden, reason: req.t("mail.link_invalid"))
        }
        guard let invitation = try await RoundCountry.find(id, on: req.db),
            let round = try await ConsultationRound.find(invitation.$round.id, on: req.db)
        else { throw Abort(.gone, reason: req.t("mail.link_invalid")) }
        let document = try await round.$document.get(on: req.db)
        let country = try await invitation.$country.get(on: req.db)
        let paragraphs = try await DraftEditing.paragraphs(of: round.$version.id, on: req.db)
        let version = try await round.$version.get(on: req.db)
        let zone = TimeZone(identifier: round.timeZone) ?? .gmt
        let title = document.title(req.language)
        return try await req.view.render(
            "consultations/read",
            Page(
                chrome: try await Chrome.make(for: req, title: title),
                heading: req.t("consultation.round_heading", ["number": "\(round.number)", "title": title]),
                country: country.name(req.language),
                mode: req.t("consultation.mode." + round.mode.rawValue),
                deadline: ConsultationFormat.deadline(round.deadline, zone: zone, language: req.language),
                deadlineISO: round.deadline.internetTimestamp, timeZone: round.timeZone, versionNumber: version.number,
                paragraphs: paragraphs.map {
                    RoundPage.Paragraph($0)
                }, answerHref: "/consultations/rounds/" + round.savedID.uuidString, illustrative: round.illustrative))
    }
}
