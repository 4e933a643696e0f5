import Fluent
import Vapor

/// Who may do what in a consultation, whoever asks: a focal point answers only for their own
/// country and only while the round is open for it; no country reads another's answer before
/// the round has closed; the secretariat reads submitted answers, never a country's drafts.
enum ConsultationRules {
    /// The one asking, with the countries they answer for.
    struct Caller: Sendable {
        let role: Role
        let email: String
        /// Countries where the caller is a current focal point.
        let countries: Set<UUID>
        /// Countries where the caller is the current primary focal point: they submit its answer.
        let primaryCountries: Set<UUID>

        var isStaff: Bool { role.isStaff }

        static func of(_ user: User?, on db: any Database) async throws -> Caller {
            guard let user, let personID = user.$person.id else {
                return Caller(role: user?.role ?? .anonymous, email: user?.email ?? "", countries: [], primaryCountries: [])
            }
            let appointments = try await FocalPointAppointment.query(on: db).filter(\.$person.$id == personID).serving().all()
            return Caller(
                role: user.role, email: user.email, countries: Set(appointments.map(\.$country.id)),
                primaryCountries: Set(appointments.filter { $0.rank == .primary }.map(\.$country.id)))
        }
    }

    /// The moment after which no country's answer can change any more: the deadline, or a later
    /// reopening for one country. Answers are read by other countries only after it.
    static func closesAt(_ round: ConsultationRound, invited: [RoundCountry]) -> Date {
        invited.compactMap(\.reopenedUntil).reduce(round.deadline, max)
    }

    static func isClosed(_ round: ConsultationRound, invited: [RoundCountry], now: Date = Date()) -> Bool {
        now >= closesAt(round, invited: invited)
    }

    /// Whether a country may still change its answer now, and whether what it submits is late.
    static func window(_ round: ConsultationRound, for invitation: RoundCountry?, now: Date = Date()) -> (open: Bool, late: Bool) {
        guard invitation != nil else { return (false, false) }
        if now < round.deadline { return (true, false) }
        if let until = invitation?.reopenedUntil, now < until { return (true, true) }
        return (false, false)
    }

    /// Whether the caller reads this country's answer to the round (its comments, its status).
    static func canRead(
        answer: CountryAnswer, round: ConsultationRound, invited: [RoundCountry], caller: Caller, now: Date = Date()
    ) -> Bool {
        if caller.countries.contains(answer.$country.id) { return true }
        guard answer.status == .submitted || answer.silenceBrokenAt != nil else { return false }
        if caller.isStaff { return true }
        guard caller.role >= .focalPoint, isClosed(round, invited: invited, now: now) else { return false }
        return round.answerVisibility == .memberStates && !caller.countries.isDisjoint(with: invited.map(\.$country.id))
    }

    /// Whether the caller may open the round at all: staff, and focal points of invited countries.
    static func canOpen(_ round: ConsultationRound, invited: [RoundCountry], caller: Caller) -> Bool {
        caller.isStaff || !caller.countries.isDisjoint(with: invited.map(\.$country.id))
    }

    /// The countries a round goes to unless the secretariat chooses: every member state and dialogue
    /// partner with a focal point serving today.
    static func defaultCountries(on db: any Database) async throws -> [Country] {
        let serving = Set(try await FocalPointAppointment.query(on: db).serving().all().map(\.$country.id))
        return try await Country.query(on: db).filter(\.$group ~~ [.aseanMemberState, .dialoguePartner]).sort(\.$nameEn).all()
            .filter { serving.contains($0.savedID) }
    }
}

/// A refusal with the field it concerns and the message key that explains it.
struct ConsultationRefusal: Error, Equatable {
    let status: HTTPResponseStatus
    let field: String
    let key: String
    var arguments: [String: String] = [:]

    static func == (lhs: Self, rhs: Self) -> Bool { lhs.status == rhs.status && lhs.field == rhs.field && lhs.key == rhs.key }
}
