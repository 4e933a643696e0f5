import Foundation

/// What a returned message says about one recipient of earlier mail: a delivery status
/// notification (RFC 3464, a bounce) or a feedback report (RFC 5965, a complaint).
public struct DeliveryReport: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Delivery failed for good (status 5.x.x): the address should not be mailed again.
        case hardBounce = "hard-bounce"
        /// Delayed, or failed for now (status 4.x.x): the server keeps trying or a later send may work.
        case softBounce = "soft-bounce"
        /// The recipient marked the message as spam or abuse.
        case complaint
    }

    public let kind: Kind
    /// The recipient's address, lowercased.
    public let recipient: String
    /// The status code ("5.1.1") or the feedback type ("abuse").
    public let status: String
    /// The remote server's words, if given.
    public let diagnostic: String
    /// The Message-ID of the message reported on, without angle brackets, if the report includes it.
    public let originalMessageID: String?

    public init(kind: Kind, recipient: String, status: String, diagnostic: String, originalMessageID: String?) {
        self.kind = kind
        self.recipient = recipient
        self.status = status
        self.diagnostic = diagnostic
        self.originalMessageID = originalMessageID
    }

    public enum NotAReport: Error, Equatable, CustomStringConvertible {
        /// Ordinary mail, an auto-reply, or a report of a kind not acted on.
        case notAReport(String)
        /// A report without a recipient this code can read.
        case noRecipient

        public var description: String {
            switch self {
            case .notAReport(let type): return "not a delivery status or feedback report (\(type))"
            case .noRecipient: return "a report naming no recipient"
            }
        }
    }

    /// The reports in a returned message; successful deliveries (action delivered, relayed,
    /// expanded) and "not-spam" feedback give none.
    public static func reports(in message: ReceivedMessage) throws(NotAReport) -> [DeliveryReport] {
        let entities = message.allParts
        let original = entities.first {
            ["text/rfc822-headers", "message/rfc822", "message/global-headers", "message/global"].contains($0.mediaType)
        }
        .map { ReceivedMessage(text: $0.body) }
        let originalID = original?.header("message-id").map(Self.bareMessageID)
        if let status = entities.first(where: { ["message/delivery-status", "message/global-delivery-status"].contains($0.mediaType) }) {
            let groups = status.fieldGroups
            var reports: [DeliveryReport] = []
            // The first group is about the message; each later one is about one recipient.
            for fields in groups.dropFirst() {
                guard let recipient = (fields["final-recipient"] ?? fields["original-recipient"]).map(Self.address), !recipient.isEmpty
                else { continue }
                let action = (fields["action"] ?? "").lowercased()
                let code = (fields["status"] ?? "").split(separator: " ").first.map(String.init) ?? ""
                let kind: Kind
                switch action {
                case "failed": kind = code.hasPrefix("4") ? .softBounce : .hardBounce
                case "delayed": kind = .softBounce
                default: continue
                }
                reports.append(
                    DeliveryReport(
                        kind: kind, recipient: recipient, status: code, diagnostic: Self.diagnostic(fields["diagnostic-code"] ?? ""),
                        originalMessageID: originalID))
            }
            guard !reports.isEmpty || groups.count > 1 else { throw .noRecipient }
            return reports
        }
        if let feedback = entities.first(where: { $0.mediaType == "message/feedback-report" }) {
            let fields = feedback.fieldGroups.reduce(into: [String: String]()) { $0.merge($1) { first, _ in first } }
            let type = (fields["feedback-type"] ?? "abuse").lowercased()
            if type == "not-spam" { return [] }
            let recipient = (fields["original-rcpt-to"] ?? original?.header("to")).map(Self.address) ?? ""
            guard !recipient.isEmpty else { throw .noRecipient }
            return [DeliveryReport(kind: .complaint, recipient: recipient, status: type, diagnostic: "", originalMessageID: originalID)]
        }
        throw .notAReport(message.mediaType)
    }

    /// "rfc822; <User@Example.org>" or "Name <user@example.org>" → "user@example.org".
    static func address(_ field: String) -> String {
        var value = field
        if let semicolon = value.firstIndex(of: ";"), !value[..<semicolon].contains("@") {
            value = String(value[value.index(after: semicolon)...])
        }
        if let open = value.lastIndex(of: "<"), let close = value.lastIndex(of: ">"), open < close {
            value = String(value[value.index(after: open)..<close])
        }
        return value.trimmingCharacters(in: .whitespaces).lowercased()
    }

    /// "smtp; 550 5.1.1 <x@y>: Recipient address rejected" → the server's words.
    static func diagnostic(_ field: String) -> String {
        guard let semicolon = field.firstIndex(of: ";") else { return field }
        return String(field[field.index(after: semicolon)...]).trimmingCharacters(in: .whitespaces)
    }

    static func bareMessageID(_ value: String) -> String {
        value.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t"))
    }
}
