/// One input of an admin form: what it is called, what it accepts and how it is shown.
struct FieldSpec: Sendable {
    enum Kind: Sendable {
        case text
        case textarea
        case email
        case url
        case date
        case password
        case time
        case select([SelectOption])
        /// Checkboxes posted as `name__value`; the field's value is the chosen values joined by commas.
        case multiSelect([SelectOption])
    }

    let name: String
    let labelKey: String
    let kind: Kind
    var required = false
    var maxLength = 200
    var hintKey: String? = nil
}

struct SelectOption: Sendable, Encodable {
    let value: String
    let label: String
}

extension FieldSpec {
    /// A select over an enum's raw values, labelled from `prefix.rawValue` interface strings.
    static func choice<E: RawRepresentable & CaseIterable>(
        _ name: String, _ labelKey: String, _ type: E.Type, labelPrefix: String, required: Bool = true, t: (String) -> String,
        hintKey: String? = nil
    ) -> FieldSpec where E.RawValue == String {
        let options = E.allCases.map { SelectOption(value: $0.rawValue, label: t(labelPrefix + $0.rawValue)) }
        return FieldSpec(
            name: name, labelKey: labelKey, kind: .select((required ? [] : [SelectOption(value: "", label: "—")]) + options),
            required: required, hintKey: hintKey)
    }
}
