import Foundation
import Vapor

extension Request {
    /// A filter of the query string: nil when absent or empty. A value that cannot be read (bytes
    /// that are not UTF-8) or lacks the documented form is a 422 naming the parameter, never
    /// ignored (an ignored filter would answer with everything). A well-formed value that matches
    /// nothing filters to nothing.
    func filterParameter(_ name: String, pattern: String) throws -> String? {
        guard let raw = url.query,
            raw.split(separator: "&").contains(where: { $0 == name || $0.hasPrefix(name + "=") })
        else { return nil }
        guard let value = try? query.get(String.self, at: name) else {
            throw FieldErrors([name: t("error.malformed_parameter")])
        }
        if value.isEmpty { return nil }
        guard value.range(of: pattern, options: .regularExpression) != nil else {
            throw FieldErrors([name: t("error.malformed_parameter")])
        }
        return value
    }
}
