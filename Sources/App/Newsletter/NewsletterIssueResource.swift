import Fluent
import Vapor

/// The identity of an issue (which newsletter, year, number, date); its status moves only through
/// the editorial workflow on the issue's page.
struct NewsletterIssueResource: AdminResource {
    typealias Record = NewsletterIssue
    static let slug = "newsletter-issues"
    static let searchKind: SearchDocument.Kind? = .issue
    static let auditEntity = "newsletter_issue"
    static let columnKeys = ["field.newsletter", "field.issue", "field.publication_date", "field.status"]

    static func fields(_ req: Request, editing record: NewsletterIssue?) async throws -> [FieldSpec] {
        let newsletters = try await Newsletter.query(on: req.db).sort(\.$nameEn).all()
        return [
            FieldSpec(
                name: "newsletter_id", labelKey: "field.newsletter",
                kind: .select(newsletters.map { SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language)) }), required: true),
            FieldSpec(name: "year", labelKey: "field.year", kind: .text, required: true, maxLength: 4),
            FieldSpec(name: "number", labelKey: "field.number", kind: .text, required: true, maxLength: 3),
            FieldSpec(name: "publication_date", labelKey: "field.publication_date", kind: .date, required: true),
            FieldSpec(name: "theme_en", labelKey: "field.theme_en", kind: .text, maxLength: 200, hintKey: "hint.issue_theme"),
            FieldSpec(name: "theme_zh", labelKey: "field.theme_zh", kind: .text, maxLength: 200),
            .yesNo("illustrative", "field.illustrative", req: req),
        ]
    }

    static func values(of i: NewsletterIssue) -> [String: String] {
        [
            "newsletter_id": i.$newsletter.id.uuidString, "year": "\(i.year)", "number": "\(i.number)",
            "publication_date": i.publicationDate, "theme_en": i.themeEn ?? "", "theme_zh": i.themeZh ?? "",
            "illustrative": i.illustrative ? "yes" : "no", "status": i.status.rawValue,
        ]
    }

    static func apply(_ input: [String: String], to i: NewsletterIssue) {
        if let newsletter = input.uuid("newsletter_id") { i.$newsletter.id = newsletter }
        i.year = Int(input.text("year")) ?? 0
        i.number = Int(input.text("number")) ?? 0
        i.publicationDate = input.text("publication_date")
        i.themeEn = input.text("theme_en").isEmpty ? nil : input.text("theme_en")
        i.themeZh = input.text("theme_zh").isEmpty ? nil : input.text("theme_zh")
        i.illustrative = input["illustrative"] == "yes"
        if i.id == nil { i.status = .draft }
    }

    static func check(_ input: [String: String], existing: NewsletterIssue?, req: Request, errors: inout FieldErrors) async throws {
        let year = Int(input.text("year"))
        let number = Int(input.text("number"))
        if errors["year"] == nil, !(1990...2200).contains(year ?? 0) { errors["year"] = req.t("validation.year") }
        if errors["number"] == nil, !(1...999).contains(number ?? 0) { errors["number"] = req.t("validation.position") }
        if errors["publication_date"] == nil, let year, !input.text("publication_date").hasPrefix(String(year)) {
            errors["publication_date"] = req.t("validation.date_in_year")
        }
        guard errors.isEmpty, let year, let number, let newsletterID = input.uuid("newsletter_id") else { return }
        let taken = try await NewsletterIssue.query(on: req.db).filter(\.$newsletter.$id == newsletterID).filter(\.$year == year)
            .filter(\.$number == number).first()
        if let taken, taken.id != existing?.id { errors["number"] = req.t("validation.issue_number_taken") }
    }

    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? {
        FieldErrors(["number": req.t("validation.issue_number_taken")])
    }

    /// Every issue has an edition in each language from the start.
    static func afterSave(_ i: NewsletterIssue, input: [String: String], req: Request, on db: any Database) async throws {
        let existing = try await Edition.query(on: db).filter(\.$issue.$id == i.savedID).all().map(\.language)
        for language in Language.allCases where !existing.contains(language) {
            try await Edition(issueID: i.savedID, language: language, status: .ready).save(on: db)
        }
    }

    static func listQuery(on db: any Database) -> QueryBuilder<NewsletterIssue> {
        NewsletterIssue.query(on: db).with(\.$newsletter).sort(\.$year, .descending).sort(\.$number, .descending)
    }

    static func cells(of i: NewsletterIssue, _ req: Request) -> [String] {
        [
            i.$newsletter.value?.name(req.language) ?? "",
            IssueRecord.issueLine(year: i.year, number: i.number, req.language),
            LocalizedDate.format(i.publicationDate, req.language) ?? "",
            req.t("issue_status." + i.status.rawValue),
        ]
    }

    static func label(of i: NewsletterIssue) -> String { IssueRecord.issueLine(year: i.year, number: i.number, .en) }
    static func rowHref(_ i: NewsletterIssue) -> String { "/admin/newsletter-issues/\(i.savedID.uuidString)" }
}
