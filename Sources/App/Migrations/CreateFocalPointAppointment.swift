import Fluent
import SQLKit

struct CreateFocalPointAppointment: AsyncMigration {
    static let activePrimaryIndex = "uq_focal_point_active_primary"

    func prepare(on database: any Database) async throws {
        try await database.schema(FocalPointAppointment.schema)
            .id()
            .field("country_id", .uuid, .required, .references(Country.schema, .id, onDelete: .restrict))
            .field("person_id", .uuid, .required, .references(Person.schema, .id, onDelete: .restrict))
            .field("role_type", .string, .required)
            .field("rank", .string, .required)
            .field("status", .string, .required)
            .field("start_date", .string)
            .field("end_date", .string)
            .field("nomination_letter", .string, .required)
            .field("illustrative", .bool, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        // A partial unique index: both SQLite and PostgreSQL enforce "one active primary per
        // country and role type" under concurrent writes, which an application check cannot.
        try await (try database.sql).raw(
            """
            CREATE UNIQUE INDEX \(unsafeRaw: Self.activePrimaryIndex) ON \(ident: FocalPointAppointment.schema) (country_id, role_type)
            WHERE status = 'active' AND rank = 'primary'
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await (try database.sql).raw("DROP INDEX IF EXISTS \(unsafeRaw: Self.activePrimaryIndex)").run()
        try await database.schema(FocalPointAppointment.schema).delete()
    }
}
