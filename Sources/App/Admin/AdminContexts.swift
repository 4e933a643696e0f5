import Vapor

struct FieldView: Encodable {
    struct OptionView: Encodable {
        let value: String
        let label: String
        let selected: Bool
    }

    let name: String
    let label: String
    let kind: String
    let value: String
    let required: Bool
    let maxLength: Int
    let error: String?
    let hint: String?
    let options: [OptionView]

    static func make(_ specs: [FieldSpec], values: [String: String], errors: FieldErrors, t: (String) -> String) -> [FieldView] {
        specs.map { spec in
            let value = values[spec.name] ?? ""
            var kind = "text"
            var options: [OptionView] = []
            switch spec.kind {
            case .text: kind = "text"
            case .textarea: kind = "textarea"
            case .email: kind = "email"
            case .url: kind = "url"
            case .date: kind = "date"
            case .password: kind = "password"
            case .time: kind = "time"
            case .select(let choices):
                kind = "select"
                options = choices.map { OptionView(value: $0.value, label: $0.label, selected: $0.value == value) }
            case .multiSelect(let choices):
                kind = "checkboxes"
                let chosen = Set(value.split(separator: ",").map(String.init))
                options = choices.map { OptionView(value: $0.value, label: $0.label, selected: chosen.contains($0.value)) }
            }
            return FieldView(
                name: spec.name, label: t(spec.labelKey), kind: kind, value: kind == "password" ? "" : value, required: spec.required,
                maxLength: spec.maxLength, error: errors[spec.name], hint: spec.hintKey.map(t), options: options)
        }
    }
}

/// A group of fields, the context of the `partials/fields` template.
struct FormFields: Encodable {
    let fields: [FieldView]
}

struct AuditRow: Encodable {
    struct Change: Encodable {
        let field: String
        let before: String
        let after: String
    }

    let when: String
    let actor: String
    let action: String
    let entity: String
    let summary: String
    let changes: [Change]
    /// The names of the changed fields, the summary the changes fold under.
    let changedFields: String

    init(_ entry: AuditEntry, _ req: Request) {
        when = LocalizedDate.format(entry.occurredAt, req.language)
        actor = entry.actor
        action = req.t("audit.action." + entry.action)
        entity = req.t("entity." + entry.entityType)
        summary = entry.summary
        let before = AuditEntry.decode(entry.before)
        let after = AuditEntry.decode(entry.after)
        changes = Set(before.keys).union(after.keys).sorted().compactMap { key in
            let old = before[key] ?? ""
            let new = after[key] ?? ""
            return old == new
                ? nil : Change(field: req.application.localizer.fieldLabel(key, req.language), before: old, after: new)
        }
        changedFields = changes.map(\.field).joined(separator: ", ")
    }
}

struct AdminFormContext: Encodable {
    let chrome: Chrome
    let heading: String
    let action: String
    let csrf: String
    let form: FormFields
    let hasErrors: Bool
    let listHref: String
    /// Where to go after saving, when the form was opened from another page (a meeting's hub).
    var returnTo: String? = nil
    let endAction: String?
    let isEnded: Bool
    let recent: [AuditRow]
    /// Pages about the record beyond its form (a subscriber's consent ledger).
    var related: [RelatedLink] = []
}

struct RelatedLink: Encodable {
    let label: String
    let href: String
}

struct AdminListContext: Encodable {
    struct Row: Encodable {
        let cells: [String]
        let editHref: String
        let ended: Bool
    }

    let chrome: Chrome
    let heading: String
    let slug: String
    let query: String
    let newHref: String
    let columns: [String]
    let rows: [Row]
    let paging: ListPaging
    /// The search matched more records than the index counts (`SearchResults.countLimit`).
    var capped = false
}
