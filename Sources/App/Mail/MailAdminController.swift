import Fluent
import Vapor

/// Subscriber files for staff: the consent ledger of one subscriber, CSV import and export.
struct MailAdminController: RouteCollection {
    struct ImportContext: Encodable {
        struct Line: Encodable {
            let line: Int
            let reason: String
        }
        let chrome: Chrome
        let csrf: String
        let lists: [SelectOption]
        let hasReport: Bool
        let imported: Int
        let already: Int
        let rejections: [Line]
        let error: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "subscribers")
        staff.get(":id", "consent.csv", use: consentCSV)
        staff.get(":id", "consent.json", use: consentJSON)
        staff.get("export.csv", use: export)
        staff.get("import", use: importForm)
        staff.on(.POST, "import", body: .collect(maxSize: "64mb"), use: importFile).maximumBody = 64 * 1_048_576
    }

    private func events(_ req: Request) async throws -> (Subscriber, [ConsentEvent]) {
        guard let id = req.parameters.get("id", as: UUID.self), let subscriber = try await Subscriber.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return (subscriber, try await ConsentEvent.query(on: req.db).filter(\.$subscriber.$id == id).sort(\.$occurredAt).all())
    }

    func consentCSV(req: Request) async throws -> Response {
        let (subscriber, events) = try await events(req)
        var csv = CSVWriter()
        csv.row(["email", "occurred_at", "action", "text_version", "language", "source", "ip_hash", "detail"])
        for event in events {
            csv.row([
                subscriber.email, event.occurredAt.internetTimestamp, event.action, event.textVersion, event.language, event.source,
                event.ipHash, event.detail,
            ])
        }
        return file(csv.text, type: "text/csv; charset=utf-8", name: "consent-\(subscriber.savedID.uuidString.lowercased()).csv")
    }

    struct ConsentRecord: Content {
        let occurredAt: Date
        let action: String
        let textVersion: String
        let language: String
        let source: String
        let ipHash: String
        let detail: String
    }

    func consentJSON(req: Request) async throws -> [ConsentRecord] {
        try await events(req).1.map {
            ConsentRecord(
                occurredAt: $0.occurredAt, action: $0.action, textVersion: $0.textVersion, language: $0.language, source: $0.source,
                ipHash: $0.ipHash,
                detail: $0.detail)
        }
    }

    func export(req: Request) async throws -> Response {
        let subscribers = try await Subscriber.query(on: req.db).sort(\.$email).all()
        let lists = Dictionary(uniqueKeysWithValues: try await MailingList.query(on: req.db).all().map { ($0.savedID, $0.slug) })
        let memberships = Dictionary(grouping: try await Subscription.query(on: req.db).all(), by: \.$subscriber.id)
        var csv = CSVWriter()
        csv.row(["email", "name", "language", "lists", "status"])
        for s in subscribers {
            csv.row([
                s.email, s.name, s.language.rawValue,
                (memberships[s.savedID] ?? []).compactMap { lists[$0.$list.id] }.joined(separator: " "),
                s.status.rawValue,
            ])
        }
        return file(csv.text, type: "text/csv; charset=utf-8", name: "subscribers.csv")
    }

    func importForm(req: Request) async throws -> View {
        try await render(req, report: nil, error: nil)
    }

    struct ImportForm: Content {
        var file: File?
        var list: String?
    }

    func importFile(req: Request) async throws -> Response {
        let form = try req.content.decode(ImportForm.self)
        guard let file = form.file, file.data.readableBytes > 0 else {
            return try await render(req, report: nil, error: req.t("upload.no_file")).encodeResponse(status: .unprocessableEntity, for: req)
        }
        let importer = SubscriberImport(
            status: .confirmed, source: "import:" + file.filename, defaultLists: form.list.flatMap { $0.isEmpty ? nil : [$0] } ?? [])
        do {
            let report = try await importer.run(Data(file.data.readableBytesView), on: req.db)
            try await AuditEntry(
                actor: req.currentUser, action: "create", entityType: "subscriber_import", entityID: UUID().uuidString,
                summary: file.filename,
                before: [:], after: ["imported": "\(report.imported)", "rejected": "\(report.rejections.count)"]
            ).save(on: req.db)
            return try await render(req, report: report, error: nil).encodeResponse(for: req)
        } catch let failure as SubscriberImport.Failure {
            return try await render(req, report: nil, error: failure.description).encodeResponse(status: .unprocessableEntity, for: req)
        }
    }

    private func render(_ req: Request, report: SubscriberImport.Report?, error: String?) async throws -> View {
        let lists = try await MailingList.query(on: req.db).sort(\.$nameEn).all()
        let context = ImportContext(
            chrome: try await Chrome.make(for: req, title: req.t("mail.import")), csrf: req.csrfToken(),
            lists: [SelectOption(value: "", label: req.t("option.none"))]
                + lists.map { SelectOption(value: $0.slug, label: $0.name(req.language)) },
            hasReport: report != nil, imported: report?.imported ?? 0, already: report?.alreadySubscribed ?? 0,
            rejections: (report?.rejections ?? []).prefix(2_000).map { .init(line: $0.line, reason: $0.reason) }, error: error)
        return try await req.view.render("mail/import", context)
    }

    private func file(_ text: String, type: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }
}
