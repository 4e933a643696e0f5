import Fluent
import Vapor

/// Progress reports: focal points draft and submit them for their own country, staff validate
/// them and lock a validated year so its results no longer change.
struct ProgressReportController: RouteCollection {
    struct ListContext: Encodable {
        struct Row: Encodable {
            let activity: String
            let year: Int
            let country: String
            let status: String
            let href: String
        }
        let chrome: Chrome
        let rows: [Row]
        let newHref: String
        let paging: ListPaging
        /// The list by status, each a link; the current one marked.
        let statuses: [Chrome.NavItem]
    }

    struct FormContext: Encodable {
        let chrome: Chrome
        let csrf: String
        let heading: String
        let action: String
        let form: FormFields
        let hasErrors: Bool
        let error: String?
        let status: String?
        let editable: Bool
        /// What a submitted or validated report says, shown read-only to staff and to its focal point.
        let content: ProgressReportContent?
        let submitAction: String?
        let validateAction: String?
        let returnAction: String?
        let activityHref: String?
    }

    func boot(routes: any RoutesBuilder) throws {
        let member = routes.requiring(.focalPoint).grouped("action-plan", "reports")
        member.get(use: list)
        member.get("new", use: new)
        member.post(use: create)
        member.get(":id", use: show)
        member.post(":id", use: update)
        member.post(":id", "submit", use: submit)
        let staff = routes.requiring(.editor)
        staff.post("action-plan", "reports", ":id", "validate", use: validate)
        staff.post("action-plan", "reports", ":id", "return", use: sendBack)
        staff.get("action-plan", "activities", ":code", "lock", use: lockCheck)
        staff.post("action-plan", "activities", ":code", "lock", use: lock)
    }

    // MARK: who may report what

    private func allowedCountries(_ req: Request) async throws -> Set<UUID>? {
        req.role.isStaff ? nil : try await ReportingRules.countries(of: req.currentUser, on: req.db)
    }

    /// Focal points report only for their own country, and only on activities their country takes part in.
    private func checkScope(_ req: Request, activity: Activity, countryID: UUID?, errors: inout FieldErrors) async throws {
        guard let allowed = try await allowedCountries(req) else { return }
        guard let countryID, allowed.contains(countryID) else {
            errors["country_id"] = req.t("report.own_country_only")
            return
        }
        let participates =
            try await ActivityParticipant.query(on: req.db).filter(\.$activity.$id == activity.savedID)
            .filter(\.$country.$id == countryID).count() > 0
        if !participates { errors["activity_id"] = req.t("report.country_not_in_activity") }
    }

    // MARK: form

    /// Values typed for indicators that are not the chosen activity's: the form was opened for one
    /// activity and saved with another, or the indicator has gone. Their fields are kept on the page
    /// so the refusal can be shown next to them.
    private func foreignActuals(_ raw: [String: String], activity: Activity?, on db: any Database) async throws -> [ForeignActual] {
        var own: Set<UUID> = []
        if let id = activity?.id {
            own = Set(try await Indicator.query(on: db).filter(\.$activity.$id == id).all().compactMap(\.id))
        }
        let typed = raw.filter { key, value in
            key.hasPrefix(Self.actualPrefix) && !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        }
        .keys.filter { key in UUID(uuidString: String(key.dropFirst(Self.actualPrefix.count))).map { !own.contains($0) } ?? true }
        let ids = typed.compactMap { UUID(uuidString: String($0.dropFirst(Self.actualPrefix.count))) }
        let indicators = try await Indicator.query(on: db).filter(\.$id ~~ ids).with(\.$activity).all()
        return typed.sorted().map { key in
            ForeignActual(field: key, indicator: indicators.first { Self.actualPrefix + $0.savedID.uuidString == key })
        }
    }

    struct ForeignActual {
        let field: String
        let indicator: Indicator?
    }

    static let actualPrefix = "actual__"

    private static func label(_ indicator: Indicator, _ language: Language) -> String {
        let unit = indicator.unit.isEmpty ? "" : " (\(indicator.unit))"
        return indicator.code + " · " + indicator.title(language) + unit
    }

    private func fields(_ req: Request, activity: Activity?, foreign: [ForeignActual] = []) async throws -> [FieldSpec] {
        let allowed = try await allowedCountries(req)
        var countries = try await Country.query(on: req.db).sort(\.$nameEn).all()
        if let allowed { countries = countries.filter { allowed.contains($0.savedID) } }
        let strategy = try await Strategy.query(on: req.db).sort(\.$firstYear, .descending).first()
        let years = strategy.map { Array($0.years) } ?? []
        var specs: [FieldSpec] = [
            FieldSpec(
                name: "activity_id", labelKey: "field.activity", kind: .select(try await ActionPlanOptions.activities(req)), required: true),
            FieldSpec(
                name: "year", labelKey: "field.year", kind: .select(years.map { SelectOption(value: "\($0)", label: "\($0)") }),
                required: true),
            FieldSpec(
                name: "country_id", labelKey: "field.country",
                kind: .select(
                    (allowed == nil ? [SelectOption(value: "", label: req.t("report.whole_activity"))] : [])
                        + countries.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) }),
                required: allowed != nil),
            FieldSpec(name: "narrative_en", labelKey: "field.narrative_en", kind: .textarea, required: true, maxLength: 10_000),
            FieldSpec(name: "narrative_zh", labelKey: "field.narrative_zh", kind: .textarea, maxLength: 10_000),
        ]
        if let activity {
            let indicators = try await Indicator.query(on: req.db).filter(\.$activity.$id == activity.savedID).sort(\.$code).all()
            for indicator in indicators {
                specs.append(
                    FieldSpec(
                        name: Self.actualPrefix + indicator.savedID.uuidString, labelKey: Self.label(indicator, req.language),
                        kind: indicator.measure == .qualitative ? .textarea : .text, maxLength: 1_000))
            }
        }
        for item in foreign {
            let label = item.indicator.map { indicator in
                Self.label(indicator, req.language) + (indicator.activity.map { " · " + $0.code } ?? "")
            }
            specs.append(
                FieldSpec(
                    name: item.field, labelKey: label ?? req.t("field.indicator"),
                    kind: item.indicator?.measure == .qualitative ? .textarea : .text, maxLength: 1_000))
        }
        return specs
    }

    func list(req: Request) async throws -> View {
        var query = ProgressReport.query(on: req.db)
        if let allowed = try await allowedCountries(req) { query = query.filter(\.$country.$id ~~ Array(allowed)) }
        let status = (try? req.query.get(String.self, at: "status")).flatMap(ReportStatus.init(rawValue:))
        if let status { query = query.filter(\.$status == status) }
        let filters = status.map { [(name: "status", value: $0.rawValue)] } ?? []
        let (paging, reports) = try await ListPaging.page(of: query, req, base: "/action-plan/reports", filters: filters) {
            $0.with(\.$activity).with(\.$country).sort(\.$year, .descending).sort(\.$updatedAt, .descending)
        }
        let context = ListContext(
            chrome: try await Chrome.make(for: req, title: req.t("report.title")),
            rows: reports.map {
                .init(
                    activity: $0.activity.code + " " + $0.activity.title(req.language), year: $0.year,
                    country: $0.country?.name(req.language) ?? req.t("report.whole_activity"),
                    status: req.t("report_status." + $0.status.rawValue).capitalisingFirstLetter,
                    href: "/action-plan/reports/\($0.savedID.uuidString)")
            }, newHref: "/action-plan/reports/new", paging: paging,
            statuses: statusFilters(req, current: status))
        return try await req.view.render("action-plan/reports", context)
    }

    /// The list's status filter: all reports, then each status.
    private func statusFilters(_ req: Request, current: ReportStatus?) -> [Chrome.NavItem] {
        let choices: [ReportStatus?] = [nil] + ReportStatus.allCases.map { $0 }
        return choices.map { choice in
            let label = choice.map { req.t("report_status." + $0.rawValue) } ?? req.t("report.all_statuses")
            let href = "/action-plan/reports" + (choice.map { "?status=" + $0.rawValue } ?? "")
            return Chrome.NavItem(href: href, label: label, current: choice == current)
        }
    }

    func new(req: Request) async throws -> View {
        let code = (try? req.query.get(String.self, at: "activity")) ?? ""
        let activity = try await Activity.query(on: req.db).filter(\.$code == code).first()
        var values: [String: String] = ["activity_id": activity?.id?.uuidString ?? ""]
        if let allowed = try await allowedCountries(req), allowed.count == 1 { values["country_id"] = allowed.first!.uuidString }
        return try await render(req, report: nil, activity: activity, values: values, errors: FieldErrors())
    }

    func show(req: Request) async throws -> View {
        let report = try await find(req)
        let activity = try await report.$activity.get(on: req.db)
        var values = [
            "activity_id": activity.savedID.uuidString, "year": "\(report.year)", "country_id": report.$country.id?.uuidString ?? "",
            "narrative_en": report.narrativeEn, "narrative_zh": report.narrativeZh,
        ]
        for actual in try await IndicatorActual.query(on: req.db).filter(\.$report.$id == report.savedID).all() {
            values[Self.actualPrefix + actual.$indicator.id.uuidString] = actual.value.map(SVGCharts.number) ?? actual.text
        }
        return try await render(req, report: report, activity: activity, values: values, errors: FieldErrors())
    }

    func create(req: Request) async throws -> Response {
        try await save(req, report: nil)
    }

    func update(req: Request) async throws -> Response {
        try await save(req, report: try await find(req))
    }

    private func save(_ req: Request, report existing: ProgressReport?) async throws -> Response {
        // Only drafts are saved here, and public pages count validated reports alone.
        req.publicPagesChanged = nil
        let raw = (try? req.content.decode([String: String].self)) ?? [:]
        var activity: Activity?
        if let activityID = raw["activity_id"].flatMap(UUID.init(uuidString:)) {
            activity = try await Activity.find(activityID, on: req.db)
        }
        let foreign = try await foreignActuals(raw, activity: activity, on: req.db)
        let specs = try await fields(req, activity: activity, foreign: foreign)
        let input = FormValidator.normalise(raw, fields: specs)
        var errors = FormValidator.validate(input, fields: specs, t: req.t)
        if let existing, existing.status != .draft {
            return try await render(
                req, report: existing, activity: activity, values: input, errors: errors, error: req.t("report.not_draft")
            )
            .encodeResponse(status: .conflict, for: req)
        }
        guard let activity else {
            errors["activity_id"] = req.t("validation.choice")
            return try await render(req, report: existing, activity: nil, values: input, errors: errors, foreign: foreign).encodeResponse(
                status: .unprocessableEntity, for: req)
        }
        // A value typed for another activity's indicator is refused, never silently dropped.
        for item in foreign {
            if let indicator = item.indicator, let other = indicator.activity {
                errors[item.field] = req.t(
                    "report.actual_other_activity", ["indicator": indicator.code, "other": other.code, "activity": activity.code])
            } else {
                errors[item.field] = req.t("report.actual_unknown_indicator", ["activity": activity.code])
            }
        }
        let year = Int(input.text("year")) ?? 0
        let countryID = input.uuid("country_id")
        try await checkScope(req, activity: activity, countryID: countryID, errors: &errors)
        if try await ReportingRules.isLocked(activityID: activity.savedID, year: year, on: req.db) {
            errors["year"] = req.t("validation.period_locked")
        }
        let duplicate = ProgressReport.query(on: req.db).filter(\.$activity.$id == activity.savedID).filter(\.$year == year)
        if let countryID {
            duplicate.filter(\.$country.$id == countryID)
        } else {
            duplicate.filter(\.$country.$id == nil)
        }
        if let other = try await duplicate.first(), other.id != existing?.id { errors["year"] = req.t("report.exists") }
        let indicators = try await Indicator.query(on: req.db).filter(\.$activity.$id == activity.savedID).all()
        var parsed: [(Indicator, Double?, String)] = []
        for indicator in indicators {
            let text = input.text(Self.actualPrefix + indicator.savedID.uuidString)
            guard !text.isEmpty else { continue }
            switch ReportingRules.parse(text, for: indicator.measure) {
            case .success(let value):
                let qualitative = indicator.measure == IndicatorMeasure.qualitative
                parsed.append((indicator, value, qualitative ? text : ""))
            case .failure(let problem): errors[Self.actualPrefix + indicator.savedID.uuidString] = req.t(problem.key)
            }
        }
        let scopeRefused =
            errors["country_id"] == req.t("report.own_country_only") || errors["activity_id"] == req.t("report.country_not_in_activity")
        guard errors.isEmpty else {
            return try await render(req, report: existing, activity: activity, values: input, errors: errors, foreign: foreign)
                .encodeResponse(status: scopeRefused ? .forbidden : .unprocessableEntity, for: req)
        }
        let report = existing ?? ProgressReport()
        let before = existing.map { ["status": $0.status.rawValue, "narrative_en": $0.narrativeEn] } ?? [:]
        report.$activity.id = activity.savedID
        report.year = year
        report.$country.id = countryID
        report.narrativeEn = input.text("narrative_en")
        report.narrativeZh = input.text("narrative_zh")
        if existing == nil {
            report.status = .draft
            report.author = req.currentUser?.email ?? ""
            report.validatedBy = ""
            report.illustrative = false
        }
        let values = parsed
        try await req.db.transaction { db in
            try await report.save(on: db)
            try await IndicatorActual.query(on: db).filter(\.$report.$id == report.savedID).delete()
            for (indicator, value, text) in values {
                let actual = IndicatorActual()
                actual.$indicator.id = indicator.savedID
                actual.year = year
                actual.value = value
                actual.text = text
                actual.illustrative = false
                actual.$country.id = countryID
                actual.$report.id = report.id
                try await actual.save(on: db)
            }
            try await audit(
                req, report, action: existing == nil ? "create" : "update", before: before,
                after: ["status": report.status.rawValue, "narrative_en": report.narrativeEn, "actuals": "\(values.count)"], on: db)
        }
        return req.redirect(to: "/action-plan/reports/\(report.savedID.uuidString)")
    }

    func submit(req: Request) async throws -> Response {
        let report = try await find(req)
        var errors = FieldErrors()
        try await checkScope(req, activity: try await report.$activity.get(on: req.db), countryID: report.$country.id, errors: &errors)
        guard errors.isEmpty else { throw Abort(.forbidden, reason: req.t("report.own_country_only")) }
        return try await move(req, report, from: [.draft], to: .submitted)
    }

    func validate(req: Request) async throws -> Response {
        let report = try await find(req)
        report.validatedBy = req.currentUser?.email ?? ""
        return try await move(req, report, from: [.submitted], to: .validated)
    }

    func sendBack(req: Request) async throws -> Response {
        try await move(req, try await find(req), from: [.submitted, .validated], to: .draft)
    }

    private func move(_ req: Request, _ report: ProgressReport, from: [ReportStatus], to: ReportStatus) async throws -> Response {
        guard from.contains(report.status) else { throw Abort(.conflict, reason: req.t("report.not_possible")) }
        req.publicPagesChanged = report.status != .validated && to != .validated ? nil : .everything
        if try await ReportingRules.isLocked(activityID: report.$activity.id, year: report.year, on: req.db) {
            throw Abort(.conflict, reason: req.t("validation.period_locked"))
        }
        let before = report.status.rawValue
        report.status = to
        try await req.db.transaction { db in
            try await report.save(on: db)
            try await audit(req, report, action: "update", before: ["status": before], after: ["status": to.rawValue], on: db)
        }
        return req.redirect(to: "/action-plan/reports/\(report.savedID.uuidString)")
    }

    /// Locks a year of an activity once every report for it is validated.
    /// The page before a year is locked: what it freezes, and why it cannot be locked yet if so.
    func lockCheck(req: Request) async throws -> View {
        guard let activity = try await Activity.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "")).first() else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        let activityID = try activity.requireID()
        guard let year = try? req.query.get(Int.self, at: "year") else { throw Abort(.badRequest, reason: req.t("validation.year")) }
        let open = try await ProgressReport.query(on: req.db).filter(\.$activity.$id == activityID).filter(\.$year == year)
            .filter(\.$status != .validated).count()
        let validated = try await ProgressReport.query(on: req.db).filter(\.$activity.$id == activityID).filter(\.$year == year)
            .filter(\.$status == .validated).count()
        var refusal: String? = open > 0 ? req.t("report.unvalidated_reports") : nil
        if try await ReportingRules.isLocked(activityID: activityID, year: year, on: req.db) { refusal = req.t("check.lock.already") }
        let heading = req.t("check.lock.heading", ["year": "\(year)"])
        let back = "/action-plan/activities/" + activity.code
        return try await req.view.render(
            "admin/check",
            CheckPageContext(
                chrome: try await Chrome.make(for: req, title: heading), heading: heading,
                facts: [
                    .init(label: req.t("field.activity"), value: activity.code + " · " + activity.title(req.language)),
                    .init(label: req.t("field.year"), value: "\(year)"),
                    .init(label: req.t("check.lock.validated"), value: "\(validated)"),
                ],
                consequences: [req.t("check.lock.frozen", ["year": "\(year)"])]
                    + (validated == 0 ? [req.t("check.lock.nothing_validated", ["year": "\(year)"])] : []) + [req.t("check.lock.final")],
                refusal: refusal,
                action: "/action-plan/activities/\(activity.code)/lock", csrf: req.csrfToken(),
                hidden: [.init(name: "year", value: "\(year)")],
                confirmLabel: req.t("check.lock.confirm", ["year": "\(year)"]), backHref: back))
    }

    func lock(req: Request) async throws -> Response {
        guard let activity = try await Activity.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "")).first() else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        guard let year = (try? req.content.get(Int.self, at: "year")) else { throw FieldErrors(["year": req.t("validation.year")]) }
        let open = try await ProgressReport.query(on: req.db).filter(\.$activity.$id == activity.savedID).filter(\.$year == year)
            .filter(\.$status != .validated).count()
        guard open == 0 else { throw Abort(.conflict, reason: req.t("report.unvalidated_reports")) }
        guard try await !ReportingRules.isLocked(activityID: activity.savedID, year: year, on: req.db) else {
            return req.redirect(to: "/action-plan/activities/" + activity.code)
        }
        let lock = ReportingLock()
        lock.$activity.id = activity.savedID
        lock.year = year
        lock.lockedBy = req.currentUser?.email ?? ""
        try await req.db.transaction { db in
            try await lock.save(on: db)
            try await AuditEntry(
                actor: req.currentUser, action: "update", entityType: "activity", entityID: activity.savedID.uuidString,
                summary: activity.code,
                before: [:], after: ["locked_year": "\(year)"]
            ).save(on: db)
        }
        return req.redirect(to: "/action-plan/activities/" + activity.code, confirming: "locked")
    }

    private func find(_ req: Request) async throws -> ProgressReport {
        guard let id = req.parameters.get("id", as: UUID.self), let report = try await ProgressReport.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        if let allowed = try await allowedCountries(req), !(report.$country.id.map(allowed.contains) ?? false) {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return report
    }

    private func audit(
        _ req: Request, _ report: ProgressReport, action: String, before: [String: String], after: [String: String], on db: any Database
    )
        async throws
    {
        try await AuditEntry(
            actor: req.currentUser, action: action, entityType: "progress_report", entityID: report.savedID.uuidString,
            summary: "\(report.year)",
            before: before, after: after
        ).save(on: db)
    }

    private func render(
        _ req: Request, report: ProgressReport?, activity: Activity?, values: [String: String], errors: FieldErrors, error: String? = nil,
        foreign: [ForeignActual] = []
    ) async throws -> View {
        let specs = try await fields(req, activity: activity, foreign: foreign)
        let id = report?.id?.uuidString
        let editable = report == nil || report?.status == .draft
        var content: ProgressReportContent?
        if let report, !editable { content = try await ProgressReportContent.make(report, for: req) }
        let context = FormContext(
            chrome: try await Chrome.make(for: req, title: req.t("report.title")), csrf: req.csrfToken(),
            heading: activity.map { req.t("report.title") + req.t("punct.colon") + $0.code + " " + $0.title(req.language) }
                ?? req.t("report.new"),
            action: id.map { "/action-plan/reports/" + $0 } ?? "/action-plan/reports",
            form: FormFields(fields: FieldView.make(specs, values: values, errors: errors, t: req.t)), hasErrors: !errors.isEmpty,
            error: error,
            status: report.map { req.t("report_status." + $0.status.rawValue) }, editable: editable, content: content,
            submitAction: report?.status == .draft ? id.map { "/action-plan/reports/\($0)/submit" } : nil,
            validateAction: req.role.isStaff && report?.status == .submitted ? id.map { "/action-plan/reports/\($0)/validate" } : nil,
            returnAction: req.role.isStaff && (report?.status == .submitted || report?.status == .validated)
                ? id.map { "/action-plan/reports/\($0)/return" } : nil,
            activityHref: activity.map { "/action-plan/activities/" + $0.code })
        return try await req.view.render("action-plan/report-form", context)
    }
}
