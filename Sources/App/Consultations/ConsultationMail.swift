import Fluent
import SMTPKit
import Vapor

/// The consultation's mail: the invitation when a round is circulated, reminders before its
/// deadline to countries that have not answered, the secretariat told at once when silence is
/// broken, and the adoption announced. Each person is written to in their own language, with a
/// signed link that opens the circulated text without a password.
struct ConsultationMail {
    let app: Application

    struct Recipient: Equatable, Sendable {
        let address: String
        let name: String
        let language: Language
        let countryID: UUID?
    }

    enum Kind: String, Sendable {
        case invitation
        case reminder
        case silenceBroken = "silence_broken"
        case adopted
        case notAdopted = "not_adopted"
    }

    /// The serving focal points of the countries, at their e-mail contact (or, lacking one, their
    /// account's address), leaving out addresses that unsubscribed, bounced or complained.
    static func focalPoints(of countryIDs: [UUID], on db: any Database) async throws -> [Recipient] {
        let appointments = try await FocalPointAppointment.query(on: db).filter(\.$country.$id ~~ countryIDs).serving().with(\.$person)
            .all()
        let personIDs = appointments.map(\.$person.id)
        let contacts = try await ContactPoint.query(on: db).filter(\.$kind == .email).filter(\.$person.$id ~~ personIDs).all()
        let accounts = try await User.query(on: db).filter(\.$person.$id ~~ personIDs).all()
        let optedOut = Set(
            try await Subscriber.query(on: db).filter(\.$status ~~ [.unsubscribed, .bounced, .complained]).all().map(\.email))
        var seen = Set<String>()
        var recipients: [Recipient] = []
        for appointment in appointments.sorted(by: { $0.$country.id.uuidString < $1.$country.id.uuidString }) {
            let person = appointment.person
            let address =
                contacts.first { $0.$person.id == appointment.$person.id }?.value
                ?? accounts.first { $0.$person.id == appointment.$person.id }?.email
            guard let address, case let normal = Subscriber.normalise(address), !optedOut.contains(normal), seen.insert(normal).inserted
            else { continue }
            recipients.append(
                Recipient(
                    address: address, name: person.nameEn, language: person.preferredLanguage == .zh ? .zh : .en,
                    countryID: appointment.$country.id))
        }
        return recipients
    }

    /// The secretariat's staff accounts.
    static func secretariat(on db: any Database) async throws -> [Recipient] {
        try await User.query(on: db).filter(\.$role ~~ [.editor, .admin]).all().map {
            Recipient(address: $0.email, name: $0.name, language: .en, countryID: nil)
        }
    }

    /// Sends one kind of message about a round to each recipient; returns how many went out. Mail
    /// that cannot be sent is logged: the consultation itself has already been recorded.
    @discardableResult
    func send(_ kind: Kind, round: ConsultationRound, to recipients: [Recipient], extra: [String: String] = [:]) async -> Int {
        guard let engine = app.mailEngine else {
            app.logger.warning("No SMTP server configured: \(recipients.count) consultation \(kind.rawValue) message(s) not sent")
            return 0
        }
        var sent = 0
        for recipient in recipients {
            do {
                let message = try await compose(kind, round: round, to: recipient, extra: extra, engine: engine)
                try await engine.sendSingle(message)
                sent += 1
            } catch {
                app.logger.report(error: error)
            }
        }
        return sent
    }

    func compose(_ kind: Kind, round: ConsultationRound, to recipient: Recipient, extra: [String: String], engine: MailEngine) async throws
        -> MailMessage
    {
        let config = try app.focalConfig
        let document = try await round.$document.get(on: app.db)
        let language = recipient.language
        let base = config.baseURL.absoluteString.trimmingSuffix("/")
        let zone = TimeZone(identifier: round.timeZone) ?? .gmt
        var values = extra
        values["title"] = document.title(language)
        values["round"] = "\(round.number)"
        values["deadline"] = ConsultationFormat.deadline(round.deadline, zone: zone, language: language)
        values["name"] = recipient.name
        values["answer"] = base + "/consultations/rounds/" + round.savedID.uuidString
        if let countryID = recipient.countryID {
            let token = SignedToken.make(
                purpose: ConsultationReading.purpose,
                subject: try await ConsultationReading.subject(round: round, country: countryID, on: app.db),
                expires: round.deadline.addingTimeInterval(90 * 86_400), secret: config.sessionSecret)
            values["read"] = base + "/consultations/read/" + token + "?lang=" + language.rawValue
        }
        let localizer = app.localizer
        let prefix = "consultation.mail." + kind.rawValue + (kind == .invitation && round.mode == .silence ? "_silence" : "")
        return MailMessage(
            from: try MailAddress(engine.settings.fromAddress, name: engine.settings.fromName),
            to: [try MailAddress(recipient.address, name: recipient.name)],
            subject: localizer.text(prefix + ".subject", language, values),
            text: localizer.text(prefix + ".body", language, values),
            messageID: "consultation.\(kind.rawValue).\(UUID().uuidString.lowercased())@\(config.baseURL.host ?? "focal")")
    }
}

enum ConsultationFormat {
    /// "15 January 2027, 17:00 (Asia/Shanghai, UTC+8)", "2027年1月15日 17:00（Asia/Shanghai，UTC+8）".
    static func deadline(_ instant: Date, zone: TimeZone, language: Language) -> String {
        let local = MeetingTime.local(instant, in: zone)
        let day = LocalizedDate.format(local.date, language) ?? local.date
        let offset = MeetingTime.offsetLabel(zone, at: instant)
        // Foundation on Linux names the zone typed as "UTC" "GMT".
        let name = zone.identifier == "GMT" ? "UTC" : zone.identifier
        switch language {
        case .en: return day + ", " + local.time + " (" + (name == offset ? name : name + ", " + offset) + ")"
        case .zh: return day + " " + local.time + "（" + (name == offset ? name : name + "，" + offset) + "）"
        }
    }
}
