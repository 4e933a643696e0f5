import Fluent
import Foundation

/// Writing a draft's text: the version being written (never a frozen one), its paragraphs from
/// Markdown in both languages, and the next version made from a circulated one.
enum DraftEditing {
    static let maximumCharacters = 200_000

    /// The English blocks and, paired with each, its Chinese text; both languages must have the
    /// same headings and paragraphs in the same order, or the Chinese may be left empty.
    static func paragraphs(en: String, zh: String) -> Result<[(block: DraftText.Block, zh: String)], ConsultationRefusal> {
        guard en.count <= maximumCharacters else {
            return .failure(
                .init(
                    status: .unprocessableEntity, field: "text_en", key: "validation.too_long", arguments: ["max": "\(maximumCharacters)"]))
        }
        guard zh.count <= maximumCharacters else {
            return .failure(
                .init(
                    status: .unprocessableEntity, field: "text_zh", key: "validation.too_long", arguments: ["max": "\(maximumCharacters)"]))
        }
        let english = DraftText.blocks(en)
        guard english.contains(where: { $0.kind == .paragraph }) else {
            return .failure(.init(status: .unprocessableEntity, field: "text_en", key: "consultation.no_paragraphs"))
        }
        let chinese = DraftText.blocks(zh)
        if chinese.isEmpty { return .success(english.map { ($0, "") }) }
        guard chinese.map(\.kind) == english.map(\.kind) else {
            return .failure(
                .init(
                    status: .unprocessableEntity, field: "text_zh", key: "consultation.languages_differ",
                    arguments: [
                        "en": "\(english.filter { $0.kind == .paragraph }.count)",
                        "zh": "\(chinese.filter { $0.kind == .paragraph }.count)",
                    ]))
        }
        return .success(zip(english, chinese).map { ($0, $1.text) })
    }

    static func latestVersion(of documentID: UUID, on db: any Database) async throws -> DraftVersion? {
        try await DraftVersion.query(on: db).filter(\.$document.$id == documentID).sort(\.$number, .descending).first()
    }

    static func paragraphs(of versionID: UUID, on db: any Database) async throws -> [DraftParagraph] {
        try await DraftParagraph.query(on: db).filter(\.$version.$id == versionID).sort(\.$position).all()
    }

    /// Replaces the text of a version being written. A frozen version is refused: its text was
    /// circulated and never changes.
    static func replaceText(
        of version: DraftVersion, with rows: [(block: DraftText.Block, zh: String)], note: String, actor: User?, on db: any Database
    ) async throws {
        let versionID = version.savedID
        try await db.transaction { db in
            // Re-read inside the transaction: a round may have frozen it since the form was opened.
            guard let current = try await DraftVersion.find(versionID, on: db), current.frozenAt == nil else {
                throw ConsultationRefusal(status: .conflict, field: "text_en", key: "consultation.version_frozen")
            }
            let previous = try await paragraphs(of: versionID, on: db)
            let kept = Dictionary(previous.map { ($0.number ?? "", $0.fromComments) }, uniquingKeysWith: { first, _ in first })
            try await DraftParagraph.query(on: db).filter(\.$version.$id == versionID).delete()
            for (position, row) in rows.enumerated() {
                // A paragraph a revision took from a comment keeps that link while its text is unchanged.
                let from =
                    previous.first { $0.number == row.block.number && $0.textEn == row.block.text }.map { _ in
                        kept[row.block.number ?? ""] ?? ""
                    } ?? ""
                try await DraftParagraph(
                    versionID: versionID, position: position + 1, kind: row.block.kind, number: row.block.number, textEn: row.block.text,
                    textZh: row.zh, fromComments: from
                ).save(on: db)
            }
            current.note = note
            try await current.save(on: db)
            try await AuditEntry(
                actor: actor, action: "update", entityType: "draft_version", entityID: versionID.uuidString,
                summary: "version \(current.number)", before: ["paragraphs": "\(previous.count)"], after: ["paragraphs": "\(rows.count)"]
            ).save(on: db)
        }
    }

    /// The next version of a document, begun from its latest one, with the proposed wording of the
    /// chosen comments in place of the paragraphs they address.
    static func startRevision(
        of document: Document, applying comments: [AnswerComment], note: String, actor: User?, illustrative: Bool = false,
        on db: any Database
    ) async throws -> DraftVersion {
        let documentID = document.savedID
        return try await db.transaction { db in
            guard let latest = try await latestVersion(of: documentID, on: db) else {
                throw ConsultationRefusal(status: .conflict, field: "version", key: "consultation.no_version")
            }
            if try await ConsultationRound.query(on: db).filter(\.$document.$id == documentID).filter(\.$deadline > Date()).count() > 0 {
                throw ConsultationRefusal(status: .conflict, field: "version", key: "consultation.round_open")
            }
            guard latest.isFrozen else {
                throw ConsultationRefusal(
                    status: .conflict, field: "version", key: "consultation.version_open", arguments: ["number": "\(latest.number)"])
            }
            let paragraphs = try await paragraphs(of: latest.savedID, on: db)
            var byNumber: [String: [AnswerComment]] = [:]
            for comment in comments {
                guard !comment.paragraphNumber.isEmpty, !comment.proposedWording.isEmpty else {
                    throw ConsultationRefusal(status: .unprocessableEntity, field: "apply", key: "consultation.nothing_to_apply")
                }
                guard paragraphs.contains(where: { $0.number == comment.paragraphNumber }) else {
                    throw ConsultationRefusal(
                        status: .unprocessableEntity, field: "apply", key: "consultation.no_paragraph",
                        arguments: ["number": comment.paragraphNumber])
                }
                byNumber[comment.paragraphNumber, default: []].append(comment)
            }
            if let twice = byNumber.first(where: { $0.value.count > 1 }) {
                throw ConsultationRefusal(
                    status: .unprocessableEntity, field: "apply", key: "consultation.one_wording_per_paragraph",
                    arguments: ["number": twice.key])
            }
            let next = DraftVersion(documentID: documentID, number: latest.number + 1, note: note, illustrative: illustrative)
            try await next.save(on: db)
            for paragraph in paragraphs {
                let applied = paragraph.number.flatMap { byNumber[$0]?.first }
                try await DraftParagraph(
                    versionID: next.savedID, position: paragraph.position, kind: paragraph.kind, number: paragraph.number,
                    textEn: applied?.proposedWording ?? paragraph.textEn, textZh: paragraph.textZh,
                    fromComments: applied.map { $0.savedID.uuidString } ?? ""
                ).save(on: db)
            }
            try await AuditEntry(
                actor: actor, actorLabel: illustrative ? "demo loader" : nil, action: "create", entityType: "draft_version",
                entityID: next.savedID.uuidString, summary: document.titleEn + ", version \(next.number)", before: [:],
                after: ["from_version": "\(latest.number)", "applied_comments": "\(comments.count)"]
            ).save(on: db)
            return next
        }
    }

    /// A DOCX's paragraphs as draft Markdown: Word's heading and title styles become headings,
    /// every other non-empty paragraph a numbered one (a number typed at its start is its own).
    static func markdown(fromDOCX data: Data) throws -> String {
        let xml = try DocumentText.officePart(data, path: "word/document.xml")
        return try DocxParagraphs.read(xml).map { $0.heading ? "# " + $0.text : $0.text }.joined(separator: "\n\n")
    }
}
