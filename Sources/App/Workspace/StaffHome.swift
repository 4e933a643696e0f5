import Fluent
import Foundation
import Vapor

/// What needs the secretariat's staff now, each queue a few items and a link to where it is done.
enum StaffHome {
    static let shown = 6

    static func queues(_ req: Request, now: Date = Date()) async throws -> [WorkQueue] {
        async let reports = reportsAwaitingValidation(req)
        async let issues = issuesInReviewOrScheduled(req)
        async let campaigns = campaignsUnderWay(req)
        async let meetings = upcomingMeetings(req, now: now)
        async let terms = termsEnding(req, now: now)
        return try await [reports, issues, campaigns, meetings, terms]
    }

    static func reportsAwaitingValidation(_ req: Request) async throws -> WorkQueue {
        let query = ProgressReport.query(on: req.db).filter(\.$status == .submitted)
        let total = try await query.count()
        let reports = try await query.with(\.$activity).with(\.$country).sort(\.$updatedAt, .ascending).range(..<shown).all()
        let items = reports.map { report in
            WorkItem(
                href: "/action-plan/reports/\(report.id?.uuidString ?? "")",
                title: report.activity.code + " · " + report.activity.title(req.language),
                detail: [report.country?.name(req.language) ?? "", String(report.year)].filter { !$0.isEmpty }.joined(separator: " · "),
                illustrative: report.illustrative)
        }
        return WorkQueue(
            key: "reports", heading: req.t("home.queue.reports"), empty: req.t("home.queue.reports_empty"), items: items, total: total,
            allHref: "/action-plan/reports?status=submitted")
    }

    static func issuesInReviewOrScheduled(_ req: Request) async throws -> WorkQueue {
        let query = NewsletterIssue.query(on: req.db).filter(\.$status ~~ [.draft, .inReview, .scheduled])
        let total = try await query.count()
        let issues = try await query.with(\.$newsletter).sort(\.$year, .descending).sort(\.$number, .descending).range(..<shown).all()
        let items = issues.map { issue in
            var detail = req.t("issue_status." + issue.status.rawValue)
            if issue.status == .scheduled, let at = issue.scheduledAt { detail += " · " + LocalizedDate.format(at, req.language) }
            return WorkItem(
                href: NewsletterIssueResource.rowHref(issue),
                title: issue.newsletter.name(req.language) + " · "
                    + IssueRecord.issueLine(year: issue.year, number: issue.number, req.language),
                detail: detail, illustrative: issue.illustrative)
        }
        return WorkQueue(
            key: "issues", heading: req.t("home.queue.issues"), empty: req.t("home.queue.issues_empty"), items: items, total: total,
            allHref: "/admin/newsletter-issues")
    }

    static func campaignsUnderWay(_ req: Request) async throws -> WorkQueue {
        let query = Campaign.query(on: req.db).filter(\.$status ~~ [.draft, .sending, .paused, .scheduled])
        let total = try await query.count()
        let campaigns = try await query.sort(\.$createdAt, .descending).range(..<shown).all()
        var items: [WorkItem] = []
        for campaign in campaigns {
            guard let id = campaign.id else { continue }
            var detail = req.t("campaign_status." + campaign.status.rawValue)
            if campaign.status == .scheduled, let at = campaign.scheduledAt {
                detail += " · " + LocalizedDate.format(at, req.language)
            } else if campaign.status != .draft, let engine = req.application.mailEngine {
                // A draft has no recipients yet: "0 of 0 sent" would say nothing.
                let progress = try await engine.progress(campaignID: id, on: req.db)
                if progress.total > 0 {
                    detail += " · " + req.t("home.sent_of", ["sent": "\(progress.sent)", "total": "\(progress.total)"])
                }
            }
            let subject = campaign.subject(req.language)
            items.append(
                WorkItem(
                    href: "/admin/campaigns/\(id.uuidString)",
                    title: subject.isEmpty ? req.t("campaign_kind." + campaign.kind.rawValue) : subject, detail: detail))
        }
        return WorkQueue(
            key: "campaigns", heading: req.t("home.queue.campaigns"), empty: req.t("home.queue.campaigns_empty"), items: items,
            total: total, allHref: "/admin/campaigns")
    }

    static func upcomingMeetings(_ req: Request, now: Date) async throws -> WorkQueue {
        // Meetings still to be dated count too: setting their date is the next thing to do.
        let query = Meeting.query(on: req.db).group(.or) { either in
            either.group(.and) { $0.filter(\.$startsAt >= now).filter(\.$startsAt < now.addingTimeInterval(30 * 86_400)) }
                .group(.and) { $0.filter(\.$startsAt == nil).filter(\.$status ~~ [.planned, .confirmed]) }
        }
        .filter(\.$status != .cancelled)
        let total = try await query.count()
        let meetings = try await query.sort(\.$startsAt, .ascending).range(..<shown).all()
        var items: [WorkItem] = []
        for meeting in meetings {
            guard let id = meeting.id else { continue }
            let answers = try await Participation.query(on: req.db).filter(\.$meeting.$id == id).all(\.$registration)
            let yes = answers.filter { $0 == .registered || $0 == .approved }.count
            let no = answers.filter { $0 == .declined || $0 == .withdrawn }.count
            let waiting = answers.filter { $0 == .invited }.count
            let when = meeting.startsAt.map { LocalizedDate.format($0, req.language) } ?? req.t("meeting.no_date")
            items.append(
                WorkItem(
                    href: MeetingResource.rowHref(meeting), title: meeting.title(req.language),
                    detail: when + " · "
                        + req.t("home.rsvp_state", ["yes": "\(yes)", "no": "\(no)", "waiting": "\(waiting)"])))
        }
        return WorkQueue(
            key: "meetings", heading: req.t("home.queue.meetings"), empty: req.t("home.queue.meetings_empty"), items: items,
            total: total, allHref: "/admin/meetings")
    }

    static func termsEnding(_ req: Request, now: Date) async throws -> WorkQueue {
        let today = day(now)
        let query = FocalPointAppointment.query(on: req.db).serving(today: today).filter(\.$endDate != nil)
            .filter(\.$endDate <= day(now.addingTimeInterval(90 * 86_400)))
        let total = try await query.count()
        let terms = try await query.with(\.$person).with(\.$country).sort(\.$endDate, .ascending).range(..<shown).all()
        let items = terms.map { term in
            WorkItem(
                href: FocalPointAppointmentResource.rowHref(term),
                title: term.person.name(req.language) + " · " + term.country.name(req.language),
                detail: req.t("home.term_ends", ["date": term.endDate.flatMap { LocalizedDate.format($0, req.language) } ?? ""]),
                illustrative: term.illustrative)
        }
        return WorkQueue(
            key: "terms", heading: req.t("home.queue.terms"), empty: req.t("home.queue.terms_empty"), items: items, total: total,
            allHref: "/admin/focal-points")
    }

    /// A calendar day as the appointments store it (YYYY-MM-DD, UTC).
    static func day(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day().dateSeparator(.dash))
    }
}
