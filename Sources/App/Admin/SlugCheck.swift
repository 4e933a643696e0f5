import Fluent
import Vapor

/// The slug field of the admin forms of records reached by their slug in a URL.
enum SlugCheck {
    /// The slug the form asks for: the one typed, or one made from the field named `source`.
    static func requested(in input: [String: String], from source: String) -> String {
        input.text("slug").isEmpty ? Slug.make(from: input.text(source)) : input.text("slug")
    }

    /// Puts an error under "slug" when the slug is malformed or another record of the model has it.
    /// The slug a new record gets when none is typed: made from `source` and followed by -2, -3...
    /// when another record has it. A typed slug is left as typed (and refused if taken).
    static func fillIn<M: Model>(
        _ input: inout [String: String], from source: String, _ field: KeyPath<M, FieldProperty<M, String>>, existing: M?,
        on db: any Database
    ) async throws {
        guard existing == nil, input.text("slug").isEmpty else { return }
        let made = Slug.make(from: input.text(source))
        guard Slug.isValid(made) else { return }
        input["slug"] = try await Slug.firstFree(made) { try await M.query(on: db).filter(field == $0).count() > 0 }
    }

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
