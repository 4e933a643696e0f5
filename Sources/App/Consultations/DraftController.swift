import Fluent
import Vapor

/// A document's consultation from the secretariat's side: its versions, the text being written
/// (typed in Markdown or imported from a DOCX), the circulation of a version, the revision made
/// from the comments and the tracked changes between any two versions.
struct DraftController: RouteCollection {
    struct DraftForm: Content {
        var _csrf: String?
        var text_en: String?
        var text_zh: String?
        var note: String?
        var docx: File?
    }

    struct EditorPage: Encodable {
        let chrome: Chrome
        let csrf: String
        let heading: String
        let documentHref: String
        let versionNumber: Int
        let textEn: String
        let textZh: String
        let note: String
        let notice: String?
        let error: String?
        let errorField: String?
        let frozen: Bool
        let revisionHref: String
        let preview: [RoundPage.Paragraph]
    }

    let bodyLimit: Int

    func boot(routes: any RoutesBuilder) throws {
        let member = routes.requiring(.focalPoint).grouped("consultations")
        member.get(use: index)
        member.get("documents", ":id", use: overview)
        member.get("documents", ":id", "compare", use: compare)
        let staff = routes.requiring(.editor).grouped("consultations", "documents", ":id")
        staff.get("draft", use: editor)
        staff.on(.POST, "draft", body: .collect(maxSize: ByteCount(value: bodyLimit)), use: saveDraft).maximumBody = bodyLimit
        staff.get("revision", use: revisionForm)
        staff.post("revision", use: startRevision)
        staff.get("circulate", use: circulateForm)
        staff.post("circulate", use: circulate)
    }

    static func document(_ req: Request) async throws -> Document {
        guard let id = req.parameters.get("id", as: UUID.self), let document = try await Document.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return document
    }

    // MARK: list and overview

    func index(req: Request) async throws -> View {
        try await req.view.render("consultations/index", try await ConsultationIndex.make(req))
    }

    func overview(req: Request) async throws -> View {
        try await req.view.render("consultations/document", try await ConsultationIndex.document(req, try await Self.document(req)))
    }

    // MARK: the text being written

    func editor(req: Request) async throws -> View {
        let document = try await Self.document(req)
        let latest = try await DraftEditing.latestVersion(of: document.savedID, on: req.db)
        var en = ""
        var zh = ""
        if let latest {
            let paragraphs = try await DraftEditing.paragraphs(of: latest.savedID, on: req.db)
            en = DraftText.markdown(paragraphs.map { .init(kind: $0.kind, number: $0.number, text: $0.textEn) })
            if paragraphs.contains(where: { !$0.textZh.isEmpty }) {
                zh = DraftText.markdown(paragraphs.map { .init(kind: $0.kind, number: $0.number, text: $0.textZh) })
            }
        }
        return try await renderEditor(req, document, version: latest, en: en, zh: zh, note: latest?.note ?? "")
    }

    private func renderEditor(
        _ req: Request, _ document: Document, version: DraftVersion?, en: String, zh: String, note: String, notice: String? = nil,
        error: ConsultationRefusal? = nil
    ) async throws -> View {
        let preview: [RoundPage.Paragraph]
        switch DraftEditing.paragraphs(en: en, zh: zh) {
        case .success(let rows):
            preview = rows.enumerated().map { index, row in
                RoundPage.Paragraph(
                    anchor: "d\(index)", heading: row.block.kind == .heading, number: row.block.number, text: row.block.text,
                    textZh: row.zh,
                    comments: [])
            }
        case .failure: preview = []
        }
        let id = document.savedID.uuidString
        return try await req.view.render(
            "consultations/draft",
            EditorPage(
                chrome: try await Chrome.make(for: req, title: req.t("consultation.draft_heading")), csrf: req.csrfToken(),
                heading: req.t("consultation.draft_heading") + req.t("punct.colon") + document.title(req.language),
                documentHref: "/consultations/documents/" + id, versionNumber: version.map { $0.isFrozen ? $0.number + 1 : $0.number } ?? 1,
                textEn: en, textZh: zh, note: note, notice: notice, error: error.map { req.t($0.key, $0.arguments) },
                errorField: error?.field,
                frozen: version?.isFrozen ?? false, revisionHref: "/consultations/documents/\(id)/revision", preview: preview))
    }

    func saveDraft(req: Request) async throws -> Response {
        let document = try await Self.document(req)
        let form = try req.content.decode(DraftForm.self)
        var en = form.text_en ?? ""
        let zh = form.text_zh ?? ""
        let note = String((form.note ?? "").prefix(500))
        let latest = try await DraftEditing.latestVersion(of: document.savedID, on: req.db)
        if let file = form.docx, file.data.readableBytes > 0 {
            // An imported file fills the English text for review; nothing is saved until the form is.
            do {
                guard ContentSniffer.sniff(file.data) == ContentSniffer.docx else { throw DocumentText.Failure(reason: "not_docx") }
                en = try DraftEditing.markdown(fromDOCX: Data(buffer: file.data))
                let count = DraftText.blocks(en).filter { $0.kind == .paragraph }.count
                return try await renderEditor(
                    req, document, version: latest, en: en, zh: zh, note: note,
                    notice: req.t("consultation.imported", ["count": "\(count)", "file": file.filename])
                ).encodeResponse(for: req)
            } catch {
                return try await renderEditor(
                    req, document, version: latest, en: en, zh: zh, note: note,
                    error: ConsultationRefusal(status: .unprocessableEntity, field: "docx", key: "consultation.not_docx")
                ).encodeResponse(status: .unprocessableEntity, for: req)
            }
        }
        do {
            if latest?.isFrozen == true {
                throw ConsultationRefusal(status: .conflict, field: "text_en", key: "consultation.version_frozen")
            }
            let rows = try DraftEditing.paragraphs(en: en, zh: zh).get()
            let version: DraftVersion
            if let latest {
                version = latest
            } else {
                version = DraftVersion(documentID: document.savedID, number: 1, note: note)
                try await version.save(on: req.db)
                if document.lifecycle != .draft {
                    document.lifecycle = .draft
                    try await document.save(on: req.db)
                }
            }
            try await DraftEditing.replaceText(of: version, with: rows, note: note, actor: req.currentUser, on: req.db)
        } catch let refusal as ConsultationRefusal {
            return try await renderEditor(req, document, version: latest, en: en, zh: zh, note: note, error: refusal)
                .encodeResponse(status: refusal.status, for: req)
        }
        return req.redirect(to: "/consultations/documents/" + document.savedID.uuidString, confirming: "saved")
    }

    // MARK: revision

    struct RevisionPage: Encodable {
        struct Choice: Encodable {
            let id: String
            let paragraph: String
            let country: String
            let response: String
            let diff: [WordDiff.Piece]
            let checked: Bool
        }
        let chrome: Chrome
        let csrf: String
        let heading: String
        let documentHref: String
        let fromVersion: Int?
        let choices: [Choice]
        let error: String?
        let note: String
    }

    /// Comments whose wording the secretariat accepted, wholly or in part, on the latest version.
    private func applicable(_ req: Request, _ document: Document) async throws -> (DraftVersion?, [AnswerComment], [UUID: String]) {
        guard let latest = try await DraftEditing.latestVersion(of: document.savedID, on: req.db), latest.isFrozen else {
            return (nil, [], [:])
        }
        let rounds = try await ConsultationRound.query(on: req.db).filter(\.$version.$id == latest.savedID).all()
        let answers = try await CountryAnswer.query(on: req.db).filter(\.$round.$id ~~ rounds.map(\.savedID)).filter(
            \.$status == .submitted
        )
        .with(\.$country).all()
        let comments = try await AnswerComment.query(on: req.db).filter(\.$answer.$id ~~ answers.map(\.savedID))
            .filter(\.$response ~~ [.accepted, .partlyAccepted]).filter(\.$proposedWording != "").all()
        let countries = Dictionary(answers.map { ($0.savedID, $0.country.name(req.language)) }, uniquingKeysWith: { a, _ in a })
        return (latest, comments, comments.reduce(into: [:]) { $0[$1.savedID] = countries[$1.$answer.id] ?? "" })
    }

    func revisionForm(req: Request) async throws -> View {
        try await renderRevision(req, try await Self.document(req), checked: nil, note: "", error: nil)
    }

    private func renderRevision(_ req: Request, _ document: Document, checked: Set<UUID>?, note: String, error: ConsultationRefusal?)
        async throws
        -> View
    {
        let (latest, comments, countries) = try await applicable(req, document)
        var paragraphs: [DraftParagraph] = []
        if let latest { paragraphs = try await DraftEditing.paragraphs(of: latest.savedID, on: req.db) }
        let ordered = comments.sorted { a, b in
            let left: (Int, String) = (Int(a.paragraphNumber) ?? 0, countries[a.savedID] ?? "")
            let right: (Int, String) = (Int(b.paragraphNumber) ?? 0, countries[b.savedID] ?? "")
            return left < right
        }
        let choices = ordered.map { comment in
            RevisionPage.Choice(
                id: comment.savedID.uuidString, paragraph: comment.paragraphNumber, country: countries[comment.savedID] ?? "",
                response: req.t("consultation.response." + (comment.response?.rawValue ?? "noted")),
                diff: WordDiff.diff(paragraphs.first { $0.number == comment.paragraphNumber }?.textEn ?? "", comment.proposedWording),
                checked: checked.map { $0.contains(comment.savedID) } ?? (comment.response == .accepted))
        }
        return try await req.view.render(
            "consultations/revision",
            RevisionPage(
                chrome: try await Chrome.make(for: req, title: req.t("consultation.revision_heading")), csrf: req.csrfToken(),
                heading: req.t("consultation.revision_heading") + req.t("punct.colon") + document.title(req.language),
                documentHref: "/consultations/documents/" + document.savedID.uuidString, fromVersion: latest?.number, choices: choices,
                error: error.map { req.t($0.key, $0.arguments) }, note: note))
    }

    func startRevision(req: Request) async throws -> Response {
        let document = try await Self.document(req)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        let chosen = Set(raw.keys.filter { $0.hasPrefix("apply__") }.compactMap { UUID(uuidString: String($0.dropFirst("apply__".count))) })
        let note = String((raw["note"] ?? "").prefix(500))
        do {
            let (_, comments, _) = try await applicable(req, document)
            let picked = comments.filter { chosen.contains($0.savedID) }
            guard picked.count == chosen.count else {
                throw ConsultationRefusal(status: .unprocessableEntity, field: "apply", key: "consultation.nothing_to_apply")
            }
            _ = try await DraftEditing.startRevision(of: document, applying: picked, note: note, actor: req.currentUser, on: req.db)
        } catch let refusal as ConsultationRefusal {
            return try await renderRevision(req, document, checked: chosen, note: note, error: refusal).encodeResponse(
                status: refusal.status, for: req)
        }
        return req.redirect(to: "/consultations/documents/\(document.savedID.uuidString)/draft", confirming: "created")
    }

    // MARK: circulation

    private func circulationFields(_ req: Request) async throws -> [FieldSpec] {
        let countries = try await Country.query(on: req.db).sort(\.$nameEn).all()
        return [
            .choice("mode", "consultation.field.mode", RoundMode.self, labelPrefix: "consultation.mode.", t: req.t),
            FieldSpec(name: "deadline_date", labelKey: "consultation.field.deadline_date", kind: .date, required: true),
            FieldSpec(name: "deadline_time", labelKey: "consultation.field.deadline_time", kind: .time, required: true),
            FieldSpec(
                name: "time_zone", labelKey: "field.time_zone", kind: .text, required: true, maxLength: 64,
                hintKey: "consultation.time_zone_hint"),
            .choice(
                "visibility", "consultation.field.visibility", AnswerVisibility.self, labelPrefix: "consultation.visibility.", t: req.t),
            FieldSpec(
                name: "countries", labelKey: "consultation.field.countries",
                kind: .multiSelect(countries.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) }),
                required: true,
                hintKey: "consultation.countries_hint"),
        ]
    }

    struct CirculatePage: Encodable {
        let chrome: Chrome
        let csrf: String
        let heading: String
        let documentHref: String
        let versionNumber: Int?
        let form: FormFields
        let hasErrors: Bool
        let error: String?
    }

    func circulateForm(req: Request) async throws -> View {
        let defaults = try await ConsultationRules.defaultCountries(on: req.db)
        let week = MeetingTime.local(Date().addingTimeInterval(14 * 86_400), in: TimeZone(identifier: "Asia/Shanghai") ?? .gmt)
        return try await renderCirculate(
            req, try await Self.document(req),
            values: [
                "mode": RoundMode.comments.rawValue, "deadline_date": week.date, "deadline_time": "17:00", "time_zone": "Asia/Shanghai",
                "visibility": AnswerVisibility.secretariat.rawValue, "countries": defaults.map(\.savedID.uuidString).joined(separator: ","),
            ], errors: FieldErrors())
    }

    private func renderCirculate(_ req: Request, _ document: Document, values: [String: String], errors: FieldErrors, error: String? = nil)
        async throws -> View
    {
        let latest = try await DraftEditing.latestVersion(of: document.savedID, on: req.db)
        return try await req.view.render(
            "consultations/circulate",
            CirculatePage(
                chrome: try await Chrome.make(for: req, title: req.t("consultation.circulate")), csrf: req.csrfToken(),
                heading: req.t("consultation.circulate") + req.t("punct.colon") + document.title(req.language),
                documentHref: "/consultations/documents/" + document.savedID.uuidString, versionNumber: latest?.number,
                form: FormFields(fields: FieldView.make(try await circulationFields(req), values: values, errors: errors, t: req.t)),
                hasErrors: !errors.isEmpty, error: error))
    }

    func circulate(req: Request) async throws -> Response {
        let document = try await Self.document(req)
        let specs = try await circulationFields(req)
        let input = FormValidator.normalise((try? req.content.decode([String: String].self)) ?? [:], fields: specs)
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        let zone = TimeZone(identifier: input.text("time_zone"))
        if zone == nil, errors["time_zone"] == nil { errors["time_zone"] = req.t("validation.time_zone") }
        let deadline = zone.flatMap { MeetingTime.instant(date: input.text("deadline_date"), time: input.text("deadline_time"), in: $0) }
        if deadline == nil, errors["deadline_date"] == nil { errors["deadline_date"] = req.t("validation.date") }
        guard errors.isEmpty, let deadline, zone != nil, let latest = try await DraftEditing.latestVersion(of: document.savedID, on: req.db)
        else {
            let message = errors.isEmpty ? req.t("consultation.no_version") : nil
            return try await renderCirculate(req, document, values: input, errors: errors, error: message)
                .encodeResponse(status: errors.isEmpty ? .conflict : .unprocessableEntity, for: req)
        }
        let request = Circulation.Request(
            mode: RoundMode(rawValue: input.text("mode")) ?? .comments, deadline: deadline, timeZone: input.text("time_zone"),
            visibility: AnswerVisibility(rawValue: input.text("visibility")) ?? .secretariat,
            countryIDs: input.text("countries").split(separator: ",").compactMap { UUID(uuidString: String($0)) })
        let round: ConsultationRound
        do {
            round = try await Circulation.circulate(document, version: latest, request, actor: req.currentUser, on: req.db)
        } catch let refusal as ConsultationRefusal {
            var fieldErrors = FieldErrors()
            let field = ["deadline": "deadline_date", "countries": "countries"][refusal.field]
            if let field { fieldErrors[field] = req.t(refusal.key, refusal.arguments) }
            return try await renderCirculate(
                req, document, values: input, errors: fieldErrors, error: field == nil ? req.t(refusal.key, refusal.arguments) : nil
            ).encodeResponse(status: refusal.status, for: req)
        }
        let app = req.application
        let recipients = try await ConsultationMail.focalPoints(of: request.countryIDs, on: req.db)
        // Invitations go out after the round is recorded; a mail failure is logged, not undone.
        Task { await ConsultationMail(app: app).send(.invitation, round: round, to: recipients) }
        return req.redirect(
            to: "/consultations/rounds/" + round.savedID.uuidString, confirming: app.mailEngine == nil ? "circulated_unsent" : "circulated")
    }

    // MARK: tracked changes

    func compare(req: Request) async throws -> View {
        let document = try await Self.document(req)
        let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
        let versions = try await ConsultationIndex.readableVersions(document, caller: caller, on: req.db)
        guard !versions.isEmpty else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let to = (try? req.query.get(Int.self, at: "to")) ?? versions.last?.number ?? 1
        let from = (try? req.query.get(Int.self, at: "from")) ?? max(1, to - 1)
        guard let old = versions.first(where: { $0.number == from }), let new = versions.first(where: { $0.number == to }) else {
            throw Abort(.notFound, reason: req.t("consultation.no_such_version"))
        }
        let context = try await TrackedChanges.page(req, document: document, old: old, new: new, versions: versions)
        return try await req.view.render("consultations/compare", context)
    }
}
