import Foundation

/// Who came, computed from the attendance record: delegates present and member states
/// represented against those invited.
struct AttendanceSummary {
    struct CountryLine {
        let country: Country
        let invited: Int
        let present: Int
        let absent: Int
        let excused: Int
        var represented: Bool { present > 0 }
    }

    let lines: [CountryLine]
    let delegatesPresent: Int
    let participantsPresent: Int
    let recorded: Bool

    var statesInvited: Int { lines.count }
    var statesRepresented: Int { lines.filter(\.represented).count }
    var representedCountries: [Country] { lines.filter(\.represented).map(\.country) }
    var absentCountries: [Country] { lines.filter { !$0.represented }.map(\.country) }

    init(_ record: MeetingRecord) {
        let invitedIDs = Set(record.invitedCountries.compactMap(\.id))
        lines = record.invitedCountries.map { country in
            let mine = record.participations.filter { $0.$country.id == country.id }
            return CountryLine(
                country: country, invited: mine.count, present: mine.filter { $0.attendance == .present }.count,
                absent: mine.filter { $0.attendance == .absent }.count, excused: mine.filter { $0.attendance == .excused }.count)
        }
        let present = record.participations.filter { $0.attendance == .present }
        participantsPresent = present.count
        delegatesPresent = present.filter { $0.$country.id.map(invitedIDs.contains) ?? false }.count
        recorded = record.participations.contains { $0.attendance != nil }
    }
}
