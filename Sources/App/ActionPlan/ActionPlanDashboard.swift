import Fluent
import Foundation
import SQLKit

/// The numbers behind the dashboards, computed once for both the HTML charts and the JSON API,
/// each figure with whether it rests on an illustrative record.
struct ActionPlanDashboard {
    struct AreaProgress {
        let area: PriorityArea
        let activityCount: Int
        let progress: Double?
        let illustrative: Bool
    }

    struct IndicatorSeries {
        let indicator: ActionPlanData.IndicatorRow
        let points: [IndicatorProgress.Point]
        let illustrative: Bool
    }

    /// Meetings attended (a delegate present) and activities taken part in, per country and year.
    struct MemberStateParticipation {
        let countries: [Country]
        let years: [Int]
        let meetings: [UUID: [Int: Int]]
        let activities: [UUID: [Int: Int]]
        let illustrative: Bool

        func meetings(_ country: Country, _ year: Int) -> Int { meetings[country.savedID]?[year] ?? 0 }
        func activities(_ country: Country, _ year: Int) -> Int { activities[country.savedID]?[year] ?? 0 }
    }

    enum CoverageLevel: String, CaseIterable {
        case primary, alternate, missing
    }

    /// For each country and focal-point role: whether an active appointment covers it.
    struct Coverage {
        let countries: [Country]
        let roles: [FocalPointRoleType]
        /// Per country (in `countries` order), per role (in `roles` order).
        let levels: [[CoverageLevel]]
        let illustrative: Bool
    }

    /// Active appointments whose term ends within `days` days, soonest first (country and person loaded).
    struct TermsEnding {
        let days: Int
        let appointments: [FocalPointAppointment]
        let illustrative: Bool
    }

    let data: ActionPlanData
    let participation: MemberStateParticipation
    let coverage: Coverage
    let termsEnding: TermsEnding

    static let termsEndingDays = 90

    /// `meetingVisibility`: the meetings whose attendance the reader may see counted (a
    /// secretariat-only meeting is not counted on the public dashboards).
    static func load(_ data: ActionPlanData, meetingVisibility: [Visibility], on db: any Database) async throws -> ActionPlanDashboard {
        let countries = try await Country.query(on: db).sort(\.$nameEn).all()
        let (coverage, ending) = try await coverage(countries, on: db)
        return ActionPlanDashboard(
            data: data, participation: try await participation(data, countries, meetingVisibility: meetingVisibility, on: db),
            coverage: coverage, termsEnding: ending)
    }

    // MARK: progress, status, indicators

    var progressByArea: [AreaProgress] {
        data.areas.map { area in
            AreaProgress(
                area: area, activityCount: data.activitiesByArea[area.savedID]?.count ?? 0, progress: data.progress(ofArea: area),
                illustrative: area.illustrative || data.progressIsIllustrative(ofArea: area))
        }
    }

    var progressIllustrative: Bool {
        data.areas.contains { $0.illustrative || data.progressIsIllustrative(ofArea: $0) }
            || data.activities.contains(where: \.illustrative)
    }

    var activitiesByStatus: [(status: ActivityStatus, count: Int)] {
        ActivityStatus.allCases.map { status in (status, data.activities.filter { $0.status == status }.count) }
    }

    var statusIllustrative: Bool { data.activities.contains(where: \.illustrative) }

    func series(ofIndicator id: UUID) -> IndicatorSeries? {
        guard let indicator = data.indicators.first(where: { $0.id == id }) else { return nil }
        return series(indicator)
    }

    func series(_ indicator: ActionPlanData.IndicatorRow) -> IndicatorSeries {
        let points = data.points[indicator.id] ?? []
        return IndicatorSeries(
            indicator: indicator, points: points, illustrative: !points.isEmpty && data.isIllustrative(indicator: indicator))
    }

    /// Every measurable indicator with at least one target or actual, by code.
    var indicatorSeries: [IndicatorSeries] {
        data.indicators.filter { $0.measure != .qualitative && !(data.points[$0.id] ?? []).isEmpty }.sorted { $0.code < $1.code }.map(
            series)
    }

    // MARK: participation and coverage

    private static func participation(
        _ data: ActionPlanData, _ countries: [Country], meetingVisibility: [Visibility], on db: any Database
    ) async throws
        -> MemberStateParticipation
    {
        let years = Array(data.strategy.years)
        let sql = try db.sql
        let attended = try await sql.raw(
            """
            SELECT DISTINCT p.country_id AS country_id, m.id AS meeting_id, m.starts_at AS starts_at,
              CASE WHEN p.illustrative OR pe.illustrative THEN 1 ELSE 0 END AS illustrative
            FROM \(ident: Participation.schema) p JOIN \(ident: Meeting.schema) m ON m.id = p.meeting_id
              JOIN \(ident: Person.schema) pe ON pe.id = p.person_id
            WHERE p.attendance = 'present' AND p.country_id IS NOT NULL AND m.starts_at IS NOT NULL
              AND m.visibility IN (\(binds: meetingVisibility.map(\.rawValue)))
            """
        ).all()
        var meetings: [UUID: [Int: Set<UUID>]] = [:]
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.gmt
        // Whether any counted delegate or activity is illustrative, so the figure can say so.
        var illustrative = false
        for row in attended {
            let country = try row.decode(column: "country_id", as: UUID.self)
            let year = calendar.component(.year, from: try row.decode(column: "starts_at", as: Date.self))
            meetings[country, default: [:]][year, default: []].insert(try row.decode(column: "meeting_id", as: UUID.self))
            if years.contains(year), try row.decode(column: "illustrative", as: Int.self) != 0 { illustrative = true }
        }
        let taking = try await sql.raw(
            """
            SELECT DISTINCT ap.country_id AS country_id, a.id AS activity_id, a.planned_start AS planned_start, a.planned_end AS planned_end,
              a.actual_start AS actual_start, a.actual_end AS actual_end, a.illustrative AS illustrative
            FROM \(ident: ActivityParticipant.schema) ap JOIN \(ident: Activity.schema) a ON a.id = ap.activity_id WHERE ap.country_id IS NOT NULL
            """
        ).all()
        var activities: [UUID: [Int: Int]] = [:]
        for row in taking {
            let country = try row.decode(column: "country_id", as: UUID.self)
            let start =
                (try row.decode(column: "actual_start", as: String?.self) ?? row.decode(column: "planned_start", as: String?.self))
                .flatMap(CalendarDate.init)?.year ?? data.strategy.firstYear
            let end =
                (try row.decode(column: "actual_end", as: String?.self) ?? row.decode(column: "planned_end", as: String?.self))
                .flatMap(CalendarDate.init)?.year ?? data.strategy.lastYear
            let counted = years.filter { $0 >= start && $0 <= end }
            for year in counted { activities[country, default: [:]][year, default: 0] += 1 }
            if !counted.isEmpty, try row.decode(column: "illustrative", as: Bool.self) { illustrative = true }
        }
        return MemberStateParticipation(
            countries: countries, years: years, meetings: meetings.mapValues { $0.mapValues(\.count) }, activities: activities,
            illustrative: illustrative)
    }

    private static func coverage(_ countries: [Country], on db: any Database) async throws -> (Coverage, TermsEnding) {
        let today = CalendarDate.today()
        let appointments = try await FocalPointAppointment.query(on: db).serving(today: today).with(\.$person).with(\.$country).all()
        let roles = FocalPointRoleType.allCases
        let levels = countries.map { country in
            roles.map { role -> CoverageLevel in
                let mine = appointments.filter { $0.$country.id == country.id && $0.roleType == role }
                if mine.contains(where: { $0.rank == .primary }) { return .primary }
                return mine.isEmpty ? .missing : .alternate
            }
        }
        let horizon = MeetingTime.local(Date().addingTimeInterval(Double(termsEndingDays) * 86_400), in: TimeZone.gmt).date
        let ending = appointments.filter { ($0.endDate ?? "9999") >= today && ($0.endDate ?? "9999") <= horizon }
            .sorted { ($0.endDate ?? "") < ($1.endDate ?? "") }
        return (
            Coverage(
                countries: countries, roles: roles, levels: levels,
                illustrative: appointments.contains { $0.illustrative || $0.person.illustrative }),
            TermsEnding(
                days: termsEndingDays, appointments: ending, illustrative: ending.contains { $0.illustrative || $0.person.illustrative })
        )
    }
}
