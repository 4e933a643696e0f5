import Fluent
import Vapor

struct IndicatorResource: AdminResource {
    typealias Record = Indicator
    static let slug = "indicators"
    static let searchKind: SearchDocument.Kind? = .indicator
    static let auditEntity = "indicator"
    static let columnKeys = ["plan.indicator_code", "field.title_en", "field.measure", "field.baseline", "field.illustrative"]

    static func fields(_ req: Request, editing record: Indicator?) async throws -> [FieldSpec] {
        let areas = try await PriorityArea.query(on: req.db).sort(\.$position).all()
        return [
            FieldSpec(name: "code", labelKey: "plan.indicator_code", kind: .text, required: true, maxLength: 40, hintKey: "hint.plan_code"),
            FieldSpec(name: "title_en", labelKey: "field.title_en", kind: .text, required: true, maxLength: 300),
            FieldSpec(name: "title_zh", labelKey: "field.title_zh", kind: .text, maxLength: 300),
            FieldSpec(
                name: "activity_id", labelKey: "field.activity",
                kind: .select(RegistryOptions.optional(try await ActionPlanOptions.activities(req), req)),
                hintKey: "hint.indicator_owner"),
            FieldSpec(
                name: "priority_area_id", labelKey: "field.priority_area",
                kind: .select(
                    RegistryOptions.optional(
                        areas.map { SelectOption(value: $0.savedID.uuidString, label: $0.code + " " + $0.title(req.language)) }, req))),
            .choice("measure", "field.measure", IndicatorMeasure.self, labelPrefix: "measure.", t: req.t),
            FieldSpec(name: "unit_label", labelKey: "field.unit_label", kind: .text, maxLength: 60),
            .choice("direction", "field.direction", IndicatorDirection.self, labelPrefix: "direction.", t: req.t),
            FieldSpec(name: "baseline_value", labelKey: "field.baseline_value", kind: .text, maxLength: 30),
            FieldSpec(name: "baseline_text", labelKey: "field.baseline_text", kind: .text, maxLength: 300),
            FieldSpec(name: "baseline_year", labelKey: "field.baseline_year", kind: .text, maxLength: 4),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of i: Indicator) -> [String: String] {
        [
            "code": i.code, "title_en": i.titleEn, "title_zh": i.titleZh, "activity_id": i.$activity.id?.uuidString ?? "",
            "priority_area_id": i.$priorityArea.id?.uuidString ?? "", "measure": i.measure.rawValue, "unit_label": i.unitLabel,
            "direction": i.direction.rawValue, "baseline_value": i.baselineValue.map(SVGCharts.number) ?? "",
            "baseline_text": i.baselineText,
            "baseline_year": i.baselineYear.map(String.init) ?? "", "illustrative": i.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to i: Indicator) {
        i.code = input.text("code").uppercased()
        i.titleEn = input.text("title_en")
        i.titleZh = input.text("title_zh")
        i.$activity.id = input.uuid("activity_id")
        i.$priorityArea.id = input.uuid("activity_id") == nil ? input.uuid("priority_area_id") : nil
        i.measure = IndicatorMeasure(rawValue: input.text("measure")) ?? .unit
        i.unitLabel = input.text("unit_label")
        i.direction = IndicatorDirection(rawValue: input.text("direction")) ?? .increase
        i.baselineValue = i.measure == .qualitative ? nil : Double(input.text("baseline_value"))
        i.baselineText = input.text("baseline_text")
        i.baselineYear = Int(input.text("baseline_year"))
        i.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: Indicator?, req: Request, errors: inout FieldErrors) async throws {
        let code = input.text("code").uppercased()
        if errors["code"] == nil, !PlanCode.isValid(code) { errors["code"] = req.t("validation.plan_code") }
        if errors["code"] == nil, let other = try await Indicator.query(on: req.db).filter(\.$code == code).first(),
            other.id != existing?.id
        {
            errors["code"] = req.t("validation.plan_code_taken")
        }
        if (input.uuid("activity_id") == nil) == (input.uuid("priority_area_id") == nil) {
            errors["activity_id"] = req.t("hint.indicator_owner")
        }
        if let measure = IndicatorMeasure(rawValue: input.text("measure")), !input.text("baseline_value").isEmpty {
            if measure == .qualitative {
                errors["baseline_value"] = req.t("validation.qualitative_no_number")
            } else if case .failure(let problem) = ReportingRules.parse(input.text("baseline_value"), for: measure) {
                errors["baseline_value"] = req.t(problem.key)
            }
        }
        if !input.text("baseline_year").isEmpty, !(1990...2200).contains(Int(input.text("baseline_year")) ?? 0) {
            errors["baseline_year"] = req.t("validation.year")
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["code": req.t("validation.plan_code_taken")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<Indicator> { Indicator.query(on: db).sort(\.$code) }

    static func cells(of i: Indicator, _ req: Request) -> [String] {
        [
            i.code, i.title(req.language), req.t("measure." + i.measure.rawValue),
            (i.baselineValue.map(SVGCharts.number) ?? i.baselineText) + (i.baselineYear.map { " (\($0))" } ?? ""),
            i.illustrative ? req.t("option.yes") : "",
        ]
    }

    static func label(of i: Indicator) -> String { i.code + " " + i.titleEn }
}

/// Shared checks of a value for an indicator in a year: the year inside the strategy, the value
/// of the indicator's measure, and the year not locked for the indicator's activity.
enum IndicatorValueCheck {
    static func check(_ input: [String: String], req: Request, errors: inout FieldErrors, checkLock: Bool) async throws -> Indicator? {
        guard let indicatorID = input.uuid("indicator_id"), let indicator = try await Indicator.find(indicatorID, on: req.db) else {
            return nil
        }
        let year = Int(input.text("year"))
        if let strategy = try await strategy(of: indicator, on: req.db), let year, !strategy.years.contains(year) {
            errors["year"] = req.t("validation.outside_strategy", ["first": "\(strategy.firstYear)", "last": "\(strategy.lastYear)"])
        } else if year == nil {
            errors["year"] = req.t("validation.year")
        }
        switch indicator.measure {
        case .qualitative:
            if input.text("text").isEmpty { errors["text"] = req.t("validation.qualitative_text") }
            if !input.text("value").isEmpty { errors["value"] = req.t("validation.qualitative_no_number") }
        case .unit, .percentage:
            if input.text("value").isEmpty { errors["value"] = req.t("validation.required") }
            if case .failure(let problem) = ReportingRules.parse(input.text("value"), for: indicator.measure) {
                errors["value"] = req.t(problem.key)
            }
        }
        if checkLock, let year, let activityID = indicator.$activity.id,
            try await ReportingRules.isLocked(activityID: activityID, year: year, on: req.db)
        {
            errors["year"] = req.t("validation.period_locked")
        }
        return indicator
    }

    static func strategy(of indicator: Indicator, on db: any Database) async throws -> Strategy? {
        var areaID = indicator.$priorityArea.id
        if let activityID = indicator.$activity.id { areaID = try await Activity.find(activityID, on: db)?.$priorityArea.id }
        guard let areaID, let area = try await PriorityArea.find(areaID, on: db) else { return nil }
        return try await area.$strategy.get(on: db)
    }
}

struct IndicatorTargetResource: AdminResource {
    typealias Record = IndicatorTarget
    static let slug = "indicator-targets"
    static let auditEntity = "indicator_target"
    static let columnKeys = ["field.indicator", "field.year", "field.target"]

    static func fields(_ req: Request, editing record: IndicatorTarget?) async throws -> [FieldSpec] {
        [
            FieldSpec(name: "indicator_id", labelKey: "field.indicator", kind: .select(try await indicators(req)), required: true),
            FieldSpec(name: "year", labelKey: "field.year", kind: .text, required: true, maxLength: 4),
            FieldSpec(name: "value", labelKey: "field.value_number", kind: .text, maxLength: 30),
            FieldSpec(name: "text", labelKey: "field.value_text", kind: .text, maxLength: 300),
        ]
    }

    static func indicators(_ req: Request) async throws -> [SelectOption] {
        try await Indicator.query(on: req.db).sort(\.$code).all().map {
            SelectOption(value: $0.savedID.uuidString, label: $0.code + " " + $0.title(req.language))
        }
    }

    static func values(of t: IndicatorTarget) -> [String: String] {
        ["indicator_id": t.$indicator.id.uuidString, "year": "\(t.year)", "value": t.value.map(SVGCharts.number) ?? "", "text": t.text]
    }

    static func apply(_ input: [String: String], to t: IndicatorTarget) {
        if let indicator = input.uuid("indicator_id") { t.$indicator.id = indicator }
        t.year = Int(input.text("year")) ?? 0
        t.value = Double(input.text("value"))
        t.text = input.text("text")
    }

    static func check(_ input: [String: String], existing: IndicatorTarget?, req: Request, errors: inout FieldErrors) async throws {
        _ = try await IndicatorValueCheck.check(input, req: req, errors: &errors, checkLock: true)
        if let indicatorID = input.uuid("indicator_id"), let year = Int(input.text("year")),
            let other = try await IndicatorTarget.query(on: req.db).filter(\.$indicator.$id == indicatorID).filter(\.$year == year).first(),
            other.id != existing?.id
        {
            errors["year"] = req.t("validation.target_exists")
        }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["year": req.t("validation.target_exists")])
    }

    static func listQuery(on db: any Database) -> QueryBuilder<IndicatorTarget> {
        IndicatorTarget.query(on: db).with(\.$indicator).sort(\.$year)
    }

    static func cells(of t: IndicatorTarget, _ req: Request) -> [String] {
        [t.indicator.code, "\(t.year)", t.value.map(SVGCharts.number) ?? t.text]
    }

    static func label(of t: IndicatorTarget) -> String { "\(t.year)" }
}

struct IndicatorActualResource: AdminResource {
    typealias Record = IndicatorActual
    static let slug = "indicator-actuals"
    static let auditEntity = "indicator_actual"
    static let columnKeys = ["field.indicator", "field.year", "field.country", "field.actual", "field.illustrative"]

    static func fields(_ req: Request, editing record: IndicatorActual?) async throws -> [FieldSpec] {
        [
            FieldSpec(
                name: "indicator_id", labelKey: "field.indicator", kind: .select(try await IndicatorTargetResource.indicators(req)),
                required: true),
            FieldSpec(name: "year", labelKey: "field.year", kind: .text, required: true, maxLength: 4),
            FieldSpec(
                name: "country_id", labelKey: "field.country",
                kind: .select(RegistryOptions.optional(try await RegistryOptions.countries(req), req)),
                hintKey: "hint.actual_country"),
            FieldSpec(name: "value", labelKey: "field.value_number", kind: .text, maxLength: 30),
            FieldSpec(name: "text", labelKey: "field.value_text", kind: .text, maxLength: 300),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of a: IndicatorActual) -> [String: String] {
        [
            "indicator_id": a.$indicator.id.uuidString, "year": "\(a.year)", "country_id": a.$country.id?.uuidString ?? "",
            "value": a.value.map(SVGCharts.number) ?? "", "text": a.text, "illustrative": a.illustrative ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to a: IndicatorActual) {
        if let indicator = input.uuid("indicator_id") { a.$indicator.id = indicator }
        a.year = Int(input.text("year")) ?? 0
        a.$country.id = input.uuid("country_id")
        a.value = Double(input.text("value"))
        a.text = input.text("text")
        a.illustrative = input["illustrative"] == "yes"
    }

    static func check(_ input: [String: String], existing: IndicatorActual?, req: Request, errors: inout FieldErrors) async throws {
        _ = try await IndicatorValueCheck.check(input, req: req, errors: &errors, checkLock: true)
        // Editing a value of a locked year is refused as well as adding one.
        if let existing, let indicator = try await Indicator.find(existing.$indicator.id, on: req.db),
            let activityID = indicator.$activity.id,
            try await ReportingRules.isLocked(activityID: activityID, year: existing.year, on: req.db)
        {
            errors["year"] = req.t("validation.period_locked")
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<IndicatorActual> {
        IndicatorActual.query(on: db).with(\.$indicator).with(\.$country).sort(\.$year)
    }

    static func cells(of a: IndicatorActual, _ req: Request) -> [String] {
        [
            a.indicator.code, "\(a.year)", a.country?.name(req.language) ?? "", a.value.map(SVGCharts.number) ?? a.text,
            a.illustrative ? req.t("option.yes") : "",
        ]
    }

    static func label(of a: IndicatorActual) -> String { "\(a.year)" }
}
