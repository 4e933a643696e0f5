import Fluent
import Vapor

/// The slug field of the admin forms of records reached by their slug in a URL.
enum SlugCheck {
    /// The slug the form asks for: the one typed, or one made from the field named `source`.
    static func requested(in input: [String: String], from source: String) -> String {
        input.text("slug").isEmpty ? Slug.make(from: input.text(source)) : input.text("slug")
    }

    /// Puts an error under "slug" when the slug is malformed or another record of the model has it.
    static func check<M: Model>(
        _ slug: String, _ field: KeyPath<M, FieldProperty<M, String>>, existing: M?, req: Request, errors: inout FieldErrors
    ) async throws {
        if !Slug.isValid(slug) {
            errors["slug"] = req.t("validation.slug")
        } else if let other = try await M.query(on: req.db).filter(field == slug).first(), other.id != existing?.id {
            errors["slug"] = req.t("validation.slug_taken")
        }
    }

    /// What a unique-index failure on the slug means to the person filling in the form.
    static func taken(_ req: Request) -> FieldErrors {
        FieldErrors(["slug": req.t("validation.slug_taken")])
    }
}
