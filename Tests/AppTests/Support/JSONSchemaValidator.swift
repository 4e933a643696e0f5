import Foundation

/// A small, strict JSON Schema validator for the subset the OpenAPI document uses: `$ref` to
/// `#/components/schemas/...`, `type` (string or array, with "null"), `properties`, `required`,
/// `additionalProperties: false`, `items`, `enum`, `pattern`, `oneOf` (exactly one alternative must
/// match), `format` uuid, date, date-time and uri. A schema
/// keyword it does not know is itself reported, so an unsupported schema cannot pass silently.
struct JSONSchemaValidator {
    let document: [String: Any]

    static let knownKeywords: Set<String> = [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "pattern", "format", "description", "oneOf",
    ]

    /// Every violation found, each with the JSON path where it occurs; empty means valid.
    func validate(_ value: Any, against schema: [String: Any], at path: String = "$") -> [String] {
        var errors: [String] = []
        for keyword in schema.keys where !Self.knownKeywords.contains(keyword) {
            errors.append("\(path): unsupported schema keyword \(keyword)")
        }
        if let ref = schema["$ref"] as? String {
            guard let resolved = resolve(ref) else { return errors + ["\(path): unresolvable $ref \(ref)"] }
            return errors + validate(value, against: resolved, at: path)
        }
        if let oneOf = schema["oneOf"] {
            // Exactly one alternative must accept the value: none or several is a violation.
            guard let alternatives = oneOf as? [[String: Any]], !alternatives.isEmpty else {
                return errors + ["\(path): oneOf must list at least one schema"]
            }
            let matching = alternatives.filter { validate(value, against: $0, at: path).isEmpty }.count
            if matching != 1 {
                errors.append("\(path): \(matching) of the \(alternatives.count) oneOf alternatives match, exactly one must")
            }
        }
        if let type = schema["type"] {
            let allowed = (type as? [String]) ?? [(type as? String) ?? "?"]
            let actual = Self.typeName(of: value)
            let matches = allowed.contains(actual) || (actual == "integer" && allowed.contains("number"))
            if !matches { return errors + ["\(path): expected \(allowed.joined(separator: "|")), found \(actual)"] }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { Self.equal($0, value) }) {
            errors.append("\(path): \(value) is not one of the allowed values")
        }
        if let text = value as? String {
            if let pattern = schema["pattern"] as? String {
                if text.range(of: pattern, options: .regularExpression) == nil {
                    errors.append("\(path): '\(text)' does not match \(pattern)")
                }
            }
            switch schema["format"] as? String {
            case "uuid" where UUID(uuidString: text) == nil: errors.append("\(path): '\(text)' is not a uuid")
            case "date" where !Self.isDate(text): errors.append("\(path): '\(text)' is not a date")
            case "date-time" where !Self.isDateTime(text): errors.append("\(path): '\(text)' is not an RFC 3339 date-time")
            case "uri" where !Self.isURI(text): errors.append("\(path): '\(text)' is not an absolute URI")
            case nil, "uuid", "date", "date-time", "uri": break
            case let other?: errors.append("\(path): unsupported format \(other)")
            }
        }
        if let object = value as? [String: Any], !(value is NSNull) {
            let properties = schema["properties"] as? [String: [String: Any]] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil {
                errors.append("\(path): missing required property \(name)")
            }
            for (name, member) in object.sorted(by: { $0.key < $1.key }) {
                if let propertySchema = properties[name] {
                    errors += validate(member, against: propertySchema, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"] as? Bool, additional == false {
                    errors.append("\(path): unexpected property \(name)")
                } else if let additional = schema["additionalProperties"] as? [String: Any] {
                    errors += validate(member, against: additional, at: "\(path).\(name)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] as? [String: Any] {
            for (index, element) in array.enumerated() {
                errors += validate(element, against: items, at: "\(path)[\(index)]")
            }
        }
        return errors
    }

    func resolve(_ ref: String) -> [String: Any]? {
        let prefix = "#/components/schemas/"
        guard ref.hasPrefix(prefix) else { return nil }
        return ((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?[String(ref.dropFirst(prefix.count))]
            as? [String: Any]
    }

    static func typeName(of value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let number as NSNumber:
            if String(describing: type(of: number)).contains("Boolean") || String(cString: number.objCType) == "c" { return "boolean" }
            return number.doubleValue.rounded() == number.doubleValue ? "integer" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    static func equal(_ a: Any, _ b: Any) -> Bool {
        switch (a, b) {
        case (is NSNull, is NSNull): return true
        case (let x as String, let y as String): return x == y
        case (let x as NSNumber, let y as NSNumber): return x == y
        default: return false
        }
    }

    /// RFC 3339 `date-time`: a valid date, "T", a valid time, optional fraction, "Z" or an offset.
    static func isDateTime(_ text: String) -> Bool {
        let pattern = #"^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$"#
        guard let range = text.range(of: pattern, options: .regularExpression), range == text.startIndex..<text.endIndex else {
            return false
        }
        return isDate(String(text.prefix(10)))
    }

    /// An absolute URI: a scheme and something after it.
    static func isURI(_ text: String) -> Bool {
        guard text.range(of: #"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$"#, options: .regularExpression) != nil, let url = URL(string: text) else {
            return false
        }
        return url.scheme != nil
    }

    static func isDate(_ text: String) -> Bool {
        guard text.range(of: #"^\d{4}-\d{2}-\d{2}$"#, options: .regularExpression) != nil else { return false }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.isLenient = false
        return formatter.date(from: text).map { formatter.string(from: $0) == text } ?? false
    }
}
