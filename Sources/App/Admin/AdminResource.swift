import Fluent
import Vapor

/// A registry record that staff create, edit, search and (where it has a term) end through the
/// shared admin screens. Each conformance says only what is particular to its record.
protocol AdminResource: Sendable {
    associatedtype Record: Model where Record.IDValue == UUID

    /// URL segment under /admin and the entity name in the audit log.
    static var slug: String { get }
    static var auditEntity: String { get }
    static var requiredRole: Role { get }
    static var canEnd: Bool { get }
    /// The search index's kind for this record, when the index holds it: the list's search then
    /// goes through the index (Han characters, stems, the text around the record).
    static var searchKind: SearchDocument.Kind? { get }

    static func fields(_ req: Request, editing record: Record?) async throws -> [FieldSpec]
    static func values(of record: Record) -> [String: String]
    static func apply(_ input: [String: String], to record: Record)
    /// Completes the input before it is checked (a slug made from the title when none is typed).
    static func prepare(_ input: inout [String: String], existing: Record?, on db: any Database) async throws
    /// Checks beyond the per-field ones: uniqueness, references, rules between records.
    static func check(_ input: [String: String], existing: Record?, req: Request, errors: inout FieldErrors) async throws
    /// The list's records in the list's order, with what its cells show loaded; the list reads one
    /// page of it at a time.
    static func listQuery(on db: any Database) -> QueryBuilder<Record>
    static var columnKeys: [String] { get }
    static func cells(of record: Record, _ req: Request) -> [String]
    static func label(of record: Record) -> String
    static func isEnded(_ record: Record) -> Bool
    static func end(_ record: Record, on date: String)
    /// Turns a database constraint failure into a message on a field, when it is one we expect.
    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors?
    static func beforeSave(_ record: Record, input: [String: String], req: Request) async throws
    /// Where a row of the list leads.
    static func rowHref(_ record: Record) -> String
    static func afterSave(_ record: Record, input: [String: String], req: Request, on db: any Database) async throws
    /// Fills what the form shows but the record's own columns do not hold (a subscriber's lists),
    /// whenever a record is loaded for its form, a save or an audit entry.
    static func loadExtras(_ record: Record, on db: any Database) async throws
    /// Links shown under the form of an existing record.
    static func relatedLinks(of record: Record, _ req: Request) -> [RelatedLink]
}

extension AdminResource {
    static var auditEntity: String { slug }
    static var requiredRole: Role { .editor }
    static var canEnd: Bool { false }
    static var searchKind: SearchDocument.Kind? { nil }
    static func check(_ input: [String: String], existing: Record?, req: Request, errors: inout FieldErrors) async throws {}
    static func isEnded(_ record: Record) -> Bool { false }
    static func end(_ record: Record, on date: String) {}
    static func explain(constraintFailure: any Error, input: [String: String], req: Request) -> FieldErrors? { nil }
    static func beforeSave(_ record: Record, input: [String: String], req: Request) async throws {}
    static func rowHref(_ record: Record) -> String { "/admin/\(slug)/\(record.savedID.uuidString)/edit" }
    static func afterSave(_ record: Record, input: [String: String], req: Request, on db: any Database) async throws {}
    static func prepare(_ input: inout [String: String], existing: Record?, on db: any Database) async throws {}
    static func loadExtras(_ record: Record, on db: any Database) async throws {}
    static func relatedLinks(of record: Record, _ req: Request) -> [RelatedLink] { [] }
}

extension Optional where Wrapped == String {
    /// Empty form values are stored as absent.
    var nonEmpty: String? { self.flatMap { $0.isEmpty ? nil : $0 } }
}

extension Dictionary where Key == String, Value == String {
    func text(_ key: String) -> String { self[key] ?? "" }
    func uuid(_ key: String) -> UUID? { self[key].flatMap(UUID.init(uuidString:)) }
}
