import Foundation

/// Returned mail as real servers write it: Postfix's bounce (RFC 3464) and a feedback loop's abuse
/// report (RFC 5965).
public enum ReturnedMailSamples {
    public static func dsn(recipients: [(address: String, action: String, status: String)], messageID: String = "abc.1@focal.example")
        -> String
    {
        let groups = recipients.map { recipient in
            """
            Final-Recipient: rfc822; \(recipient.address)
            Original-Recipient: rfc822;\(recipient.address)
            Action: \(recipient.action)
            Status: \(recipient.status)
            Remote-MTA: dns; mx.example.org
            Diagnostic-Code: smtp; 550 \(recipient.status) <\(recipient.address)>: Recipient address
                rejected: User unknown

            """
        }.joined(separator: "\n")
        return """
            From MAILER-DAEMON Mon Aug 23 00:00:00 2021
            Return-Path: <>
            From: MAILER-DAEMON@mail.example.net (Mail Delivery System)
            Subject: Undelivered Mail Returned to Sender
            Auto-Submitted: auto-replied
            MIME-Version: 1.0
            Content-Type: multipart/report; report-type=delivery-status;
            \tboundary="3F1A21C0A2.1627027200/mail.example.net"

            This is a MIME-encapsulated message.

            --3F1A21C0A2.1627027200/mail.example.net
            Content-Description: Notification
            Content-Type: text/plain; charset=us-ascii

            I'm sorry to have to inform you that your message could not
            be delivered to one or more recipients.

            --3F1A21C0A2.1627027200/mail.example.net
            Content-Description: Delivery report
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mail.example.net
            X-Postfix-Queue-ID: 3F1A21C0A2
            Arrival-Date: Mon, 23 Aug 2021 00:00:00 +0000 (UTC)

            \(groups)
            --3F1A21C0A2.1627027200/mail.example.net
            Content-Description: Undelivered Message Headers
            Content-Type: text/rfc822-headers

            From: Focal Newsletter <newsletter@focal.example>
            To: \(recipients.first?.address ?? "")
            Subject: Newsletter, Issue 7, 2021
            Message-ID: <\(messageID)>

            --3F1A21C0A2.1627027200/mail.example.net--

            """.replacingOccurrences(of: "\n", with: "\r\n")
    }

    public static func feedback(
        recipient: String, type: String = "abuse", withRcptTo: Bool = true, messageID: String = "abc.2@focal.example"
    )
        -> String
    {
        """
        From: feedback@fbl.example.net
        To: abuse@focal.example
        Subject: FW: Newsletter, Issue 7, 2021
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=feedback-report; boundary="part1_13d.2e68ed54_boundary"

        --part1_13d.2e68ed54_boundary
        Content-Type: text/plain; charset="US-ASCII"
        Content-Transfer-Encoding: 7bit

        This is an email abuse report for an email message received from IP 192.0.2.1.

        --part1_13d.2e68ed54_boundary
        Content-Type: message/feedback-report

        Feedback-Type: \(type)
        User-Agent: SomeGenerator/1.0
        Version: 1
        Original-Mail-From: <newsletter@focal.example>
        \(withRcptTo ? "Original-Rcpt-To: <\(recipient)>" : "Reported-Domain: focal.example")
        Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT

        --part1_13d.2e68ed54_boundary
        Content-Type: message/rfc822
        Content-Disposition: inline

        From: Focal Newsletter <newsletter@focal.example>
        To: Reader <\(recipient)>
        Subject: Newsletter, Issue 7, 2021
        Message-ID: <\(messageID)>

        The newsletter.
        --part1_13d.2e68ed54_boundary--

        """
    }
}
