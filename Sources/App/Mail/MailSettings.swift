import Foundation
import SMTPKit

/// The mail settings of AppConfig: where to send, as whom, how fast, and how to sign.
public struct MailSettings: Sendable {
    public var smtp: SMTPConfiguration?
    public var fromAddress: String
    public var fromName: String
    /// Messages per second; 0 sends as fast as the server takes them.
    public var rate: Int
    public var dkim: DKIMSigner?
    /// How long the mail server may stay unreachable before a campaign is paused with the reason
    /// (until then its deliveries wait and are retried, backing off up to 30 s).
    public var outagePauseSeconds = 600

    /// Connections follow from the rate: about one per 100 messages a second, 8 when unlimited.
    public var concurrency: Int { rate == 0 ? 8 : min(16, max(1, Int((Double(rate) / 100).rounded(.up)))) }

    static func load(_ reader: inout EnvironmentReader, dataDirectory: String) -> MailSettings {
        var settings = MailSettings(smtp: nil, fromAddress: "newsletter@focal.example", fromName: "", rate: 0, dkim: nil)
        if let url = reader.raw("FOCAL_SMTP_URL") {
            switch SMTPConfiguration.parse(url) {
            case .success(var smtp):
                smtp.heloName = reader.raw("FOCAL_SMTP_HELO") ?? "focal.localhost"
                settings.smtp = smtp
            case .failure(let error): reader.report("FOCAL_SMTP_URL: \(error.reason)")
            }
        }
        if let from = reader.raw("FOCAL_MAIL_FROM") {
            // "Name <address>" or a bare address.
            if let open = from.lastIndex(of: "<"), from.hasSuffix(">") {
                settings.fromName = from[..<open].trimmingCharacters(in: .whitespaces).trimmingCharacters(
                    in: CharacterSet(charactersIn: "\""))
                settings.fromAddress = String(from[from.index(after: open)..<from.index(before: from.endIndex)])
            } else {
                settings.fromAddress = from
            }
            if !MailAddress.isValidEnvelopeAddress(settings.fromAddress) {
                reader.report("FOCAL_MAIL_FROM: '\(from)' is not a valid address")
            }
        }
        settings.rate = reader.integer("FOCAL_MAIL_RATE", default: 0, range: 0...100_000)
        settings.outagePauseSeconds = reader.integer("FOCAL_MAIL_OUTAGE_PAUSE_SECONDS", default: 600, range: 1...86_400)
        let selector = reader.raw("FOCAL_DKIM_SELECTOR")
        let domain = reader.raw("FOCAL_DKIM_DOMAIN")
        let keyFile = reader.raw("FOCAL_DKIM_KEY_FILE")
        if selector != nil || domain != nil || keyFile != nil {
            guard let selector, let domain, let keyFile else {
                reader.report("FOCAL_DKIM_SELECTOR, FOCAL_DKIM_DOMAIN and FOCAL_DKIM_KEY_FILE: set all three to sign, or none")
                return settings
            }
            do {
                let pem = try String(contentsOfFile: keyFile, encoding: .utf8)
                settings.dkim = DKIMSigner(domain: domain, selector: selector, key: try DKIMSigner.key(pem: pem))
            } catch {
                reader.report("FOCAL_DKIM_KEY_FILE: cannot read a PEM RSA or Ed25519 private key from \(keyFile)")
            }
        }
        return settings
    }
}
