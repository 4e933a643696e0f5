import Fluent
import Vapor

/// A round with everything its pages show, read once: the document, the version's paragraphs, the
/// invited countries and the answers and comments the caller may read.
struct RoundRecord {
    let round: ConsultationRound
    let document: Document
    let version: DraftVersion
    let paragraphs: [DraftParagraph]
    let invited: [RoundCountry]
    let countries: [UUID: Country]
    /// Answers the caller may read, by country.
    let answers: [UUID: CountryAnswer]
    /// Comments of those answers, in paragraph order.
    let comments: [AnswerComment]
    let caller: ConsultationRules.Caller
    let now: Date

    static func load(_ roundID: UUID, caller: ConsultationRules.Caller, now: Date = Date(), on db: any Database) async throws
        -> RoundRecord?
    {
        guard let round = try await ConsultationRound.find(roundID, on: db) else { return nil }
        let invited = try await RoundCountry.query(on: db).filter(\.$round.$id == roundID).all()
        guard ConsultationRules.canOpen(round, invited: invited, caller: caller) else { return nil }
        let document = try await round.$document.get(on: db)
        let version = try await round.$version.get(on: db)
        let paragraphs = try await DraftEditing.paragraphs(of: version.savedID, on: db)
        let countries = try await Country.query(on: db).filter(\.$id ~~ invited.map(\.$country.id)).all()
        let readable = try await CountryAnswer.query(on: db).filter(\.$round.$id == roundID).all().filter {
            ConsultationRules.canRead(answer: $0, round: round, invited: invited, caller: caller, now: now)
        }
        let order = Dictionary(paragraphs.compactMap { p in p.number.map { ($0, p.position) } }, uniquingKeysWith: { a, _ in a })
        let names = Dictionary(countries.map { ($0.savedID, $0.nameEn) }, uniquingKeysWith: { a, _ in a })
        let answerCountry = Dictionary(readable.map { ($0.savedID, $0.$country.id) }, uniquingKeysWith: { a, _ in a })
        let comments = try await AnswerComment.query(on: db).filter(\.$answer.$id ~~ readable.map(\.savedID)).sort(\.$createdAt).all()
            .sorted {
                let a = order[$0.paragraphNumber] ?? Int.max
                let b = order[$1.paragraphNumber] ?? Int.max
                if a != b { return a < b }
                return (names[answerCountry[$0.$answer.id] ?? UUID()] ?? "") < (names[answerCountry[$1.$answer.id] ?? UUID()] ?? "")
            }
        return RoundRecord(
            round: round, document: document, version: version, paragraphs: paragraphs,
            invited: invited.sorted { (names[$0.$country.id] ?? "") < (names[$1.$country.id] ?? "") },
            countries: Dictionary(countries.map { ($0.savedID, $0) }, uniquingKeysWith: { a, _ in a }),
            answers: Dictionary(readable.map { ($0.$country.id, $0) }, uniquingKeysWith: { a, _ in a }), comments: comments, caller: caller,
            now: now)
    }

    var isClosed: Bool { ConsultationRules.isClosed(round, invited: invited, now: now) }

    func country(of comment: AnswerComment) -> Country? {
        answers.values.first { $0.id == comment.$answer.id }.flatMap { countries[$0.$country.id] }
    }

    func paragraph(_ number: String) -> DraftParagraph? { paragraphs.first { $0.number == number } }

    /// Where a country stands in the round, as the status table and chart count it.
    enum CountryState: String, CaseIterable, Encodable {
        case commented
        case noComments = "no_comments"
        case late
        case notAnswered = "not_answered"
        case silenceKept = "silence_kept"
        case silenceBroken = "silence_broken"
        /// Submitted, then taken back by the country.
        case withdrawn
        /// Hidden from the caller: another country's answer before the round has closed.
        case undisclosed
    }

    /// Whether the caller learns anything of this country's answer: its own, the secretariat, and
    /// other member states only once the round has closed and shares its answers with them.
    func discloses(_ countryID: UUID) -> Bool {
        caller.isStaff || caller.countries.contains(countryID) || (isClosed && round.answerVisibility == .memberStates)
    }

    func state(of countryID: UUID) -> CountryState {
        guard discloses(countryID) else { return .undisclosed }
        let answer = answers[countryID]
        if round.mode == .silence { return answer?.silenceBrokenAt != nil ? .silenceBroken : .silenceKept }
        guard let answer, answer.status == .submitted else {
            return answer?.status == .withdrawn ? .withdrawn : .notAnswered
        }
        if answer.late { return .late }
        return answer.noComments ? .noComments : .commented
    }
}
