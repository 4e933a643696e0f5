import Fluent
import Vapor

/// The centre's profile and the audit log.
struct AdminController: RouteCollection {
    struct AuditLogContext: Encodable {
        let chrome: Chrome
        let query: String
        let recent: [AuditRow]
        let paging: ListPaging
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor)
        staff.get("admin", "centre", use: editCentre)
        staff.post("admin", "centre", use: updateCentre)
        staff.get("admin", "audit", use: auditLog)
    }

    func auditLog(req: Request) async throws -> View {
        let query = ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
        let requested = ListPaging.requestedPage(req)
        let paging: ListPaging
        let rows: [AuditRow]
        if query.isEmpty {
            paging = ListPaging(
                requested: requested, total: try await AuditEntry.query(on: req.db).count(), base: "/admin/audit", query: "")
            let entries =
                paging.total == 0
                ? [] : try await AuditEntry.query(on: req.db).sort(\.$occurredAt, .descending).sort(\.$id).range(paging.range).all()
            rows = entries.map { AuditRow($0, req) }
        } else {
            // A search reads the latest 2,000 changes, what they show (labels, before and after).
            let entries = try await AuditEntry.query(on: req.db).sort(\.$occurredAt, .descending).sort(\.$id).range(..<2_000).all()
            let matching = entries.map { AuditRow($0, req) }.filter { row in
                [row.actor, row.summary, row.entity, row.action].contains { $0.localizedCaseInsensitiveContains(query) }
                    || row.changes.contains {
                        $0.after.localizedCaseInsensitiveContains(query) || $0.before.localizedCaseInsensitiveContains(query)
                    }
            }
            paging = ListPaging(requested: requested, total: matching.count, base: "/admin/audit", query: query)
            rows = Array(matching[paging.range])
        }
        let context = AuditLogContext(
            chrome: try await Chrome.make(for: req, title: req.t("admin.audit")), query: query, recent: rows, paging: paging)
        return try await req.view.render("admin/audit", context)
    }

    func editCentre(req: Request) async throws -> Response {
        let profile = try await CentreProfile.query(on: req.db).first() ?? CentreProfile.blank()
        return try await renderCentre(req, values: CentreProfileForm.values(of: profile), errors: FieldErrors(), profile: profile)
    }

    func updateCentre(req: Request) async throws -> Response {
        let profile = try await CentreProfile.query(on: req.db).first() ?? CentreProfile.blank()
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        let fields = CentreProfileForm.fields(req)
        let input = FormValidator.normalise(raw, fields: fields)
        var errors = FormValidator.validate(input, fields: fields, t: req.t)
        for field in ["telephone", "fax"]
        where errors[field] == nil && !input.text(field).isEmpty && !FormValidator.isPhone(input.text(field)) {
            errors[field] = req.t("validation.phone")
        }
        guard errors.isEmpty else {
            return try await renderCentre(req, values: input, errors: errors, profile: profile, status: .unprocessableEntity)
        }
        let before = profile.id == nil ? [:] : CentreProfileForm.values(of: profile)
        CentreProfileForm.apply(input, to: profile)
        try await req.db.transaction { db in
            try await profile.save(on: db)
            try await AuditEntry(
                actor: req.currentUser, action: before.isEmpty ? "create" : "update", entityType: "centre",
                entityID: profile.savedID.uuidString,
                summary: profile.nameEn, before: before, after: CentreProfileForm.values(of: profile)
            ).save(on: db)
        }
        return req.redirect(to: "/admin/centre", confirming: "saved")
    }

    private func renderCentre(
        _ req: Request, values: [String: String], errors: FieldErrors, profile: CentreProfile, status: HTTPResponseStatus = .ok
    ) async throws -> Response {
        var history: [AuditEntry] = []
        if let id = profile.id {
            history = try await AuditEntry.query(on: req.db).filter(\.$entityType == "centre").filter(\.$entityID == id.uuidString)
                .sort(\.$occurredAt, .descending).all()
        }
        let context = AdminFormContext(
            chrome: try await Chrome.make(for: req, title: req.t("admin.centre")), heading: req.t("admin.centre"), action: "/admin/centre",
            csrf: req.csrfToken(),
            form: FormFields(fields: FieldView.make(CentreProfileForm.fields(req), values: values, errors: errors, t: req.t)),
            hasErrors: !errors.isEmpty, listHref: "/admin", endAction: nil, isEnded: false, recent: history.map { AuditRow($0, req) })
        let response = try await req.view.render("admin/form", context).encodeResponse(for: req)
        response.status = status
        return response
    }
}
