import Foundation

struct ActivitySummaryEntry: Encodable {
    let code: String
    let title: String
    let href: String
    let status: String
    let progress: String
    let progressValue: Int
    let illustrative: Bool
    /// The progress figure is computed from an illustrative record and says so.
    var progressIllustrative = false
}

struct AreaEntry: Encodable {
    let code: String
    let title: String
    let description: String
    let href: String
    let progress: String
    let progressValue: Int
    let activityCount: Int
    let statusCounts: String
    let activities: [ActivitySummaryEntry]
    let moreActivities: Int
    let illustrative: Bool
    /// The progress figure is computed from an illustrative record and says so.
    var progressIllustrative = false
    /// The activity and status counts include an illustrative activity.
    var countsIllustrative = false
}

struct StrategyEntry: Encodable {
    let title: String
    let period: String
    let adoptedOn: String?
    let version: String
    let documentHref: String?
    let documentTitle: String?
}

struct ActionPlanPageContext: Encodable {
    let chrome: Chrome
    let strategy: StrategyEntry?
    let areas: [AreaEntry]
    let canManage: Bool
}

struct AreaPageContext: Encodable {
    let chrome: Chrome
    let strategy: StrategyEntry
    let area: AreaEntry
}

struct IndicatorEntry: Encodable {
    struct Row: Encodable {
        let year: Int
        let target: String
        let actual: String
        let byCountry: String
        let locked: Bool
    }
    let code: String
    let title: String
    let measure: String
    let unit: String
    let direction: String
    let baseline: String
    let progress: String
    let rows: [Row]
    let chartSVG: String?
    let illustrative: Bool
    /// Progress, chart and table rest on an illustrative record (the indicator or a counted actual).
    var figuresIllustrative = false
}

struct ReportEntry: Encodable {
    let year: Int
    let country: String
    let status: String
    let narrative: String
    let href: String?
    let illustrative: Bool
}

struct EvidenceMeetingEntry: Encodable {
    let title: String
    let href: String
    let when: String?
    struct Agreed: Encodable {
        let kind: String
        let text: String
    }
    let agreed: [Agreed]
    let reportsSince: Int
    let note: String
}

struct ActivityPageContext: Encodable {
    let chrome: Chrome
    let code: String
    let title: String
    let description: String
    let areaTitle: String
    let areaHref: String
    let status: String
    let leadOrganisation: String?
    let plannedDates: String
    let actualDates: String
    let goals: [String]
    let participants: [String]
    let parent: ActivitySummaryEntry?
    let children: [ActivitySummaryEntry]
    let indicators: [IndicatorEntry]
    let reports: [ReportEntry]
    let meetings: [EvidenceMeetingEntry]
    let documents: [DocumentEntry]
    let articles: [DocumentEntry]
    let illustrative: Bool
    let canReport: Bool
    let reportHref: String
    let canManage: Bool
    let csrf: String?
    let lockAction: String
    let lockedYears: String
    let years: [Int]
}

struct ChartSection: Encodable {
    let title: String
    let svg: String
    let columns: [String]
    let rows: [[String]]
    let note: String?
    /// The chart and table are computed from at least one illustrative record.
    var illustrative = false
}

struct DashboardContext: Encodable {
    let chrome: Chrome
    let sections: [ChartSection]
    let indicatorOptions: [SelectOption]
    let selectedIndicator: String
}
