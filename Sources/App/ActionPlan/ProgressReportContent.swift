import Fluent
import Vapor

/// A submitted or validated report as it was sent: what staff read before validating it, and
/// what its focal point sees once it can no longer be edited.
struct ProgressReportContent: Encodable {
    struct Actual: Encodable {
        let indicator: String
        let year: Int
        let country: String
        let value: String
        let illustrative: Bool
    }

    let activity: String
    let year: Int
    let country: String
    /// The narratives by paragraph, so line breaks the author typed survive.
    let narrativeEn: [String]
    let narrativeZh: [String]
    let actuals: [Actual]
    let illustrative: Bool

    static func make(_ report: ProgressReport, for req: Request) async throws -> ProgressReportContent {
        let l = req.language
        let activity = try await report.$activity.get(on: req.db)
        let country = try await report.$country.get(on: req.db)
        let actuals = try await IndicatorActual.query(on: req.db).filter(\.$report.$id == report.savedID).with(\.$indicator).with(
            \.$country
        )
        .all()
        .sorted { ($0.indicator.code, $0.country?.nameEn ?? "") < ($1.indicator.code, $1.country?.nameEn ?? "") }
        return ProgressReportContent(
            activity: activity.code + " " + activity.title(l), year: report.year,
            country: country?.name(l) ?? req.t("report.whole_activity"),
            narrativeEn: paragraphs(report.narrativeEn), narrativeZh: paragraphs(report.narrativeZh),
            actuals: actuals.map { actual in
                let indicator = actual.indicator
                let unit = indicator.unit
                return Actual(
                    indicator: indicator.code + " · " + indicator.title(l), year: actual.year,
                    country: actual.country?.name(l) ?? req.t("report.whole_activity"),
                    value: actual.value.map { SVGCharts.number($0) + (unit.isEmpty ? "" : unit == "%" ? "%" : " " + unit) } ?? actual.text,
                    illustrative: actual.illustrative || indicator.illustrative)
            }, illustrative: report.illustrative)
    }

    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
