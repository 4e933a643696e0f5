import Foundation

struct FileEntry: Encodable {
    let language: String
    let filename: String
    let contentType: String
    let size: String
    let sha256: String
    let href: String
    /// For staff: whether the file's text was read for search, and if not, why.
    var textStatus: String? = nil
}

struct VersionEntry: Encodable {
    let number: Int
    let date: String
    let changeNote: String
    let createdBy: String?
    let files: [FileEntry]
}

struct DocumentPageContext: Encodable {
    let chrome: Chrome
    let title: String
    let otherTitle: String?
    let type: String
    let lifecycle: String
    let adoptedOn: String?
    let access: String
    let description: String
    let versions: [VersionEntry]
    let meetings: [MeetingSummaryEntry]
    let canManage: Bool
    let adminHref: String
    /// The text as adopted by a silence procedure, for everyone who may read the document.
    let adoptedText: [RoundPage.Paragraph]
    /// The document's consultation, for the secretariat and the focal points it was circulated to.
    let consultationHref: String?
}

struct DocumentListContext: Encodable {
    struct Group: Encodable {
        let heading: String
        let documents: [DocumentEntry]
    }
    let chrome: Chrome
    let query: String
    let groups: [Group]
    let total: Int
}

struct DocumentFilesContext: Encodable {
    let chrome: Chrome
    let csrf: String
    let title: String
    let editHref: String
    let publicHref: String
    let linkHref: String
    let action: String
    let versions: [VersionEntry]
    let maxSize: String
    let errors: [String: String]
    let changeNote: String
}

enum ByteSize {
    static func format(_ bytes: Int) -> String {
        if bytes < 1_024 { return "\(bytes) B" }
        if bytes < 1_048_576 { return String(format: "%.1f KB", Double(bytes) / 1_024) }
        return String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }
}
