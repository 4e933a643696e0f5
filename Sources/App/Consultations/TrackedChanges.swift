import Fluent
import Vapor

/// The changes between two versions of a draft, word by word, paragraph by paragraph (matched by
/// their number), each changed paragraph with the comments whose wording made it.
enum TrackedChanges {
    struct Change: Encodable {
        let number: String?
        let heading: Bool
        let kind: String
        let pieces: [WordDiff.Piece]
        let sources: [String]
    }

    struct Page: Encodable {
        struct VersionChoice: Encodable {
            let number: Int
            let fromSelected: Bool
            let toSelected: Bool
        }
        let chrome: Chrome
        let heading: String
        let documentHref: String
        let from: Int
        let to: Int
        let versions: [VersionChoice]
        let changes: [Change]
        let insertions: Int
        let deletions: Int
        let action: String
    }

    /// Paragraphs matched by number (headings by their order among headings), in the new version's
    /// order, with the old version's paragraphs that are gone shown removed where they stood.
    static func changes(old: [DraftParagraph], new: [DraftParagraph]) -> [(DraftParagraph?, DraftParagraph?)] {
        func key(_ p: DraftParagraph, _ all: [DraftParagraph]) -> String {
            if let number = p.number { return "p" + number }
            return "h\(all.filter { $0.kind == .heading }.firstIndex { $0.id == p.id } ?? 0)"
        }
        let oldByKey = Dictionary(old.map { (key($0, old), $0) }, uniquingKeysWith: { a, _ in a })
        let newKeys = Set(new.map { key($0, new) })
        var pairs: [(DraftParagraph?, DraftParagraph?)] = []
        var pendingRemoved = old.filter { !newKeys.contains(key($0, old)) }
        for paragraph in new {
            let k = key(paragraph, new)
            if let match = oldByKey[k] {
                while let first = pendingRemoved.first, first.position < match.position {
                    pairs.append((first, nil))
                    pendingRemoved.removeFirst()
                }
            }
            pairs.append((oldByKey[k], paragraph))
        }
        pairs += pendingRemoved.map { ($0, nil) }
        return pairs
    }

    static func page(_ req: Request, document: Document, old: DraftVersion, new: DraftVersion, versions: [DraftVersion]) async throws
        -> Page
    {
        let before = try await DraftEditing.paragraphs(of: old.savedID, on: req.db)
        let after = try await DraftEditing.paragraphs(of: new.savedID, on: req.db)
        let sourceIDs = after.flatMap(\.commentIDs)
        let comments = try await AnswerComment.query(on: req.db).filter(\.$id ~~ sourceIDs).all()
        let answers = try await CountryAnswer.query(on: req.db).filter(\.$id ~~ comments.map(\.$answer.id)).with(\.$country).with(\.$round)
            .all()
        func source(_ id: UUID) -> String? {
            guard let comment = comments.first(where: { $0.id == id }), let answer = answers.first(where: { $0.id == comment.$answer.id })
            else {
                return nil
            }
            return req.t(
                "consultation.change_source",
                ["country": answer.country.name(req.language), "round": "\(answer.round.number)", "paragraph": comment.paragraphNumber])
        }
        var insertions = 0
        var deletions = 0
        let changes = Self.changes(old: before, new: after).map { pair -> Change in
            let (a, b) = pair
            let pieces = WordDiff.diff(a?.textEn ?? "", b?.textEn ?? "")
            insertions += pieces.filter { $0.kind == .added }.count
            deletions += pieces.filter { $0.kind == .removed }.count
            let kind = a == nil ? "added" : b == nil ? "removed" : pieces.contains { $0.kind != .same } ? "changed" : "same"
            return Change(
                number: (b ?? a)?.number, heading: (b ?? a)?.kind == .heading, kind: kind, pieces: pieces,
                sources: kind == "same" ? [] : (b?.commentIDs ?? []).compactMap(source))
        }
        let title = req.t("consultation.compare_heading", ["from": "\(old.number)", "to": "\(new.number)"])
        return Page(
            chrome: try await Chrome.make(for: req, title: title), heading: title + req.t("punct.colon") + document.title(req.language),
            documentHref: "/consultations/documents/" + document.savedID.uuidString, from: old.number, to: new.number,
            versions: versions.map { .init(number: $0.number, fromSelected: $0.number == old.number, toSelected: $0.number == new.number) },
            changes: changes, insertions: insertions, deletions: deletions,
            action: "/consultations/documents/\(document.savedID.uuidString)/compare")
    }
}
