enum DocumentType: String, Codable, CaseIterable, Sendable {
    case strategy
    case actionPlan = "action_plan"
    case agenda
    case conceptNote = "concept_note"
    case outcomeDocument = "outcome_document"
    case meetingReport = "meeting_report"
    case presentation
    case letter
    case newsletter
}

enum DocumentLifecycle: String, Codable, CaseIterable, Sendable {
    case draft
    case forComment = "for_comment"
    case final
    case adopted
}

/// What a linked document is attached to.
enum DocumentLinkTarget: String, Codable, CaseIterable, Sendable {
    case meeting
    case agendaItem = "agenda_item"
}
