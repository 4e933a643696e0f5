import Foundation

/// URL names: lowercase ASCII letters, digits and single hyphens.
enum Slug {
    /// Chinese and other scripts are written in Latin letters first (东盟 -> dong meng), so a
    /// title in any language gets a readable address.
    static func make(from text: String) -> String {
        let latin = text.applyingTransform(StringTransform("Any-Latin; Latin-ASCII"), reverse: false) ?? text
        var slug = ""
        for scalar in latin.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String(slug.prefix(100))
    }

    /// `base`, or `base-2`, `base-3`... the first that `isTaken` does not claim.
    static func firstFree(_ base: String, isTaken: (String) async throws -> Bool) async throws -> String {
        guard try await isTaken(base) else { return base }
        for n in 2...1_000 {
            let candidate = String(base.prefix(100 - 5)) + "-\(n)"
            if try await !isTaken(candidate) { return candidate }
        }
        return String(base.prefix(80)) + "-" + UUID().uuidString.prefix(8).lowercased()
    }

    static func isValid(_ slug: String) -> Bool {
        !slug.isEmpty && slug.count <= 120 && !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
            && slug.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}
