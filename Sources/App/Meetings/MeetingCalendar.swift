import Foundation
import Vapor

/// Calendar entries for meetings; the video link goes only into a participant's own entry.
enum MeetingCalendar {
    static func event(for meeting: Meeting, centre: CentreSnapshot, baseURL: URL, includeVideo: Bool, language: Language) -> ICalendar
        .Event?
    {
        guard let start = meeting.startsAt else { return nil }
        let url = baseURL.absoluteString.trimmingSuffix("/") + "/meetings/" + meeting.slug
        var description = Bilingual.pick(en: meeting.summaryEn, zh: meeting.summaryZh, language)
        if includeVideo, !meeting.videoLink.isEmpty { description += (description.isEmpty ? "" : "\n\n") + meeting.videoLink }
        description += (description.isEmpty ? "" : "\n\n") + url
        let location = meeting.venue(language).isEmpty ? (meeting.mode == .online ? "Online" : "") : meeting.venue(language)
        return ICalendar.Event(
            uid: "meeting-\(meeting.id!.uuidString.lowercased())@\(baseURL.host ?? "focal")",
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
