import Foundation

/// How far an indicator has come from its baseline towards its target, from 0 to 1.
enum IndicatorProgress {
    struct Point: Sendable {
        let year: Int
        let target: Double?
        let actual: Double?
    }

    /// The latest actual value measured against the way from the baseline to the final target (the
    /// target of the last year that has one); qualitative indicators and those without numbers
    /// have no progress.
    static func progress(measure: IndicatorMeasure, baseline: Double?, points: [Point]) -> Double? {
        guard measure != .qualitative else { return nil }
        guard let latest = points.filter({ $0.actual != nil }).max(by: { $0.year < $1.year }), let actual = latest.actual else {
            return nil
        }
        guard let target = points.filter({ $0.target != nil }).max(by: { $0.year < $1.year })?.target else { return nil }
        let start = baseline ?? 0
        guard target != start else { return actual == target ? 1 : 0 }
        return min(1, max(0, (actual - start) / (target - start)))
    }

    static func mean(_ values: [Double?]) -> Double? {
        let known = values.compactMap { $0 }
        return known.isEmpty ? nil : known.reduce(0, +) / Double(known.count)
    }

    static func percent(_ value: Double?) -> String {
        value.map { "\(Int(($0 * 100).rounded()))%" } ?? "—"
    }
}
