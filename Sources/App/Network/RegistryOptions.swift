import Fluent
import Vapor

/// Choices of registry records for select fields.
enum RegistryOptions {
    static func people(_ req: Request) async throws -> [SelectOption] {
        try await Person.query(on: req.db).sort(\.$nameEn).all().map {
            SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language))
        }
    }

    static func countries(_ req: Request) async throws -> [SelectOption] {
        try await Country.query(on: req.db).sort(\.$nameEn).all().map {
            SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language))
        }
    }

    static func organisations(_ req: Request) async throws -> [SelectOption] {
        try await Organisation.query(on: req.db).sort(\.$nameEn).all().map {
            SelectOption(value: $0.savedID.uuidString, label: $0.name(req.language) + ($0.acronym.isEmpty ? "" : " (\($0.acronym))"))
        }
    }

    static func meetings(_ req: Request) async throws -> [SelectOption] {
        try await Meeting.query(on: req.db).sort(\.$startsAt, .descending).all().map {
            SelectOption(value: $0.savedID.uuidString, label: $0.title(req.language) + (MeetingTime.year($0).map { " (\($0))" } ?? ""))
        }
    }

    static func optional(_ options: [SelectOption], _ req: Request) -> [SelectOption] {
        [SelectOption(value: "", label: req.t("option.none"))] + options
    }
}
