import Fluent
import Foundation

/// An issue with its newsletter, editions and their ordered articles.
struct IssueRecord {
    let issue: NewsletterIssue
    let newsletter: Newsletter
    let editions: [Edition]
    let articles: [UUID: [Article]]

    static func load(_ issue: NewsletterIssue, on db: any Database) async throws -> IssueRecord {
        let newsletter = try await issue.$newsletter.get(on: db)
        let editions = try await Edition.query(on: db).filter(\.$issue.$id == issue.requireID()).all()
        let articles = try await Article.query(on: db).filter(\.$edition.$id ~~ editions.compactMap(\.id)).sort(\.$position).all()
        return IssueRecord(
            issue: issue, newsletter: newsletter, editions: editions.sorted { $0.language.rawValue < $1.language.rawValue },
            articles: Dictionary(grouping: articles.compactMap { a in a.$edition.id.map { ($0, a) } }, by: \.0).mapValues { $0.map(\.1) })
    }

    func edition(_ language: Language) -> Edition? { editions.first { $0.language == language } }

    func articles(_ language: Language) -> [Article] {
        edition(language).flatMap { $0.id.flatMap { articles[$0] } } ?? []
    }

    /// The time the issue's content last changed, for ETags of derived files such as the PDF.
    var lastChange: Date {
        ([issue.updatedAt] + editions.map(\.updatedAt) + articles.values.flatMap { $0.map(\.updatedAt) }).compactMap { $0 }.max()
            ?? Date(
                timeIntervalSince1970: 0)
    }

    static func issueLine(year: Int, number: Int, _ language: Language) -> String {
        language == .en ? "Issue \(number), \(year)" : "\(year)年第\(number)期"
    }
}
