import Foundation

/// The dashboards' figures as numbers, from the same computation as the HTML charts.
extension ActionPlanAPI {
    struct Dashboards: Codable {
        let progressByArea: ProgressByArea
        let activitiesByStatus: ActivitiesByStatus
        let actualAgainstTarget: ActualAgainstTarget
        let participation: Participation
        let focalPointCoverage: Coverage
        let termsEnding: TermsEnding

        static let empty = Dashboards(
            progressByArea: .init(areas: [], illustrative: false), activitiesByStatus: .init(counts: [], illustrative: false),
            actualAgainstTarget: .init(indicators: [], illustrative: false), participation: .init(countries: [], illustrative: false),
            focalPointCoverage: .init(countries: [], illustrative: false),
            termsEnding: .init(days: ActionPlanDashboard.termsEndingDays, appointments: [], illustrative: false))
    }

    struct ProgressByArea: Codable {
        struct Area: Codable {
            let code: String
            let title: BilingualText
            let activities: Int
            let progress: Double?
            let illustrative: Bool
        }
        let areas: [Area]
        let illustrative: Bool
    }

    struct ActivitiesByStatus: Codable {
        struct Count: Codable {
            let status: String
            let activities: Int
        }
        let counts: [Count]
        let illustrative: Bool
    }

    struct ActualAgainstTarget: Codable {
        struct Series: Codable {
            let code: String
            let periods: [PeriodItem]
            let illustrative: Bool
        }
        let indicators: [Series]
        let illustrative: Bool
    }

    struct Participation: Codable {
        struct Year: Codable {
            let year: Int
            let meetings: Int
            let activities: Int
        }
        struct Country: Codable {
            let countryCode: String
            let years: [Year]
        }
        let countries: [Country]
        let illustrative: Bool
    }

    struct Coverage: Codable {
        struct Role: Codable {
            let roleType: String
            let coverage: String
        }
        struct Country: Codable {
            let countryCode: String
            let roles: [Role]
        }
        let countries: [Country]
        let illustrative: Bool
    }

    struct TermsEnding: Codable {
        struct Appointment: Codable {
            let countryCode: String
            let roleType: String
            let rank: String
            let personId: UUID
            let endDate: String?
            let illustrative: Bool
        }
        let days: Int
        let appointments: [Appointment]
        let illustrative: Bool
    }

    static func dashboards(_ figures: ActionPlanDashboard) -> Dashboards {
        let series = figures.indicatorSeries
        let participation = figures.participation
        let coverage = figures.coverage
        return Dashboards(
            progressByArea: ProgressByArea(
                areas: figures.progressByArea.map {
                    .init(
                        code: $0.area.code, title: BilingualText(en: $0.area.titleEn, zh: $0.area.titleZh), activities: $0.activityCount,
                        progress: $0.progress, illustrative: $0.illustrative)
                }, illustrative: figures.progressIllustrative),
            activitiesByStatus: ActivitiesByStatus(
                counts: figures.activitiesByStatus.map { .init(status: $0.status.rawValue, activities: $0.count) },
                illustrative: figures.statusIllustrative),
            actualAgainstTarget: ActualAgainstTarget(
                indicators: series.map {
                    .init(
                        code: $0.indicator.code, periods: $0.points.map { .init(year: $0.year, target: $0.target, actual: $0.actual) },
                        illustrative: $0.illustrative)
                }, illustrative: series.contains(where: \.illustrative)),
            participation: Participation(
                countries: participation.countries.map { country in
                    .init(
                        countryCode: country.code,
                        years: participation.years.map {
                            .init(
                                year: $0, meetings: participation.meetings(country, $0), activities: participation.activities(country, $0))
                        })
                }, illustrative: participation.illustrative),
            focalPointCoverage: Coverage(
                countries: zip(coverage.countries, coverage.levels).map { country, levels in
                    .init(
                        countryCode: country.code,
                        roles: zip(coverage.roles, levels).map { .init(roleType: $0.rawValue, coverage: $1.rawValue) })
                }, illustrative: coverage.illustrative),
            termsEnding: TermsEnding(
                days: figures.termsEnding.days,
                appointments: figures.termsEnding.appointments.map {
                    .init(
                        countryCode: $0.country.code, roleType: $0.roleType.rawValue, rank: $0.rank.rawValue, personId: $0.$person.id,
                        endDate: $0.endDate, illustrative: $0.illustrative || $0.person.illustrative)
                }, illustrative: figures.termsEnding.illustrative))
    }
}
