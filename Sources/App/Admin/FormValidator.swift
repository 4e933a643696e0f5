import Foundation

/// The checks every form field gets from its spec: presence, length, format, known choices and
/// dates in order. Feature-specific checks add to the same errors.
enum FormValidator {
    static func normalise(_ raw: [String: String], fields: [FieldSpec]) -> [String: String] {
        var input: [String: String] = [:]
        for field in fields {
            let value = raw[field.name] ?? ""
            if case .multiSelect(let options) = field.kind {
                input[field.name] = options.map(\.value).filter { raw[field.name + "__" + $0] != nil }.joined(separator: ",")
            } else if case .password = field.kind {
                input[field.name] = value
            } else {
                // Browsers send a textarea's lines ending in CR LF; text is kept with LF alone, so
                // an unchanged line never differs from its stored self.
                input[field.name] = value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
                    .trimmingCharacters(in: .whitespacesAndNewlines)
            }
        }
        return input
    }

    static func validate(_ input: [String: String], fields: [FieldSpec], t: (String) -> String) -> FieldErrors {
        var errors = FieldErrors()
        for field in fields {
            let value = input[field.name] ?? ""
            if value.isEmpty {
                if field.required { errors[field.name] = t("validation.required") }
                continue
            }
            // Chosen values are checked against the options instead: a length limit would refuse
            // choosing more than a few of them (each id is 36 characters).
            var isChoices = false
            if case .multiSelect = field.kind { isChoices = true }
            if !isChoices, value.count > field.maxLength {
                errors[field.name] = t("validation.too_long").replacingOccurrences(of: "{max}", with: "\(field.maxLength)")
                continue
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\r" && $0 != "\t" })
            {
                errors[field.name] = t("validation.control_characters")
                continue
            }
            switch field.kind {
            case .email where !isEmail(value): errors[field.name] = t("validation.email")
            case .url where !isWebURL(value): errors[field.name] = t("validation.url")
            case .date where CalendarDate(value) == nil: errors[field.name] = t("validation.date")
            case .password where value.count < 10: errors[field.name] = t("validation.password_short")
            case .select(let options) where !options.contains(where: { $0.value == value }): errors[field.name] = t("validation.choice")
            case .multiSelect(let options) where !value.split(separator: ",").allSatisfy({ part in options.contains { $0.value == part } }):
                errors[field.name] = t("validation.choice")
            case .time where MeetingTime.parseTime(value) == nil: errors[field.name] = t("validation.time")
            default: break
            }
        }
        if let start = input["start_date"].flatMap(CalendarDate.init), let end = input["end_date"].flatMap(CalendarDate.init), end < start {
            errors["end_date"] = t("validation.end_before_start")
        }
        return errors
    }

    /// Digits with spaces, "+", "-" and brackets, at least five digits: "+86-010-82268221".
    static func isPhone(_ value: String) -> Bool {
        value.allSatisfy { ($0.isASCII && $0.isNumber) || " +-()".contains($0) } && value.filter(\.isNumber).count >= 5
    }

    static func isEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
            !value.contains(where: { $0.isWhitespace || "<>()[],;:\"\\".contains($0) })
        else { return false }
        return true
    }

    static func isWebURL(_ value: String) -> Bool {
        guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            return false
        }
        return true
    }
}
