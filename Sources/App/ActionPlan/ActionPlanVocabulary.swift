/// IATI's activity status codelist, with its codes for the export.
enum ActivityStatus: String, Codable, CaseIterable, Sendable {
    case pipeline
    case implementation
    case finalisation
    case closed
    case cancelled
    case suspended

    var iatiCode: Int { (ActivityStatus.allCases.firstIndex(of: self) ?? 0) + 1 }
}

enum IndicatorMeasure: String, Codable, CaseIterable, Sendable {
    case unit
    case percentage
    case qualitative

    /// IATI's indicator measure codelist.
    var iatiCode: Int {
        switch self {
        case .unit: return 1
        case .percentage: return 2
        case .qualitative: return 5
        }
    }
}

enum IndicatorDirection: String, Codable, CaseIterable, Sendable {
    case increase
    case decrease
}

enum ReportStatus: String, Codable, CaseIterable, Sendable {
    case draft
    case submitted
    case validated
}

/// IATI's organisation role codelist.
enum ActivityRole: String, Codable, CaseIterable, Sendable {
    case funding
    case accountable
    case extending
    case implementing

    var iatiCode: Int { (ActivityRole.allCases.firstIndex(of: self) ?? 0) + 1 }
}

/// What evidence of an activity points to.
enum EvidenceTarget: String, Codable, CaseIterable, Sendable {
    case meeting
    case outcome
    case document
    case article
}
