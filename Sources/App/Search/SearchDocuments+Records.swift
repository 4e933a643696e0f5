import Fluent
import Foundation

/// Newsletter issues and the action plan's records, as search sees them.
extension SearchDocuments {
    /// An issue is found by its theme, its masthead and its articles' titles; readers find it once
    /// published, staff before.
    static func issue(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let issue = try await NewsletterIssue.find(id, on: db),
            let newsletter = try await Newsletter.find(issue.$newsletter.id, on: db)
        else { return nil }
        let editions = try await Edition.query(on: db).filter(\.$issue.$id == id).all()
        let titles = try await Article.query(on: db).filter(\.$edition.$id ~~ editions.compactMap(\.id)).all().map(\.title)
        let published = issue.status == .published
        let number = "\(issue.number)/\(issue.year)"
        return SearchDocument(
            kind: .issue, recordID: id,
            url: published ? issue.path : "/admin/newsletter-issues/\(id.uuidString)",
            titleEn: "\(newsletter.nameEn) \(number)",
            titleZh: ((newsletter.nameZh.isEmpty ? "" : newsletter.nameZh + " ") + "\(issue.year)年第\(issue.number)期"),
            text: ([issue.themeEn ?? "", issue.themeZh ?? "", issue.publicationDate] + titles).filter { !$0.isEmpty }.joined(
                separator: "\n"),
            year: issue.year, audience: published ? .public : .secretariat, updatedAt: issue.updatedAt ?? Date())
    }

    /// "CODE title", or nothing when there is no title in that language (so the other one shows).
    static func coded(_ code: String, _ title: String) -> String { title.isEmpty ? "" : code + " " + title }

    static func area(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let area = try await PriorityArea.find(id, on: db) else { return nil }
        return SearchDocument(
            kind: .area, recordID: id, url: "/action-plan/areas/" + area.code, titleEn: Self.coded(area.code, area.titleEn),
            titleZh: Self.coded(area.code, area.titleZh),
            text: [area.descriptionEn, area.descriptionZh].filter { !$0.isEmpty }.joined(separator: "\n"),
            area: area.code, audience: .public, updatedAt: area.updatedAt ?? Date())
    }

    static func activity(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let activity = try await Activity.find(id, on: db) else { return nil }
        let area = try await PriorityArea.find(activity.$priorityArea.id, on: db)
        let countries = try await ActivityParticipant.query(on: db).filter(\.$activity.$id == id).with(\.$country).all()
            .compactMap { $0.country?.code }
        return SearchDocument(
            kind: .activity, recordID: id, url: "/action-plan/activities/" + activity.code,
            titleEn: Self.coded(activity.code, activity.titleEn), titleZh: Self.coded(activity.code, activity.titleZh),
            text: ([activity.descriptionEn, activity.descriptionZh] + activity.goals.map { "SDG \($0)" }).filter { !$0.isEmpty }.joined(
                separator: "\n"),
            year: (activity.actualStart ?? activity.plannedStart).flatMap { Int($0.prefix(4)) }, countries: countries,
            area: area?.code, audience: .public, updatedAt: activity.updatedAt ?? Date())
    }

    static func indicator(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let indicator = try await Indicator.find(id, on: db) else { return nil }
        var url = "/action-plan"
        var areaCode: String?
        if let activityID = indicator.$activity.id, let activity = try await Activity.find(activityID, on: db) {
            url = "/action-plan/activities/" + activity.code
            areaCode = try await PriorityArea.find(activity.$priorityArea.id, on: db)?.code
        } else if let areaID = indicator.$priorityArea.id, let area = try await PriorityArea.find(areaID, on: db) {
            url = "/action-plan/areas/" + area.code
            areaCode = area.code
        }
        return SearchDocument(
            kind: .indicator, recordID: id, url: url, titleEn: Self.coded(indicator.code, indicator.titleEn),
            titleZh: Self.coded(indicator.code, indicator.titleZh),
            text: [indicator.unitLabel, indicator.baselineText].filter { !$0.isEmpty }.joined(separator: "\n"), area: areaCode,
            audience: .public, updatedAt: indicator.updatedAt ?? Date())
    }

    /// A validated report is public; one in preparation is its country's (and the secretariat's),
    /// and one for a whole activity the secretariat's alone.
    static func report(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let report = try await ProgressReport.find(id, on: db), let activity = try await Activity.find(report.$activity.id, on: db)
        else { return nil }
        var country: Country?
        if let countryID = report.$country.id { country = try await Country.find(countryID, on: db) }
        let area = try await PriorityArea.find(activity.$priorityArea.id, on: db)
        let validated = report.status == .validated
        let place = country.map { " · " + $0.nameEn } ?? ""
        let placeZh = country.map { " · " + $0.nameZh } ?? ""
        return SearchDocument(
            kind: .report, recordID: id,
            url: validated ? "/action-plan/activities/" + activity.code : "/action-plan/reports/\(id.uuidString)",
            titleEn: "\(activity.code) \(report.year)\(place)", titleZh: "\(activity.code) \(report.year)\(placeZh)",
            text: [report.narrativeEn, report.narrativeZh].filter { !$0.isEmpty }.joined(separator: "\n"),
            year: report.year, countries: country.map { [$0.code] } ?? [], area: area?.code,
            audience: validated ? .public : (country == nil ? .secretariat : .network),
            countryScope: validated ? nil : country?.id, updatedAt: report.updatedAt ?? Date())
    }
}
