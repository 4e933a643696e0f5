import Leaf
import Vapor

/// `#t("key")` in templates: the interface string in the reader's language.
struct TranslateTag: LeafTag {
    func render(_ ctx: LeafContext) throws -> LeafData {
        guard let key = ctx.parameters.first?.string else {
            throw Abort(.internalServerError, reason: "#t needs a string key")
        }
        guard let request = ctx.request else { return .string(key) }
        return .string(request.t(key))
    }
}
