import Vapor

/// What publishing an issue will do, said before it is done.
enum IssuePublishCheck {
    static func context(_ req: Request, _ record: IssueRecord, refusal: String?) async throws -> CheckPageContext {
        let issue = record.issue
        let l = req.language
        let line = IssueRecord.issueLine(year: issue.year, number: issue.number, l)
        let base = "/admin/newsletter-issues/" + (issue.id?.uuidString ?? "")
        let address = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/") + issue.path
        var consequences = [req.t("check.publish.public", ["address": address])]
        for edition in record.editions.sorted(by: { $0.language.rawValue < $1.language.rawValue }) {
            let language = req.t("language." + edition.language.rawValue)
            let count = record.articles(edition.language).count
            consequences.append(
                edition.status == .ready
                    ? req.t("check.publish.edition", ["language": language, "count": "\(count)"])
                    : req.t("check.publish.awaiting", ["language": language]))
        }
        consequences.append(req.t("check.publish.listed"))
        if issue.status == .scheduled { consequences.append(req.t("check.publish.replaces_schedule")) }
        consequences.append(req.t("check.publish.no_mail"))
        return CheckPageContext(
            chrome: try await Chrome.make(for: req, title: req.t("check.publish.heading", ["issue": line])),
            heading: req.t("check.publish.heading", ["issue": line]),
            facts: [
                .init(label: req.t("field.newsletter"), value: record.newsletter.name(l)),
                .init(label: req.t("field.status"), value: req.t("issue_status." + issue.status.rawValue)),
                .init(
                    label: req.t("field.publication_date"), value: LocalizedDate.format(issue.publicationDate, l) ?? issue.publicationDate),
            ],
            consequences: consequences,
            refusal: refusal, action: base + "/publish", csrf: req.csrfToken(), confirmLabel: req.t("issue_hub.publish_now"),
            backHref: base)
    }

    /// What taking a published issue back to draft does: it leaves the public site.
    static func unpublishContext(_ req: Request, _ record: IssueRecord) async throws -> CheckPageContext {
        let issue = record.issue
        let line = IssueRecord.issueLine(year: issue.year, number: issue.number, req.language)
        let base = "/admin/newsletter-issues/" + (issue.id?.uuidString ?? "")
        let address = try req.application.focalConfig.baseURL.absoluteString.trimmingSuffix("/") + issue.path
        let heading = req.t("check.unpublish.heading", ["issue": line])
        return CheckPageContext(
            chrome: try await Chrome.make(for: req, title: heading), heading: heading,
            facts: [
                .init(label: req.t("field.newsletter"), value: record.newsletter.name(req.language)),
                .init(label: req.t("field.status"), value: req.t("issue_status." + issue.status.rawValue)),
            ],
            consequences: [
                req.t("check.unpublish.offline", ["address": address]), req.t("check.unpublish.mail"),
                req.t("check.unpublish.kept"),
            ],
            refusal: issue.status == .draft ? req.t("issue_hub.not_allowed", ["status": req.t("issue_status.draft")]) : nil,
            action: base + "/draft", csrf: req.csrfToken(), confirmLabel: req.t("issue_hub.back_to_draft"), destructive: true,
            backHref: base)
    }
}
