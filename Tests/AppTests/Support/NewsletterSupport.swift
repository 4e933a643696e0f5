import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Helpers for the newsletter tests: issues and articles made through the admin forms, as an
/// editor would make them.
enum NewsletterFixtures {
    struct IssueFixture {
        let issue: NewsletterIssue
        let editions: [Edition]

        func edition(_ language: Language) throws -> Edition {
            try #require(editions.first { $0.language == language }, "the issue has no \(language.rawValue) edition")
        }

        var hub: String { "/admin/newsletter-issues/" + issue.id!.uuidString }
    }

    static func issueFields(newsletterID: UUID, year: Int, number: Int, date: String? = nil) -> [String: String] {
        [
            "newsletter_id": newsletterID.uuidString, "year": "\(year)", "number": "\(number)",
            "publication_date": date ?? String(format: "%04d-06-15", year), "illustrative": "no",
        ]
    }

    /// Lets an editor publish what they submitted themselves, as a one-person secretariat would:
    /// for the tests of the other publishing rules. Review itself is tested with this off.
    static func allowSelfApproval(_ app: Application) async throws {
        let profile = try #require(try await CentreProfile.query(on: app.db).first(), "no centre profile")
        profile.issuesSelfApproval = true
        try await profile.save(on: app.db)
    }

    /// Creates an issue of the demo's Newsletter through POST /admin/newsletter-issues.
    static func createIssue(_ app: Application, _ headers: HTTPHeaders, year: Int, number: Int) async throws -> IssueFixture {
        let newsletter = try #require(try await Newsletter.query(on: app.db).first(), "no newsletter to add an issue to")
        let response = try await postForm(
            app, "/admin/newsletter-issues", fields: issueFields(newsletterID: newsletter.id!, year: year, number: number), headers: headers
        )
        try #require(
            response.status == .seeOther,
            "creating issue \(number), \(year) answered \(response.status): \(["year", "number", "publication_date", "newsletter_id"].compactMap { fieldError(response.text, $0) })"
        )
        let issue = try #require(
            try await IssueAddress.find(newsletter: nil, year: year, number: number, on: app.db), "issue \(number), \(year) was not saved")
        let editions = try await Edition.query(on: app.db).filter(\.$issue.$id == issue.id!).all()
        return IssueFixture(issue: issue, editions: editions)
    }

    static func articleForm(
        edition: Edition?, language: Language? = nil, title: String, slug: String = "", body: String = "A paragraph.\n",
        translationOf: UUID? = nil
    ) -> [String: String] {
        [
            "edition_id": edition?.id?.uuidString ?? "", "language": (language ?? edition?.language ?? .en).rawValue, "title": title,
            "slug": slug, "body": body, "translation_of_id": translationOf?.uuidString ?? "", "illustrative": "no", "version": "0",
        ]
    }

    /// Creates an article through POST /admin/articles and returns it.
    @discardableResult
    static func createArticle(
        _ app: Application, _ headers: HTTPHeaders, edition: Edition?, title: String, slug: String, body: String = "A paragraph.\n",
        translationOf: UUID? = nil
    ) async throws -> Article {
        let response = try await postForm(
            app, "/admin/articles",
            fields: articleForm(edition: edition, title: title, slug: slug, body: body, translationOf: translationOf), headers: headers)
        try #require(
            response.status == .seeOther,
            "creating article \(slug) answered \(response.status): \(["title", "slug", "language", "body", "edition_id"].compactMap { fieldError(response.text, $0) })"
        )
        return try #require(try await Article.query(on: app.db).filter(\.$slug == slug).first(), "article \(slug) was not saved")
    }

    /// The editor form of an article as it stands, with the version it was opened at.
    static func articleFields(_ article: Article) -> [String: String] {
        [
            "edition_id": article.$edition.id?.uuidString ?? "", "language": article.language.rawValue, "title": article.title,
            "slug": article.slug, "body": article.bodyMarkdown, "translation_of_id": article.$translationOf.id?.uuidString ?? "",
            "illustrative": article.illustrative ? "yes" : "no", "version": "\(article.version)",
        ]
    }

    static func reload(_ issue: NewsletterIssue, _ app: Application) async throws -> NewsletterIssue {
        try #require(try await NewsletterIssue.find(issue.id, on: app.db))
    }
}

/// The `<input type="hidden" name="version" value="N">` of an editor page.
func editorVersion(_ html: String) -> String? {
    html.matches(#"<input type="hidden" name="version" value="(\d+)">"#).first
}
