import Fluent
import Foundation

final class Meeting: Model, @unchecked Sendable {
    static let schema = "meetings"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    /// Bumped on every change so calendar programs replace their copy (iCalendar SEQUENCE).
    @Field(key: "sequence") var sequence: Int

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "type") var type: MeetingType
    @Field(key: "status") var status: MeetingStatus
    @Field(key: "mode") var mode: MeetingMode
    /// IANA zone the meeting is held in; times are stored in UTC and shown in this zone.
    @Field(key: "time_zone") var timeZone: String
    @OptionalField(key: "starts_at") var startsAt: Date?
    @OptionalField(key: "ends_at") var endsAt: Date?
    /// True when only the days are known: `starts_at` is local midnight of the first day and
    /// `ends_at` local midnight after the last.
    @Field(key: "all_day") var allDay: Bool
    @Field(key: "venue_en") var venueEn: String
    @Field(key: "venue_zh") var venueZh: String
    /// Shown only to registered participants and staff.
    @Field(key: "video_link") var videoLink: String
    /// Working languages, as "en,zh".
    @Field(key: "languages") var languages: String
    @Field(key: "visibility") var visibility: Visibility
    @Field(key: "summary_en") var summaryEn: String
    @Field(key: "summary_zh") var summaryZh: String
    @Field(key: "discussion_en") var discussionEn: String
    @Field(key: "discussion_zh") var discussionZh: String

    // relationships
    @OptionalParent(key: "parent_id") var parent: Meeting?
    @OptionalParent(key: "series_id") var series: MeetingSeries?

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
    func venue(_ language: Language) -> String { Bilingual.pick(en: venueEn, zh: venueZh, language) }

    var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone.gmt }
}
