import Foundation

/// Writes iCalendar (RFC 5545): escaped text, lines folded at 75 octets, CRLF endings.
struct ICalendar {
    struct Event {
        var uid: String
        var stamp: Date
        var sequence: Int
        var start: Date
        var end: Date?
        var allDay: Bool
        var zone: TimeZone
        var summary: String
        var description: String
        var location: String
        var url: String
        var organizerName: String
        var organizerEmail: String
        var status: String
        var conference: String?
        /// The invited person, in invitations sent by mail (METHOD:REQUEST).
        var attendee: (name: String, email: String)? = nil
    }

    var name: String
    var method: String = "PUBLISH"
    var events: [Event] = []

    func render() -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Focal//Focal secretariat platform//EN", "CALSCALE:GREGORIAN",
            "METHOD:\(method)", "X-WR-CALNAME:" + Self.escape(name),
        ]
        for event in events { lines += Self.lines(for: event) }
        lines.append("END:VCALENDAR")
        return lines.map(Self.fold).joined(separator: "\r\n") + "\r\n"
    }

    private static func lines(for event: Event) -> [String] {
        var lines = ["BEGIN:VEVENT", "UID:" + event.uid, "DTSTAMP:" + utc(event.stamp), "SEQUENCE:\(event.sequence)"]
        if event.allDay {
            let first = MeetingTime.local(event.start, in: event.zone).date
            let after = MeetingTime.local(event.end ?? event.start.addingTimeInterval(86_400), in: event.zone).date
            lines.append("DTSTART;VALUE=DATE:" + first.replacingOccurrences(of: "-", with: ""))
            lines.append("DTEND;VALUE=DATE:" + (after > first ? after : nextDay(first)).replacingOccurrences(of: "-", with: ""))
        } else {
            // UTC instants need no VTIMEZONE and mean the same in every calendar program.
            lines.append("DTSTART:" + utc(event.start))
            if let end = event.end { lines.append("DTEND:" + utc(end)) }
        }
        lines.append("SUMMARY:" + escape(event.summary))
        if !event.description.isEmpty { lines.append("DESCRIPTION:" + escape(event.description)) }
        if !event.location.isEmpty { lines.append("LOCATION:" + escape(event.location)) }
        lines.append("URL:" + event.url)
        if !event.organizerEmail.isEmpty {
            lines.append("ORGANIZER;CN=\"\(event.organizerName.replacingOccurrences(of: "\"", with: "'"))\":mailto:" + event.organizerEmail)
        }
        if let attendee = event.attendee {
            lines.append(
                "ATTENDEE;CN=\"\(attendee.name.replacingOccurrences(of: "\"", with: "'"))\";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:"
                    + attendee.email)
        }
        if let conference = event.conference, !conference.isEmpty {
            lines.append("CONFERENCE;VALUE=URI;FEATURE=VIDEO:" + conference)
        }
        lines += ["STATUS:" + event.status, "END:VEVENT"]
        return lines
    }

    private static func nextDay(_ day: String) -> String {
        guard let date = MeetingTime.instant(date: day, time: nil, in: TimeZone.gmt) else { return day }
        return MeetingTime.local(date.addingTimeInterval(86_400), in: TimeZone.gmt).date
    }

    static func utc(_ date: Date) -> String {
        let utc = MeetingTime.local(date, in: TimeZone.gmt)
        let seconds = Int(date.timeIntervalSince1970) % 60
        return utc.date.replacingOccurrences(of: "-", with: "") + "T" + utc.time.replacingOccurrences(of: ":", with: "")
            + String(format: "%02dZ", seconds)
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\r\n", with: "\\n")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Folds a content line into pieces of at most 75 octets, never splitting a UTF-8 character.
    static func fold(_ line: String) -> String {
        var pieces: [String] = []
        var current = ""
        var size = 0
        for character in line {
            let length = String(character).utf8.count
            let limit = pieces.isEmpty ? 75 : 74
            if size + length > limit {
                pieces.append(current)
                current = ""
                size = 0
            }
            current.append(character)
            size += length
        }
        pieces.append(current)
        return pieces.joined(separator: "\r\n ")
    }

    static func mimeType() -> String { "text/calendar; charset=utf-8" }
}
