import Fluent
import Foundation

/// The shared part of each campaign's messages, per subscriber language: an HTML part laid out
/// with tables and inline styles (what mail clients render) and a real plain-text part.
enum CampaignTemplates {
    static let fontStack =
        "'Helvetica Neue',Arial,'PingFang SC','Hiragino Sans GB','Microsoft YaHei','Noto Sans CJK SC','WenQuanYi Zen Hei',sans-serif"

    static func newsletter(_ record: IssueRecord, campaign: Campaign, centre: CentreSnapshot, baseURL: String, localizer: Localizer)
        -> [SubscriberLanguage: MailComposer.Template]
    {
        var result: [SubscriberLanguage: MailComposer.Template] = [:]
        for choice in SubscriberLanguage.allCases {
            // A reader of one language whose edition is awaiting translation gets the other one.
            let languages = choice.languages.filter { !record.articles($0).isEmpty }
            let shown = languages.isEmpty ? Language.allCases.filter { !record.articles($0).isEmpty } : languages
            let primary = choice == .zh ? Language.zh : .en
            var html = ""
            var text = ""
            for language in shown {
                // A one-language reader whose edition awaits translation reads the other edition's
                // articles inside their own language's masthead, date and contact block.
                let chrome = choice == .both ? language : primary
                let (h, t) = edition(
                    record, language: chrome, articlesIn: language, centre: centre, baseURL: baseURL, localizer: localizer)
                html += h
                text += t
            }
            let subjects = choice == .both ? [campaign.subjectZh, campaign.subjectEn].filter { !$0.isEmpty } : [campaign.subject(primary)]
            let subject = subjects.joined(separator: " | ")
            let preheader = campaign.preheader(primary)
            let footer = localizer.text("mail.footer_newsletter", primary)
            let links =
                localizer.text("mail.preferences", primary) + ": {{PREFERENCES_URL}}\n" + localizer.text("mail.unsubscribe", primary)
                + ": {{UNSUBSCRIBE_URL}}\n" + localizer.text("mail.web_version", primary) + ": " + baseURL + record.issue.path + "?lang="
                + primary.rawValue
            result[choice] = MailComposer.Template(
                subject: subject, preheader: preheader,
                html: page(
                    lang: primary.htmlTag, title: subject, preheader: preheader,
                    body: "<p style=\"margin:0 0 16px;\">{{GREETING}}</p>" + html,
                    footer: HTMLEntities.escape(footer) + "<br><a href=\"{{PREFERENCES_URL}}\" style=\"color:#0b6e4f;\">"
                        + HTMLEntities.escape(localizer.text("mail.preferences", primary))
                        + "</a> · <a href=\"{{UNSUBSCRIBE_URL}}\" style=\"color:#0b6e4f;\">"
                        + HTMLEntities.escape(localizer.text("mail.unsubscribe", primary)) + "</a> · <a href=\""
                        + HTMLEntities.escape(baseURL + record.issue.path)
                        + "\" style=\"color:#0b6e4f;\">" + HTMLEntities.escape(localizer.text("mail.web_version", primary)) + "</a>"),
                text: "{{GREETING}}\n\n" + text + "-- \n" + footer + "\n" + links + "\n")
        }
        return result
    }

    /// One edition: masthead, issue line and date, the articles, the contact block.
    private static func edition(
        _ record: IssueRecord, language: Language, articlesIn articleLanguage: Language, centre: CentreSnapshot, baseURL: String,
        localizer: Localizer
    ) -> (String, String) {
        let issue = record.issue
        let issueLine = IssueRecord.issueLine(year: issue.year, number: issue.number, language)
        let date = LocalizedDate.format(issue.publicationDate, language) ?? issue.publicationDate
        let e = HTMLEntities.escape
        var html =
            "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"border-bottom:3px solid #0b6e4f;margin:0 0 20px;\">"
        html +=
            "<tr><td style=\"padding:0 0 12px;\"><div style=\"font-size:20px;font-weight:bold;color:#084f39;\">\(e(record.newsletter.mastheadZh))</div>"
        html += "<div style=\"font-size:15px;font-weight:bold;\">\(e(record.newsletter.mastheadEn))</div></td>"
        html +=
            "<td align=\"right\" style=\"padding:0 0 12px;\"><div style=\"font-size:24px;font-weight:bold;color:#0b6e4f;\">\(e(record.newsletter.name(language)))</div>"
        html += "<div style=\"font-size:13px;\">\(e(issueLine))<br>\(e(date))</div></td></tr></table>"
        var text =
            record.newsletter.mastheadZh + "\n" + record.newsletter.mastheadEn + "\n" + record.newsletter.name(language) + " · " + issueLine
            + " · " + date + "\n\n"
        if articleLanguage != language {
            let notice = localizer.text("newsletters.edition_awaiting", language)
            html += "<p style=\"margin:0 0 16px;padding:8px 12px;background:#fff7e0;border-left:3px solid #d9a400;\">\(e(notice))</p>"
            text += notice + "\n\n"
        }
        for article in record.articles(articleLanguage) {
            html += "<h2 style=\"font-size:19px;line-height:1.3;color:#084f39;margin:0 0 12px;\">\(e(article.title))</h2>"
            html += styled(article.bodyHTML)
            text +=
                article.title + "\n" + String(repeating: "=", count: min(70, article.title.count)) + "\n\n" + plainText(article.bodyHTML)
                + "\n"
            text += baseURL + "/articles/" + article.slug + "\n\n"
        }
        let contact = CentreContext(centre, language)
        var lines = [contact.name] + contact.affiliationLines + [contact.address]
        if !contact.postalCode.isEmpty {
            lines.append(localizer.text("contact.postal_code", language) + localizer.text("punct.colon", language) + contact.postalCode)
        }
        if !contact.telephone.isEmpty {
            lines.append(localizer.text("contact.tel", language) + localizer.text("punct.colon", language) + contact.telephone)
        }
        if !contact.fax.isEmpty {
            lines.append(localizer.text("contact.fax", language) + localizer.text("punct.colon", language) + contact.fax)
        }
        if !contact.email.isEmpty {
            lines.append(localizer.text("contact.email", language) + localizer.text("punct.colon", language) + contact.email)
        }
        if !contact.website.isEmpty {
            lines.append(localizer.text("contact.website", language) + localizer.text("punct.colon", language) + contact.website)
        }
        if !contact.wechat.isEmpty {
            lines.append(localizer.text("contact.wechat", language) + localizer.text("punct.colon", language) + contact.wechat)
        }
        html += "<div style=\"border-top:1px solid #d5dfdb;margin:20px 0 0;padding:12px 0 0;font-size:13px;line-height:1.5;\">"
        html += "<div style=\"font-weight:bold;margin:0 0 4px;\">\(e(localizer.text("contact.title", language)))</div>"
        html +=
            lines.filter { !$0.isEmpty }.map(e).joined(separator: "<br>")
            + "<p style=\"margin:10px 0 0;font-style:italic;\">\(e(contact.mission))</p></div>"
        text +=
            localizer.text("contact.title", language) + "\n" + lines.filter { !$0.isEmpty }.joined(separator: "\n") + "\n\n"
            + contact.mission + "\n\n"
        return (html, text)
    }

    static func invitation(_ meeting: Meeting, record: MeetingRecord, campaign: Campaign, baseURL: String, localizer: Localizer)
        -> [SubscriberLanguage: MailComposer.Template]
    {
        var result: [SubscriberLanguage: MailComposer.Template] = [:]
        for choice in SubscriberLanguage.allCases {
            let language = choice == .zh ? Language.zh : .en
            let e = HTMLEntities.escape
            let when = MeetingTime.describe(meeting, language) ?? localizer.text("meeting.no_date", language)
            let mode = localizer.text("meeting_mode." + meeting.mode.rawValue, language)
            let intro = localizer.text(campaign.kind == .reminder ? "mail.reminder_intro" : "mail.invitation_intro", language)
            let action = localizer.text(campaign.kind == .reminder ? "mail.reminder_action" : "mail.invitation_action", language)
            let url = campaign.kind == .reminder ? "{{CALENDAR_URL}}" : "{{RSVP_URL}}"
            let subject =
                campaign.subject(language).isEmpty
                ? localizer.text(campaign.kind == .reminder ? "mail.reminder_subject" : "mail.invitation_subject", language)
                    + meeting.title(language)
                : campaign.subject(language)
            var details = [when, mode]
            if !meeting.venue(language).isEmpty { details.append(meeting.venue(language)) }
            let hosts = record.organisations(.host).map { $0.name(language) }.joined(separator: ", ")
            if !hosts.isEmpty {
                details.append(localizer.text("meeting.hosted_by", language) + localizer.text("punct.colon", language) + hosts)
            }
            let html =
                "<p style=\"margin:0 0 16px;\">{{GREETING}}</p><p style=\"margin:0 0 12px;\">\(e(intro))</p>"
                + "<h2 style=\"font-size:19px;color:#084f39;margin:0 0 8px;\">\(e(meeting.title(language)))</h2>"
                + "<p style=\"margin:0 0 16px;line-height:1.6;\">\(details.map(e).joined(separator: "<br>"))</p>"
                + "<p style=\"margin:0 0 16px;\"><a href=\"\(url)\" style=\"display:inline-block;background:#0b6e4f;color:#ffffff;padding:10px 18px;text-decoration:none;border-radius:4px;\">\(e(action))</a></p>"
                + "<p style=\"margin:0;font-size:13px;color:#5b6b66;\">\(e(localizer.text("mail.calendar_attached", language)))</p>"
            let text =
                "{{GREETING}}\n\n" + intro + "\n\n" + meeting.title(language) + "\n" + details.joined(separator: "\n") + "\n\n" + action
                + ": " + url
                + "\n\n" + localizer.text("mail.calendar_attached", language) + "\n"
            result[choice] = MailComposer.Template(
                subject: subject, preheader: campaign.preheader(language),
                html: page(
                    lang: language.htmlTag, title: subject, preheader: campaign.preheader(language), body: html,
                    footer: e(baseURL + "/meetings/" + meeting.slug)),
                text: text)
        }
        return result
    }

    static func page(lang: String, title: String, preheader: String, body: String, footer: String) -> String {
        """
        <!doctype html><html lang="\(lang)"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>\(HTMLEntities.escape(title))</title></head>
        <body style="margin:0;padding:0;background:#f3f7f5;"><div style="display:none;max-height:0;overflow:hidden;">\(HTMLEntities.escape(preheader))</div>
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f7f5;"><tr><td align="center" style="padding:16px 8px;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;max-width:600px;background:#ffffff;font-family:\(fontStack);font-size:15px;color:#1d2a26;">
        <tr><td style="padding:24px;">\(body)</td></tr>
        <tr><td style="padding:16px 24px;font-size:12px;line-height:1.5;color:#5b6b66;border-top:1px solid #d5dfdb;">\(footer)</td></tr>
        </table></td></tr></table></body></html>
        """
    }

    /// Inline styles for the elements the Markdown renderer produces.
    static func styled(_ html: String) -> String {
        html.replacingOccurrences(of: "<p>", with: "<p style=\"margin:0 0 14px;line-height:1.6;\">")
            .replacingOccurrences(of: "<a href", with: "<a style=\"color:#0b6e4f;\" href")
            .replacingOccurrences(of: "<ul>", with: "<ul style=\"margin:0 0 14px;padding-left:20px;\">")
            .replacingOccurrences(of: "<ol>", with: "<ol style=\"margin:0 0 14px;padding-left:20px;\">")
            .replacingOccurrences(of: "<table>", with: "<table style=\"border-collapse:collapse;margin:0 0 14px;\">")
            .replacingOccurrences(of: "<td>", with: "<td style=\"border:1px solid #d5dfdb;padding:4px 8px;\">")
            .replacingOccurrences(of: "<th>", with: "<th style=\"border:1px solid #d5dfdb;padding:4px 8px;text-align:left;\">")
    }

    /// Readable text from rendered Markdown: paragraphs kept, links written out.
    static func plainText(_ html: String) -> String {
        var text = html
        if let regex = try? NSRegularExpression(pattern: #"<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>"#) {
            text = regex.stringByReplacingMatches(in: text, range: NSRange(text.startIndex..., in: text), withTemplate: "$2 ($1)")
        }
        for (tag, replacement) in [
            ("</p>", "\n\n"), ("<br />", "\n"), ("<br>", "\n"), ("<li>", "- "), ("</li>", "\n"), ("</h1>", "\n\n"), ("</h2>", "\n\n"),
            ("</h3>", "\n\n"), ("</tr>", "\n"), ("</td>", "\t"),
        ] {
            text = text.replacingOccurrences(of: tag, with: replacement)
        }
        text = text.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
        return HTMLEntities.decode(text).replacingOccurrences(of: "\n\n\n+", with: "\n\n", options: .regularExpression)
    }
}
