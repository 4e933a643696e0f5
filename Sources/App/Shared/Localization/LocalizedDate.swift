import Foundation

/// Dates written as readers of each language expect: "23 July 2021", "2021年7月23日".
enum LocalizedDate {
    private static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// Formats a calendar date stored as `yyyy-MM-dd`; anything else is returned unchanged.
    static func format(_ isoDate: String?, _ language: Language) -> String? {
        guard let isoDate, let parts = CalendarDate(isoDate) else { return isoDate }
        switch language {
        case .en: return "\(parts.day) \(englishMonths[parts.month - 1]) \(parts.year)"
        case .zh: return "\(parts.year)年\(parts.month)月\(parts.day)日"
        }
    }

    /// The day of an instant (UTC), without its time: "1 December 2026".
    static func day(_ instant: Date, _ language: Language) -> String {
        let c = components(instant)
        let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return format(day, language) ?? day
    }

    private static func components(_ instant: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.gmt
        return calendar.dateComponents([.year, .month, .day, .hour, .minute], from: instant)
    }

    static func format(_ instant: Date, _ language: Language) -> String {
        let c = components(instant)
        let time = String(format: "%02d:%02d UTC", c.hour ?? 0, c.minute ?? 0)
        let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
        return (format(day, language) ?? day) + " " + time
    }
}

/// A calendar date without time of day, as stored in `yyyy-MM-dd` columns.
struct CalendarDate: Comparable {
    let year: Int
    let month: Int
    let day: Int

    init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), day >= 1, day <= CalendarDate.daysIn(month: month, year: year)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    static func today() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.gmt
        let c = calendar.dateComponents([.year, .month, .day], from: Date())
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}
