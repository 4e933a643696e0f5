import Fluent
import SQLKit

/// An issue's public address is stored, so that two newsletters' "Issue 8, 2021" cannot share one
/// (a unique index says so), and an issue may have a theme in each language.
struct AddIssueAddressAndTheme: AsyncMigration {
    func prepare(on database: any Database) async throws {
        // SQLite adds one column per statement.
        for column in ["path", "theme_en", "theme_zh"] {
            try await database.schema(NewsletterIssue.schema).field(.string(column), .string).update()
        }
        // Only the columns that existed before this migration can be read into the model.
        let issues = try await NewsletterIssue.query(on: database).field(\.$id).field(\.$newsletter.$id).field(\.$year)
            .field(\.$number).all()
        for issue in issues {
            let path = try await IssueAddress.path(newsletterID: issue.$newsletter.id, year: issue.year, number: issue.number, on: database)
            try await NewsletterIssue.query(on: database).set(\.$path, to: path).filter(\.$id == issue.requireID()).update()
        }
        guard let sql = database as? any SQLDatabase else { return }
        try await sql.create(index: "newsletter_issues_path").unique().on(NewsletterIssue.schema).column("path").run()
    }

    func revert(on database: any Database) async throws {
        if let sql = database as? any SQLDatabase { try await sql.drop(index: "newsletter_issues_path").run() }
        for column in ["path", "theme_en", "theme_zh"] {
            try await database.schema(NewsletterIssue.schema).deleteField(.string(column)).update()
        }
    }
}
