import Foundation

/// Converts between a meeting's local days and times and the UTC instants stored, and writes
/// them for readers.
enum MeetingTime {
    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// `date` "yyyy-MM-dd" and optional `time` "HH:mm" in `zone`, as a UTC instant.
    static func instant(date: String, time: String?, in zone: TimeZone) -> Date? {
        guard let day = CalendarDate(date) else { return nil }
        var components = DateComponents(year: day.year, month: day.month, day: day.day, hour: 0, minute: 0)
        if let time, !time.isEmpty {
            guard let (hour, minute) = parseTime(time) else { return nil }
            components.hour = hour
            components.minute = minute
        }
        return calendar(zone).date(from: components)
    }

    static func parseTime(_ text: String) -> (Int, Int)? {
        let parts = text.split(separator: ":")
        guard text.count == 5, parts.count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]), (0..<24).contains(hour),
            (0..<60).contains(minute)
        else { return nil }
        return (hour, minute)
    }

    /// The local day ("yyyy-MM-dd") and time ("HH:mm") of an instant in a zone.
    static func local(_ instant: Date, in zone: TimeZone) -> (date: String, time: String) {
        let c = calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: instant)
        return (String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!), String(format: "%02d:%02d", c.hour!, c.minute!))
    }

    /// The last day of an all-day meeting, whose stored end is midnight after it.
    static func lastDay(_ end: Date, in zone: TimeZone) -> String {
        local(end.addingTimeInterval(-1), in: zone).date
    }

    /// "UTC+8", "UTC−3:30", "UTC".
    static func offsetLabel(_ zone: TimeZone, at instant: Date) -> String {
        let seconds = zone.secondsFromGMT(for: instant)
        guard seconds != 0 else { return "UTC" }
        let sign = seconds > 0 ? "+" : "−"
        let hours = abs(seconds) / 3600
        let minutes = abs(seconds) % 3600 / 60
        return "UTC" + sign + (minutes == 0 ? "\(hours)" : String(format: "%d:%02d", hours, minutes))
    }

    /// How the meeting's date reads in the meeting's own zone, in the reader's language.
    static func describe(_ meeting: Meeting, _ language: Language) -> String? {
        guard let start = meeting.startsAt else { return nil }
        let zone = meeting.zone
        let first = local(start, in: zone)
        let end = meeting.endsAt ?? start
        let last = meeting.allDay ? (date: lastDay(end, in: zone), time: "") : local(end, in: zone)
        let firstDay = LocalizedDate.format(first.date, language) ?? first.date
        let lastDayText = LocalizedDate.format(last.date, language) ?? last.date
        let days = first.date == last.date ? firstDay : firstDay + " – " + lastDayText
        if meeting.allDay { return days }
        let zoneText = " (\(meeting.timeZone), \(offsetLabel(zone, at: start)))"
        if first.date == last.date { return "\(firstDay), \(first.time)–\(last.time)" + zoneText }
        return "\(firstDay) \(first.time) – \(lastDayText) \(last.time)" + zoneText
    }

    static func year(_ meeting: Meeting) -> Int? {
        meeting.startsAt.map { calendar(meeting.zone).component(.year, from: $0) }
    }
}
