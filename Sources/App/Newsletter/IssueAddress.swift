import Fluent
import Vapor

/// Where an issue is read: `/newsletters/2021/7` for the first newsletter (the addresses it always
/// had), `/newsletters/{slug}/2021/7` for every other, so two newsletters' "Issue 7, 2021" never
/// share one.
enum IssueAddress {
    static func path(newsletterID: UUID, year: Int, number: Int, on db: any Database) async throws -> String {
        let first = try await Newsletter.query(on: db).sort(\.$createdAt).sort(\.$id).first()
        if first?.id == newsletterID { return "/newsletters/\(year)/\(number)" }
        let slug = try await Newsletter.find(newsletterID, on: db)?.slug ?? newsletterID.uuidString.lowercased()
        return "/newsletters/\(slug)/\(year)/\(number)"
    }

    /// The routes of both address forms: the router wants one parameter name per position, so the
    /// names say what a position holds in either form.
    static let shortForm: [PathComponent] = ["newsletters", ":newsletterOrYear", ":yearOrNumber"]
    static let longForm: [PathComponent] = shortForm + [":number"]

    /// An address's newsletter slug (nil in the short form), year and number text (which may end
    /// in `.pdf`).
    static func parts(of req: Request) -> (newsletter: String?, year: Int?, number: String) {
        let first = req.parameters.get("newsletterOrYear") ?? ""
        let second = req.parameters.get("yearOrNumber") ?? ""
        guard let third = req.parameters.get("number") else { return (nil, Int(first), second) }
        return (first, Int(second), third)
    }

    /// The issue of the newsletter with that slug, or without one, the first newsletter's (the
    /// addresses without a slug).
    static func find(newsletter slug: String?, year: Int, number: Int, on db: any Database) async throws -> NewsletterIssue? {
        guard let slug else {
            return try await NewsletterIssue.query(on: db).filter(\.$path == "/newsletters/\(year)/\(number)").first()
        }
        guard let newsletter = try await Newsletter.query(on: db).filter(\.$slug == slug).first() else { return nil }
        return try await NewsletterIssue.query(on: db).filter(\.$newsletter.$id == newsletter.requireID()).filter(\.$year == year)
            .filter(\.$number == number).first()
    }
}

/// Keeps `NewsletterIssue.path` in step with its newsletter, year and number on every save.
struct IssueAddressMiddleware: AsyncModelMiddleware {
    func create(model: NewsletterIssue, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await fill(model, on: db)
        try await next.create(model, on: db)
    }

    func update(model: NewsletterIssue, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await fill(model, on: db)
        try await next.update(model, on: db)
    }

    private func fill(_ issue: NewsletterIssue, on db: any Database) async throws {
        issue.path = try await IssueAddress.path(newsletterID: issue.$newsletter.id, year: issue.year, number: issue.number, on: db)
    }
}

/// A newsletter's new slug moves the addresses of its issues that carry it.
struct NewsletterAddressMiddleware: AsyncModelMiddleware {
    func update(model: Newsletter, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        for issue in try await NewsletterIssue.query(on: db).filter(\.$newsletter.$id == model.requireID()).all() {
            let path = try await IssueAddress.path(newsletterID: issue.$newsletter.id, year: issue.year, number: issue.number, on: db)
            if path != issue.path { try await issue.save(on: db) }
        }
    }
}
