import Fluent
import Vapor

/// List, search, create, edit and end for any `AdminResource`, each change audited in the same
/// transaction as the change itself.
struct AdminResourceController<Resource: AdminResource>: RouteCollection {
    static var base: String { "/admin/" + Resource.slug }

    func boot(routes: any RoutesBuilder) throws {
        let admin = routes.requiring(Resource.requiredRole).grouped("admin", .constant(Resource.slug))
        admin.get(use: list)
        admin.get("new", use: new)
        admin.post(use: create)
        admin.get(":id", "edit", use: edit)
        admin.post(":id", use: update)
        if Resource.canEnd { admin.post(":id", "end", use: end) }
    }

    func list(req: Request) async throws -> View {
        let query = AdminListSearch.query(req)
        let paging: ListPaging
        let records: [Resource.Record]
        var capped = false
        var found: (ids: [UUID], capped: Bool)?
        if !query.isEmpty, let kind = Resource.searchKind { found = try await AdminListSearch.indexed(query, kind: kind, req) }
        if query.isEmpty {
            (paging, records) = try await ListPaging.page(of: Resource.listQuery(on: req.db), req, base: Self.base)
        } else if let found {
            // What the index found, in the list's own order.
            capped = found.capped
            (paging, records) = try await ListPaging.page(
                of: Resource.listQuery(on: req.db).filter(ids: found.ids), req, base: Self.base, filters: [("q", query)])
        } else {
            // Matching what the cells show (names of linked records, translated labels) reads the whole
            // list; the unsearched list, the common case, reads one page.
            (paging, records) = AdminListSearch.matchingCells(
                try await Self.ordered(Resource.listQuery(on: req.db)).all(), query: query, base: Self.base, req
            ) { Resource.cells(of: $0, req) }
        }
        let rows = records.map { record in
            AdminListContext.Row(
                cells: Resource.cells(of: record, req), editHref: Resource.rowHref(record), ended: Resource.isEnded(record))
        }
        let heading = req.t("admin." + Resource.slug)
        let context = AdminListContext(
            chrome: try await Chrome.make(for: req, title: heading), heading: heading, slug: Resource.slug, query: query,
            newHref: Self.base + "/new", columns: Resource.columnKeys.map(req.t), rows: rows, paging: paging, capped: capped)
        return try await req.view.render("admin/list", context)
    }

    /// The record's id breaks ties, so that rows with equal sort keys keep their page.
    private static func ordered(_ query: QueryBuilder<Resource.Record>) -> QueryBuilder<Resource.Record> {
        query.sort(.path([.id], schema: Resource.Record.schemaOrAlias), .ascending)
    }

    /// Query parameters prefill the form, so other pages can link to "new agenda item for this meeting".
    func new(req: Request) async throws -> Response {
        let prefill = (try? req.query.decode([String: String].self)) ?? [:]
        return try await renderForm(req, record: nil, values: prefill, errors: FieldErrors())
    }

    func edit(req: Request) async throws -> Response {
        let record = try await find(req)
        return try await renderForm(req, record: record, values: Resource.values(of: record), errors: FieldErrors())
    }

    func create(req: Request) async throws -> Response {
        try await save(req, record: nil)
    }

    func update(req: Request) async throws -> Response {
        try await save(req, record: try await find(req))
    }

    func end(req: Request) async throws -> Response {
        let record = try await find(req)
        let before = Resource.values(of: record)
        Resource.end(record, on: CalendarDate.today())
        try await req.db.transaction { db in
            try await record.save(on: db)
            try await audit(req, action: "end", record: record, before: before, on: db)
        }
        return req.redirect(to: "\(Self.base)/\(record.savedID.uuidString)/edit", confirming: "ended")
    }

    private func save(_ req: Request, record existing: Resource.Record?) async throws -> Response {
        let specs = try await Resource.fields(req, editing: existing)
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        var prepared = FormValidator.normalise(raw, fields: specs)
        try await Resource.prepare(&prepared, existing: existing, on: req.db)
        let input = prepared
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        try await Resource.check(input, existing: existing, req: req, errors: &errors)
        guard errors.isEmpty else {
            return try await renderForm(req, record: existing, values: input, errors: errors, status: .unprocessableEntity)
        }
        let record = existing ?? Resource.Record()
        let before = existing.map(Resource.values(of:)) ?? [:]
        Resource.apply(input, to: record)
        // Saving an unchanged form writes nothing: no empty "changed" entry in the history (nor
        // in a subscriber's consent ledger). A typed password always counts as a change.
        let typesPassword = specs.contains { spec in
            if case .password = spec.kind { return !input.text(spec.name).isEmpty }
            return false
        }
        if let existing, !typesPassword, Resource.values(of: record) == before {
            let back = raw["_return"].flatMap(AuthController.safeDestination) ?? Resource.rowHref(existing)
            return req.redirect(to: back, confirming: "unchanged")
        }
        try await Resource.beforeSave(record, input: input, req: req)
        do {
            try await req.db.transaction { db in
                try await record.save(on: db)
                try await Resource.afterSave(record, input: input, req: req, on: db)
                try await audit(req, action: existing == nil ? "create" : "update", record: record, before: before, on: db)
            }
        } catch  where (error as? any DatabaseError)?.isConstraintFailure == true {
            guard let explained = Resource.explain(constraintFailure: error, input: input, req: req) else { throw error }
            return try await renderForm(req, record: existing, values: input, errors: explained, status: .conflict)
        }
        // The record's hub (a meeting's, an issue's) or its form, saying what was done.
        let back = raw["_return"].flatMap(AuthController.safeDestination) ?? Resource.rowHref(record)
        return req.redirect(to: back, confirming: existing == nil ? "created" : "saved")
    }

    private func audit(_ req: Request, action: String, record: Resource.Record, before: [String: String], on db: any Database) async throws
    {
        try await AuditEntry(
            actor: req.currentUser, action: action, entityType: Resource.auditEntity, entityID: record.savedID.uuidString,
            summary: Resource.label(of: record), before: before, after: Resource.values(of: record)
        ).save(on: db)
    }

    private func find(_ req: Request) async throws -> Resource.Record {
        guard let id = req.parameters.get("id", as: UUID.self), let record = try await Resource.Record.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        try await Resource.loadExtras(record, on: req.db)
        return record
    }

    private func renderForm(
        _ req: Request, record: Resource.Record?, values: [String: String], errors: FieldErrors, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        let specs = try await Resource.fields(req, editing: record)
        let heading =
            record.map { req.t("admin.edit") + ": " + Resource.label(of: $0) } ?? req.t("admin.new") + ": "
            + req.t("entity." + Resource.auditEntity)
        var history: [AuditEntry] = []
        if let record {
            history = try await AuditEntry.query(on: req.db)
                .filter(\.$entityType == Resource.auditEntity).filter(\.$entityID == record.savedID.uuidString)
                .sort(\.$occurredAt, .descending).all()
        }
        let context = AdminFormContext(
            chrome: try await Chrome.make(for: req, title: heading),
            heading: heading,
            action: record.map { "\(Self.base)/\($0.savedID.uuidString)" } ?? Self.base,
            csrf: req.csrfToken(),
            form: FormFields(fields: FieldView.make(specs, values: values, errors: errors, t: req.t)),
            hasErrors: !errors.isEmpty,
            listHref: Self.base,
            endAction: record.flatMap { Resource.canEnd && !Resource.isEnded($0) ? "\(Self.base)/\($0.savedID.uuidString)/end" : nil },
            isEnded: record.map(Resource.isEnded) ?? false,
            recent: history.map { AuditRow($0, req) })
        var withReturn = context
        withReturn.related = record.map { Resource.relatedLinks(of: $0, req) } ?? []
        withReturn.returnTo = ((try? req.query.get(String.self, at: "return")) ?? (try? req.content.get(String.self, at: "_return")))
            .flatMap(AuthController.safeDestination)
        let response = try await req.view.render("admin/form", withReturn).encodeResponse(for: req)
        response.status = status
        return response
    }
}
