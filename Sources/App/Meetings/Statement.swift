import Fluent
import Foundation

/// What a speaker said, summarised per language, in the order spoken.
final class Statement: Model, @unchecked Sendable {
    static let schema = "statements"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "position") var position: Int
    @Field(key: "summary_en") var summaryEn: String
    @Field(key: "summary_zh") var summaryZh: String

    // relationships
    @Parent(key: "meeting_id") var meeting: Meeting
    @Parent(key: "speaker_id") var speaker: Person

    init() {}

    init(meetingID: UUID, speakerID: UUID, position: Int, summaryEn: String, summaryZh: String = "") {
        self.$meeting.id = meetingID
        self.$speaker.id = speakerID
        self.position = position
        self.summaryEn = summaryEn
        self.summaryZh = summaryZh
    }

    func summary(_ language: Language) -> String { Bilingual.pick(en: summaryEn, zh: summaryZh, language) }
}
