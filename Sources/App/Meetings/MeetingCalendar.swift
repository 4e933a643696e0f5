import Foundation
import Vapor

/// Calendar entries for meetings; the video link goes only into a participant's own entry.
enum MeetingCalendar {
    static func event(
        for meeting: Meeting, centre: CentreSnapshot, baseURL: URL, includeVideo: Bool, language: Language, localizer: Localizer
    ) -> ICalendar.Event? {
        guard let start = meeting.startsAt else { return nil }
        let url = baseURL.absoluteString.trimmingSuffix("/") + "/meetings/" + meeting.slug
        var description = Bilingual.pick(en: meeting.summaryEn, zh: meeting.summaryZh, language)
        if includeVideo, !meeting.videoLink.isEmpty { description += (description.isEmpty ? "" : "\n\n") + meeting.videoLink }
        description += (description.isEmpty ? "" : "\n\n") + url
        let online = localizer.text("meeting.calendar_online_location", language)
        let location = meeting.venue(language).isEmpty ? (meeting.mode == .online ? online : "") : meeting.venue(language)
        // The UID names the meeting, not the address it is served from: a site moved to its real
        // domain must update subscribers' entries, not add a second copy of each.
        return ICalendar.Event(
            uid: "meeting-" + (meeting.id?.uuidString.lowercased() ?? meeting.slug),
            stamp: meeting.updatedAt ?? meeting.createdAt ?? Date(),
            sequence: meeting.sequence,
            start: start, end: meeting.endsAt, allDay: meeting.allDay, zone: meeting.zone,
            summary: meeting.title(language), description: description,
            location: includeVideo && location.isEmpty ? meeting.videoLink : location,
            url: url,
            organizerName: Bilingual.pick(en: centre.nameEn, zh: centre.nameZh, language), organizerEmail: centre.email,
            status: status(meeting.status),
            conference: includeVideo && !meeting.videoLink.isEmpty ? meeting.videoLink : nil)
    }

    static func status(_ status: MeetingStatus) -> String {
        switch status {
        case .confirmed, .held: return "CONFIRMED"
        case .cancelled: return "CANCELLED"
        case .planned, .postponed: return "TENTATIVE"
        }
    }

    static func response(_ calendar: ICalendar, filename: String) -> Response {
        let response = Response(status: .ok, body: .init(string: calendar.render()))
        response.headers.replaceOrAdd(name: .contentType, value: ICalendar.mimeType())
        response.headers.replaceOrAdd(name: .contentDisposition, value: "inline; filename=\"\(filename)\"")
        return response
    }
}
