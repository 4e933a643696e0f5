import Fluent
import Vapor

/// The rules every change to results obeys, whoever makes it: years inside the strategy, values
/// of the indicator's measure, locked years untouched, focal points only for their own country.
enum ReportingRules {
    /// The countries a user reports for: those where their person holds an active appointment.
    static func countries(of user: User?, on db: any Database) async throws -> Set<UUID> {
        guard let personID = user?.$person.id else { return [] }
        let appointments = try await FocalPointAppointment.query(on: db).filter(\.$person.$id == personID).serving()
            .all()
        return Set(appointments.map(\.$country.id))
    }

    /// Who reads which report, on the activity page and in the API: everyone the validated ones, staff all of
    /// them, a focal point also the drafts and submissions for the countries they report for.
    static func canRead(_ report: ProgressReport, role: Role, ownCountries: Set<UUID>) -> Bool {
        report.status == .validated || role.isStaff || (report.$country.id.map(ownCountries.contains) ?? false)
    }

    static func isLocked(activityID: UUID, year: Int, on db: any Database) async throws -> Bool {
        try await ReportingLock.query(on: db).filter(\.$activity.$id == activityID).filter(\.$year == year).count() > 0
    }

    /// A value typed for an indicator: a number for units (and 0–100 for percentages), text for
    /// qualitative ones. Returns the parsed number or the message key of the problem.
    static func parse(_ text: String, for measure: IndicatorMeasure) -> Result<Double?, FieldProblem> {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch measure {
        case .qualitative:
            return .success(nil)
        case .unit, .percentage:
            guard !trimmed.isEmpty else { return .success(nil) }
            // A comma is refused rather than guessed: "1,5" is 1.5 in some countries and 15 in others.
            guard let number = Double(trimmed), number.isFinite, abs(number) < 1e12 else {
                return .failure(FieldProblem(key: "validation.number"))
            }
            if measure == .percentage, !(0...100).contains(number) { return .failure(FieldProblem(key: "validation.percentage")) }
            if number < 0 { return .failure(FieldProblem(key: "validation.not_negative")) }
            return .success(number)
        }
    }

    struct FieldProblem: Error {
        let key: String
    }
}
