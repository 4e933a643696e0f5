import Fluent
import Foundation

/// One version of a draft's text, paragraph by paragraph. A version is frozen when a round
/// circulates it, and its text never changes after that.
final class DraftVersion: Model, @unchecked Sendable {
    static let schema = "draft_versions"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Field(key: "number") var number: Int
    @Field(key: "note") var note: String
    @OptionalField(key: "frozen_at") var frozenAt: Date?
    @Field(key: "illustrative") var illustrative: Bool

    @Parent(key: "document_id") var document: Document

    init() {}

    init(documentID: UUID, number: Int, note: String, illustrative: Bool = false) {
        self.$document.id = documentID
        self.number = number
        self.note = note
        self.illustrative = illustrative
    }

    var isFrozen: Bool { frozenAt != nil }
}

/// A heading or a numbered paragraph of a version, in English and, optionally, Chinese.
final class DraftParagraph: Model, @unchecked Sendable {
    static let schema = "draft_paragraphs"

    @ID(key: .id) var id: UUID?

    @Field(key: "position") var position: Int
    @Field(key: "kind") var kind: DraftText.Block.Kind
    @OptionalField(key: "number") var number: String?
    @Field(key: "text_en") var textEn: String
    @Field(key: "text_zh") var textZh: String
    /// The comments whose proposed wording made this paragraph's text, when a revision applied them.
    @Field(key: "from_comments") var fromComments: String

    @Parent(key: "version_id") var version: DraftVersion

    init() {}

    init(
        versionID: UUID, position: Int, kind: DraftText.Block.Kind, number: String?, textEn: String, textZh: String,
        fromComments: String = ""
    ) {
        self.$version.id = versionID
        self.position = position
        self.kind = kind
        self.number = number
        self.textEn = textEn
        self.textZh = textZh
        self.fromComments = fromComments
    }

    var commentIDs: [UUID] { fromComments.split(separator: ",").compactMap { UUID(uuidString: String($0)) } }
}

enum RoundMode: String, Codable, CaseIterable, Sendable {
    /// Member states comment on the text.
    case comments
    /// The text is adopted at the deadline unless a member state breaks silence.
    case silence
}

/// Who reads the answers once a round has closed.
enum AnswerVisibility: String, Codable, CaseIterable, Sendable {
    case secretariat
    case memberStates = "member_states"
}

/// One version circulated to the member states invited, until a deadline.
final class ConsultationRound: Model, @unchecked Sendable {
    static let schema = "consultation_rounds"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    @Field(key: "number") var number: Int
    @Field(key: "mode") var mode: RoundMode
    @Field(key: "deadline") var deadline: Date
    /// The secretariat's time zone, in which the deadline was set.
    @Field(key: "time_zone") var timeZone: String
    @Field(key: "answer_visibility") var answerVisibility: AnswerVisibility
    @Field(key: "illustrative") var illustrative: Bool
    @Field(key: "circulated_by") var circulatedBy: String
    /// When the deadline was dealt with (silence: adopted or not), once, by one instance.
    @OptionalField(key: "concluded_at") var concludedAt: Date?
    /// For a silence procedure, whether the text was adopted at its deadline.
    @OptionalField(key: "adopted") var adopted: Bool?

    @Parent(key: "document_id") var document: Document
    @Parent(key: "version_id") var version: DraftVersion

    init() {}

    func isOpen(at now: Date = Date()) -> Bool { now < deadline }
}

/// A member state invited to a round; the secretariat may reopen the round for it after the deadline.
final class RoundCountry: Model, @unchecked Sendable {
    static let schema = "round_countries"

    @ID(key: .id) var id: UUID?

    @OptionalField(key: "reopened_until") var reopenedUntil: Date?
    @OptionalField(key: "reminded_3d_at") var reminded3dAt: Date?
    @OptionalField(key: "reminded_1d_at") var reminded1dAt: Date?

    @Parent(key: "round_id") var round: ConsultationRound
    @Parent(key: "country_id") var country: Country

    init() {}

    init(roundID: UUID, countryID: UUID) {
        self.$round.id = roundID
        self.$country.id = countryID
    }
}

enum AnswerStatus: String, Codable, CaseIterable, Sendable {
    /// Being written; only the country's focal points see it.
    case draft
    /// The country's position.
    case submitted
    /// Taken back by the primary focal point; it may be changed and submitted again until the deadline.
    case withdrawn
}

/// A member state's answer to a round: its comments, or "no comments", or (in a silence
/// procedure) silence broken with a reason.
final class CountryAnswer: Model, @unchecked Sendable {
    static let schema = "country_answers"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    @Field(key: "status") var status: AnswerStatus
    @Field(key: "no_comments") var noComments: Bool
    @OptionalField(key: "submitted_at") var submittedAt: Date?
    @Field(key: "submitted_by") var submittedBy: String
    @Field(key: "late") var late: Bool
    @OptionalField(key: "silence_broken_at") var silenceBrokenAt: Date?
    @Field(key: "silence_reason") var silenceReason: String
    @Field(key: "illustrative") var illustrative: Bool

    @Parent(key: "round_id") var round: ConsultationRound
    @Parent(key: "country_id") var country: Country

    init() {}

    init(roundID: UUID, countryID: UUID, illustrative: Bool = false) {
        self.$round.id = roundID
        self.$country.id = countryID
        self.status = .draft
        self.noComments = false
        self.submittedBy = ""
        self.late = false
        self.silenceReason = ""
        self.illustrative = illustrative
    }
}

/// How the secretariat dealt with a comment.
enum CommentResponse: String, Codable, CaseIterable, Sendable {
    case accepted
    case partlyAccepted = "partly_accepted"
    case notAccepted = "not_accepted"
    case noted
}

/// One comment of a country's answer: on a paragraph (or general), with proposed wording, and
/// the secretariat's response.
final class AnswerComment: Model, @unchecked Sendable {
    static let schema = "answer_comments"

    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    /// The paragraph's number as circulated ("3"); empty for a general comment.
    @Field(key: "paragraph_number") var paragraphNumber: String
    @Field(key: "comment") var comment: String
    @Field(key: "proposed_wording") var proposedWording: String
    @Field(key: "author") var author: String
    @OptionalField(key: "response") var response: CommentResponse?
    @Field(key: "response_reason") var responseReason: String
    @Field(key: "responded_by") var respondedBy: String
    /// Raised by one at every response, so a response made against an older one is refused.
    @Field(key: "response_revision") var responseRevision: Int

    @Parent(key: "answer_id") var answer: CountryAnswer
    @OptionalParent(key: "paragraph_id") var paragraph: DraftParagraph?

    init() {}

    init(answerID: UUID, paragraph: DraftParagraph?, comment: String, proposedWording: String, author: String) {
        self.$answer.id = answerID
        self.$paragraph.id = paragraph?.id
        self.paragraphNumber = paragraph?.number ?? ""
        self.comment = comment
        self.proposedWording = proposedWording
        self.author = author
        self.responseReason = ""
        self.respondedBy = ""
        self.responseRevision = 0
    }
}
