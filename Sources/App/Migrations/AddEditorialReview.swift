import Fluent
import SQLKit

/// Review means review: an issue remembers who submitted it, and the centre's settings say whether
/// a one-person secretariat may approve its own submissions.
struct AddEditorialReview: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(NewsletterIssue.schema).field("submitted_by_id", .uuid).update()
        try await database.schema(CentreProfile.schema)
            .field("issues_self_approval", .bool, .required, .sql(.default(SQLLiteral.boolean(false)))).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(NewsletterIssue.schema).deleteField("submitted_by_id").update()
        try await database.schema(CentreProfile.schema).deleteField("issues_self_approval").update()
    }
}
