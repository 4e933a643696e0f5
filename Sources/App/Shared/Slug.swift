import Foundation

/// URL names: lowercase ASCII letters, digits and single hyphens.
enum Slug {
    static func make(from text: String) -> String {
        var slug = ""
        for scalar in text.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String(slug.prefix(100))
    }

    static func isValid(_ slug: String) -> Bool {
        !slug.isEmpty && slug.count <= 120 && !slug.hasPrefix("-") && !slug.hasSuffix("-") && !slug.contains("--")
            && slug.allSatisfy { ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "-" }
    }
}
