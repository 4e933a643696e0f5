import Fluent
import Vapor

/// The action plan as files: CSV of activities, indicators and results, the whole plan as JSON,
/// and IATI activity XML (2.03).
struct ActionPlanExportController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let open = routes.requiring(.anonymous).grouped("action-plan", "export")
        open.get("activities.csv", use: activitiesCSV)
        open.get("indicators.csv", use: indicatorsCSV)
        open.get("results.csv", use: resultsCSV)
        open.get("action-plan.json", use: json)
        open.get("iati.xml", use: iati)
    }

    func activitiesCSV(req: Request) async throws -> Response {
        let activities = try await Activity.query(on: req.db).with(\.$priorityArea).with(\.$leadOrganisation).sort(\.$code).all()
        let participants = Dictionary(grouping: try await ActivityParticipant.query(on: req.db).with(\.$country).all()) { $0.$activity.id }
        var csv = CSVWriter()
        csv.row([
            "code", "title_en", "title_zh", "priority_area", "status", "lead_organisation", "planned_start", "planned_end", "actual_start",
            "actual_end",
            "sdgs", "countries", "illustrative",
        ])
        for a in activities {
            csv.row([
                a.code, a.titleEn, a.titleZh, a.priorityArea.code, a.status.rawValue, a.leadOrganisation?.nameEn ?? "",
                a.plannedStart ?? "",
                a.plannedEnd ?? "", a.actualStart ?? "", a.actualEnd ?? "", a.goals.map(String.init).joined(separator: " "),
                (participants[a.savedID] ?? []).compactMap { $0.country?.code }.joined(separator: " "), a.illustrative ? "yes" : "no",
            ])
        }
        return file(csv.text, type: "text/csv; charset=utf-8", name: "activities.csv")
    }

    func indicatorsCSV(req: Request) async throws -> Response {
        let indicators = try await Indicator.query(on: req.db).with(\.$activity).with(\.$priorityArea).sort(\.$code).all()
        var csv = CSVWriter()
        csv.row([
            "code", "activity", "priority_area", "title_en", "title_zh", "measure", "unit", "direction", "baseline_value", "baseline_text",
            "baseline_year", "illustrative",
        ])
        for i in indicators {
            csv.row([
                i.code, i.activity?.code ?? "", i.priorityArea?.code ?? "", i.titleEn, i.titleZh, i.measure.rawValue, i.unit,
                i.direction.rawValue,
                i.baselineValue.map(SVGCharts.number) ?? "", i.baselineText, i.baselineYear.map(String.init) ?? "",
                i.illustrative ? "yes" : "no",
            ])
        }
        return file(csv.text, type: "text/csv; charset=utf-8", name: "indicators.csv")
    }

    /// Targets and validated actuals, one row per indicator, year and (for actuals) country.
    func resultsCSV(req: Request) async throws -> Response {
        let indicators = Dictionary(uniqueKeysWithValues: try await Indicator.query(on: req.db).all().map { ($0.savedID, $0) })
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: req.db).all().map { ($0.savedID, $0.code) })
        let validated = Set(try await ProgressReport.query(on: req.db).filter(\.$status == .validated).all().compactMap(\.id))
        var csv = CSVWriter()
        csv.row(["indicator", "year", "kind", "country", "value", "text", "illustrative"])
        for t in try await IndicatorTarget.query(on: req.db).sort(\.$year).all() {
            guard let indicator = indicators[t.$indicator.id] else { continue }
            csv.row([
                indicator.code, "\(t.year)", "target", "", t.value.map(SVGCharts.number) ?? "", t.text,
                indicator.illustrative ? "yes" : "no",
            ])
        }
        for a in try await IndicatorActual.query(on: req.db).sort(\.$year).all() where a.$report.id.map(validated.contains) ?? true {
            guard let indicator = indicators[a.$indicator.id] else { continue }
            csv.row([
                indicator.code, "\(a.year)", "actual", a.$country.id.flatMap { countries[$0] } ?? "", a.value.map(SVGCharts.number) ?? "",
                a.text,
                a.illustrative ? "yes" : "no",
            ])
        }
        return file(csv.text, type: "text/csv; charset=utf-8", name: "results.csv")
    }

    /// Activities with their indicators, targets and validated actuals: the CSV exports' content in one document.
    func json(req: Request) async throws -> Response {
        let plan = try await ActionPlanExport.document(on: req.db, reader: req.role)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        return file(String(decoding: try encoder.encode(plan), as: UTF8.self), type: "application/json", name: "action-plan.json")
    }

    func iati(req: Request) async throws -> Response {
        let centre = try await CentreSnapshot.current(req)
        let export = IATIExport(
            reportingOrgRef: try req.application.focalConfig.iatiReportingOrg,
            reportingOrgName: centre.nameEn.isEmpty ? "Focal" : centre.nameEn
        )
        let response = Response(status: .ok, body: .init(string: try await export.xml(on: req.db)))
        response.headers.replaceOrAdd(name: .contentType, value: "application/xml; charset=utf-8")
        return response
    }

    private func file(_ text: String, type: String, name: String) -> Response {
        let response = Response(status: .ok, body: .init(string: text))
        response.headers.replaceOrAdd(name: .contentType, value: type)
        response.headers.replaceOrAdd(name: .contentDisposition, value: "attachment; filename=\"\(name)\"")
        return response
    }
}
