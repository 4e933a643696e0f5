import Fluent
import Vapor

/// The comment matrix: every comment of a round by paragraph and country, with the proposed
/// wording and the secretariat's response; as a page (where staff respond), CSV and a printable PDF.
struct CommentMatrixController: RouteCollection {
    struct MatrixPage: Encodable {
        let chrome: Chrome
        let csrf: String
        let heading: String
        let roundHref: String
        let csvHref: String
        let pdfHref: String
        let documentTitle: String
        let versionNumber: Int
        let deadline: String
        let illustrative: Bool
        let rows: [RoundPage.CommentView]
        let paragraphs: [RoundPage.Paragraph]
        let canRespond: Bool
        let responses: [SelectOption]
        let error: String?
        let errorComment: String?
        let printCSS: String?
        let generatedAt: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let member = routes.requiring(.focalPoint).grouped("consultations", "rounds", ":id")
        member.get("matrix", use: page)
        member.get("matrix.csv", use: csv)
        member.get("matrix.pdf", use: pdf)
        routes.requiring(.editor).post("consultations", "comments", ":commentID", "response", use: respond)
    }

    /// The round, if the caller may read its matrix: staff always, focal points of invited
    /// countries once it has closed and only when its answers are shared with member states.
    private func record(_ req: Request) async throws -> RoundRecord {
        let record = try await RoundController.record(req)
        guard record.caller.isStaff || (record.isClosed && record.round.answerVisibility == .memberStates) else {
            throw Abort(.forbidden, reason: req.t("consultation.matrix_hidden"))
        }
        return record
    }

    private func context(
        _ req: Request, _ record: RoundRecord, error: ConsultationRefusal? = nil, errorComment: String? = nil, print: Bool = false
    )
        async throws -> MatrixPage
    {
        let round = try await RoundPage.make(req, record)
        let rows = round.paragraphs.flatMap(\.comments) + round.generalComments
        let id = record.round.savedID.uuidString
        var css: String?
        if print {
            let path = try req.application.focalConfig.resourcesDirectory + "/Public/css/print.css"
            css = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        }
        return MatrixPage(
            chrome: round.chrome, csrf: round.csrf,
            heading: req.t("consultation.matrix_heading", ["number": "\(record.round.number)", "title": round.documentTitle]),
            roundHref: "/consultations/rounds/" + id, csvHref: "/consultations/rounds/\(id)/matrix.csv?lang=" + req.language.rawValue,
            pdfHref: "/consultations/rounds/\(id)/matrix.pdf?lang=" + req.language.rawValue, documentTitle: round.documentTitle,
            versionNumber: round.versionNumber, deadline: round.deadline, illustrative: record.round.illustrative, rows: rows,
            paragraphs: round.paragraphs, canRespond: record.caller.isStaff && !print,
            responses: CommentResponse.allCases.map {
                SelectOption(value: $0.rawValue, label: req.t("consultation.response." + $0.rawValue))
            },
            error: error.map { req.t($0.key, $0.arguments) }, errorComment: errorComment, printCSS: css,
            generatedAt: print ? LocalizedDate.format(Date(), req.language) : nil)
    }

    func page(req: Request) async throws -> View {
        try await req.view.render("consultations/matrix", try await context(req, try await record(req)))
    }

    func csv(req: Request) async throws -> Response {
        let record = try await record(req)
        let page = try await context(req, record)
        var csv = CSVWriter()
        csv.row(["paragraph", "country", "comment", "proposed_wording", "response", "reason", "responded_by"])
        for row in page.rows {
            csv.row([row.paragraph, row.country, row.comment, row.proposedWording, row.response ?? "", row.responseReason, row.respondedBy])
        }
        let response = Response(status: .ok, body: .init(string: csv.text))
        response.headers.replaceOrAdd(name: .contentType, value: "text/csv; charset=utf-8")
        response.headers.replaceOrAdd(
            name: .contentDisposition, value: "attachment; filename=\"comment-matrix-round-\(record.round.number).csv\"")
        return response
    }

    func pdf(req: Request) async throws -> Response {
        let record = try await record(req)
        let renderer = try req.application.pdfRenderer
        if let reason = renderer.unavailableReason { throw Abort(.serviceUnavailable, reason: reason) }
        let view = try await req.view.render("consultations/matrix-print", try await context(req, record, print: true))
        let data = try await renderer.pdf(fromHTML: String(buffer: view.data))
        let response = Response(status: .ok, body: .init(data: data))
        response.headers.replaceOrAdd(name: .contentType, value: "application/pdf")
        response.headers.replaceOrAdd(
            name: .contentDisposition,
            value: "inline; filename=\"comment-matrix-round-\(record.round.number)-\(req.language.rawValue).pdf\"")
        return response
    }

    func respond(req: Request) async throws -> Response {
        guard let commentID = req.parameters.get("commentID", as: UUID.self),
            let comment = try await AnswerComment.find(commentID, on: req.db),
            let answer = try await CountryAnswer.find(comment.$answer.id, on: req.db)
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        req.parameters.set("id", to: answer.$round.id.uuidString)
        do {
            guard let response = raw["response"].flatMap(CommentResponse.init(rawValue:)) else {
                throw ConsultationRefusal(status: .unprocessableEntity, field: "response", key: "validation.choice")
            }
            guard let seen = raw["revision"].flatMap(Int.init) else {
                throw ConsultationRefusal(status: .unprocessableEntity, field: "revision", key: "validation.required")
            }
            try await CommentResponding.respond(
                commentID, response: response, reason: raw["reason"] ?? "", seenRevision: seen, actor: req.currentUser, on: req.db)
        } catch let refusal as ConsultationRefusal {
            let record = try await record(req)
            return try await req.view.render(
                "consultations/matrix", try await context(req, record, error: refusal, errorComment: commentID.uuidString)
            )
            .encodeResponse(status: refusal.status, for: req)
        }
        req.publicPagesChanged = nil
        return req.redirect(
            to: "/consultations/rounds/\(answer.$round.id.uuidString)/matrix#c-\(commentID.uuidString)", confirming: "response_saved")
    }
}
