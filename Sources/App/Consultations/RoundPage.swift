import Vapor

/// What the round page shows, for the secretariat and for a focal point alike; what each may do
/// is decided here, from the same rules the actions enforce.
struct RoundPage: Encodable {
    struct Paragraph: Encodable {
        let anchor: String
        let heading: Bool
        let number: String?
        let text: String
        let textZh: String
        /// The comments on it the reader may read.
        let comments: [CommentView]
    }

    struct CommentView: Encodable {
        let id: String
        let country: String
        let paragraph: String
        let comment: String
        let proposedWording: String
        let diff: [WordDiff.Piece]
        let response: String?
        let responseReason: String
        let respondedBy: String
        let revision: Int
        let responseValue: String
        /// The reader's own draft comment, which they may remove.
        let removable: Bool
    }

    struct CountryRow: Encodable {
        let countryID: String
        let country: String
        let state: String
        let stateKey: String
        let submittedAt: String?
        let comments: String
        let silenceReason: String?
        let reopenedUntil: String?
    }

    struct OwnAnswer: Encodable {
        let heading: String
        let countryID: String
        let country: String
        let status: String
        let statusKey: String
        let noComments: Bool
        let late: Bool
        let comments: [CommentView]
        let canEdit: Bool
        let canSubmit: Bool
        let canWithdraw: Bool
        let isPrimary: Bool
        let silenceBroken: Bool
        let silenceReason: String
        let canBreakSilence: Bool
    }

    let chrome: Chrome
    let csrf: String
    let roundID: String
    let heading: String
    let documentTitle: String
    let documentHref: String
    let versionNumber: Int
    let number: Int
    let mode: String
    let isSilence: Bool
    let illustrative: Bool
    let deadline: String
    let deadlineISO: String
    let timeZone: String
    let isOpen: Bool
    let isClosed: Bool
    let visibility: String
    let concluded: String?
    let paragraphs: [Paragraph]
    let generalComments: [CommentView]
    let countries: [CountryRow]
    let chartSVG: String
    let own: [OwnAnswer]
    let isStaff: Bool
    let canReopen: Bool
    let matrixHref: String?
    let error: String?
    let errorField: String?
    let values: [String: String]
    /// Paragraph numbers a comment may refer to.
    let paragraphNumbers: [String]
    let textHeading: String
}

extension RoundPage.Paragraph {
    /// A paragraph as circulated, anchored by its number ("p3"), a heading by its position.
    init(_ paragraph: DraftParagraph, comments: [RoundPage.CommentView] = []) {
        self.init(
            anchor: paragraph.number.map { "p" + $0 } ?? "h\(paragraph.position)", heading: paragraph.kind == .heading,
            number: paragraph.number, text: paragraph.textEn, textZh: paragraph.textZh, comments: comments)
    }
}

extension RoundPage {
    static func make(_ req: Request, _ record: RoundRecord, error: ConsultationRefusal? = nil, values: [String: String] = [:]) async throws
        -> RoundPage
    {
        let language = req.language
        let round = record.round
        let zone = TimeZone(identifier: round.timeZone) ?? .gmt
        let ownCountryIDs = record.invited.map(\.$country.id).filter { record.caller.countries.contains($0) }
        var ownAnswers: [UUID: CountryAnswer] = [:]
        for id in ownCountryIDs { ownAnswers[id] = record.answers[id] }
        func view(_ comment: AnswerComment) -> CommentView {
            let paragraph = record.paragraph(comment.paragraphNumber)
            var ownDraft = false
            if let answer = record.answers.values.first(where: { $0.id == comment.$answer.id }),
                record.caller.countries.contains(answer.$country.id), answer.status != .submitted, comment.response == nil
            {
                let invitation = record.invited.first { $0.$country.id == answer.$country.id }
                ownDraft = ConsultationRules.window(round, for: invitation, now: record.now).open
            }
            return CommentView(
                id: comment.savedID.uuidString, country: record.country(of: comment)?.name(language) ?? "",
                paragraph: comment.paragraphNumber.isEmpty ? req.t("consultation.general") : "¶" + comment.paragraphNumber,
                comment: comment.comment, proposedWording: comment.proposedWording,
                diff: comment.proposedWording.isEmpty ? [] : WordDiff.diff(paragraph?.textEn ?? "", comment.proposedWording),
                response: comment.response.map { req.t("consultation.response." + $0.rawValue) }, responseReason: comment.responseReason,
                respondedBy: record.caller.isStaff || comment.respondedBy.isEmpty
                    ? comment.respondedBy : req.t("consultation.the_secretariat"), revision: comment.responseRevision,
                responseValue: comment.response?.rawValue ?? "",
                removable: ownDraft)
        }
        let shown = record.comments.filter { comment in
            // Before the round closes a focal point's page shows only their own country's comments.
            record.caller.isStaff || record.isClosed
                || record.answers.values.contains { $0.id == comment.$answer.id && record.caller.countries.contains($0.$country.id) }
        }
        let paragraphs = record.paragraphs.map { p in
            Paragraph(p, comments: shown.filter { $0.paragraphNumber == p.number && p.kind == .paragraph }.map(view))
        }
        let rows = record.invited.map { invitation -> CountryRow in
            let state = record.state(of: invitation.$country.id)
            let answer = record.answers[invitation.$country.id]
            let visible = state != .undisclosed
            return CountryRow(
                countryID: invitation.$country.id.uuidString, country: record.countries[invitation.$country.id]?.name(language) ?? "",
                state: req.t("consultation.state." + state.rawValue), stateKey: state.rawValue,
                submittedAt: visible && answer?.status == .submitted
                    ? answer?.submittedAt.map { ConsultationFormat.deadline($0, zone: zone, language: language) } : nil,
                comments: visible && answer?.status == .submitted ? "\(record.comments.filter { $0.$answer.id == answer?.id }.count)" : "—",
                silenceReason: visible ? answer?.silenceBrokenAt.map { _ in answer?.silenceReason ?? "" } : nil,
                reopenedUntil: invitation.reopenedUntil.map { ConsultationFormat.deadline($0, zone: zone, language: language) })
        }
        let states = rows.map(\.stateKey)
        let chart = SVGCharts.bars(
            RoundRecord.CountryState.allCases.filter { states.contains($0.rawValue) }.map { state in
                let n = states.filter { $0 == state.rawValue }.count
                return SVGCharts.Bar(label: req.t("consultation.state." + state.rawValue), value: Double(n), display: "\(n)")
            }, title: req.t("consultation.status_chart"), id: "round-status")
        let own = ownCountryIDs.map { countryID -> OwnAnswer in
            let answer = ownAnswers[countryID]
            let invitation = record.invited.first { $0.$country.id == countryID }
            let window = ConsultationRules.window(round, for: invitation, now: record.now)
            let status = answer?.status ?? .draft
            let isPrimary = record.caller.primaryCountries.contains(countryID)
            let comments = record.comments.filter { $0.$answer.id == answer?.id }
            return OwnAnswer(
                heading: req.t("consultation.your_answer", ["country": record.countries[countryID]?.name(language) ?? ""]),
                countryID: countryID.uuidString, country: record.countries[countryID]?.name(language) ?? "",
                status: req.t("consultation.answer_status." + status.rawValue), statusKey: status.rawValue,
                noComments: answer?.noComments ?? false, late: answer?.late ?? false, comments: comments.map(view),
                canEdit: window.open && status != .submitted && round.mode == .comments,
                canSubmit: window.open && status != .submitted && isPrimary && round.mode == .comments,
                canWithdraw: window.open && status == .submitted && isPrimary && round.mode == .comments, isPrimary: isPrimary,
                silenceBroken: answer?.silenceBrokenAt != nil, silenceReason: answer?.silenceReason ?? "",
                canBreakSilence: window.open && round.mode == .silence && answer?.silenceBrokenAt == nil)
        }
        let title = record.document.title(language)
        var concluded: String?
        if round.concludedAt != nil, round.mode == .silence {
            concluded =
                round.adopted == true
                ? req.t("consultation.adopted_on", ["date": LocalizedDate.format(record.document.adoptedOn, language) ?? ""])
                : req.t("consultation.not_adopted")
        }
        let canReadMatrix = record.caller.isStaff || (record.isClosed && round.answerVisibility == .memberStates)
        return RoundPage(
            chrome: try await Chrome.make(for: req, title: title), csrf: req.csrfToken(), roundID: round.savedID.uuidString,
            heading: req.t("consultation.round_heading", ["number": "\(round.number)", "title": title]), documentTitle: title,
            documentHref: "/consultations/documents/" + record.document.savedID.uuidString, versionNumber: record.version.number,
            number: round.number, mode: req.t("consultation.mode." + round.mode.rawValue), isSilence: round.mode == .silence,
            illustrative: round.illustrative, deadline: ConsultationFormat.deadline(round.deadline, zone: zone, language: language),
            deadlineISO: round.deadline.internetTimestamp, timeZone: round.timeZone, isOpen: round.isOpen(at: record.now),
            isClosed: record.isClosed, visibility: req.t("consultation.visibility." + round.answerVisibility.rawValue),
            concluded: concluded,
            paragraphs: paragraphs, generalComments: shown.filter { $0.paragraphNumber.isEmpty }.map(view), countries: rows,
            chartSVG: chart,
            own: own, isStaff: record.caller.isStaff,
            canReopen: record.caller.isStaff && round.mode == .comments && record.document.lifecycle != .adopted,
            matrixHref: canReadMatrix ? "/consultations/rounds/" + round.savedID.uuidString + "/matrix" : nil,
            error: error.map { req.t($0.key, $0.arguments) }, errorField: error?.field, values: values,
            paragraphNumbers: record.paragraphs.compactMap(\.number),
            textHeading: req.t("consultation.text", ["number": "\(record.version.number)"]))
    }
}
