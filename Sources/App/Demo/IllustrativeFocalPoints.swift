import Fluent
import Foundation

/// The seed names no National Focal Point. So that the registry can be tried, the demo appoints an
/// illustrative one per country, marked as such wherever it is shown, with example.org contacts.
enum IllustrativeFocalPoints {
    static func load(countries: [String: Country], recorder: DemoRecorder) async throws -> [String: Person] {
        var people: [String: Person] = [:]
        for country in countries.values.sorted(by: { $0.code < $1.code }) {
            let person = Person(
                nameEn: "Illustrative focal point, \(country.nameEn)", nameZh: "示例国家联络人（\(country.nameZh)）", illustrative: true)
            try await recorder.save(person, entity: "person", summary: person.nameEn)
            let appointment = FocalPointAppointment(
                countryID: country.savedID, personID: person.savedID, roleType: .national, rank: .primary, status: .active,
                illustrative: true)
            try await recorder.save(appointment, entity: "focal_point", summary: "National Focal Point, \(country.nameEn) (illustrative)")
            let code = country.code.lowercased()
            for (kind, value, visibility) in [
                (ContactKind.email, "nfp.\(code)@example.org", Visibility.network), (.phone, "+00 000 0000", .secretariat),
            ] {
                try await recorder.save(
                    ContactPoint(personID: person.savedID, kind: kind, value: value, visibility: visibility), entity: "contact_point",
                    summary: "\(kind.rawValue) (illustrative)")
            }
            people[country.code] = person
        }
        return people
    }
}
