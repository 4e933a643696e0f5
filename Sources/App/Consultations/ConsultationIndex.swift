import Fluent
import Vapor

/// The consultations a reader may open, and one document's versions and rounds.
struct ConsultationIndex: Encodable {
    struct RoundRow: Encodable {
        let href: String
        let document: String
        let number: Int
        let mode: String
        let deadline: String
        let open: Bool
        let outcome: String?
        let illustrative: Bool
    }

    struct DocumentRow: Encodable {
        let href: String
        let title: String
        let lifecycle: String
        let versions: Int
    }

    let chrome: Chrome
    let rounds: [RoundRow]
    let documents: [DocumentRow]
    let candidates: [DocumentRow]
    let isStaff: Bool

    static func rounds(_ req: Request, caller: ConsultationRules.Caller, documentID: UUID? = nil) async throws -> [RoundRow] {
        var query = ConsultationRound.query(on: req.db).with(\.$document)
        if let documentID { query = query.filter(\.$document.$id == documentID) }
        var rounds = try await query.sort(\.$deadline, .descending).all()
        if !caller.isStaff {
            let invited = Set(
                try await RoundCountry.query(on: req.db).filter(\.$country.$id ~~ Array(caller.countries)).all().map(\.$round.id))
            rounds = rounds.filter { invited.contains($0.savedID) }
        }
        let now = Date()
        return rounds.map { round in
            RoundRow(
                href: "/consultations/rounds/" + round.savedID.uuidString, document: round.document.title(req.language),
                number: round.number,
                mode: req.t("consultation.mode." + round.mode.rawValue),
                deadline: ConsultationFormat.deadline(
                    round.deadline, zone: TimeZone(identifier: round.timeZone) ?? .gmt, language: req.language),
                open: round.isOpen(at: now),
                outcome: round.adopted.map {
                    $0
                        ? req.t("consultation.adopted_on", ["date": LocalizedDate.format(round.document.adoptedOn, req.language) ?? ""])
                        : req.t("consultation.not_adopted")
                },
                illustrative: round.illustrative)
        }
    }

    static func make(_ req: Request) async throws -> ConsultationIndex {
        let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
        var documents: [DocumentRow] = []
        var candidates: [DocumentRow] = []
        if caller.isStaff {
            let drafted = Set(try await DraftVersion.query(on: req.db).all().map(\.$document.id))
            let all = try await Document.query(on: req.db).sort(\.$titleEn).all()
            let counts = try await DraftVersion.query(on: req.db).all().reduce(into: [UUID: Int]()) { $0[$1.$document.id, default: 0] += 1 }
            func row(_ d: Document) -> DocumentRow {
                DocumentRow(
                    href: "/consultations/documents/" + d.savedID.uuidString, title: d.title(req.language),
                    lifecycle: req.t("lifecycle." + d.lifecycle.rawValue), versions: counts[d.savedID] ?? 0)
            }
            documents = all.filter { drafted.contains($0.savedID) }.map(row)
            candidates = all.filter { !drafted.contains($0.savedID) && $0.lifecycle != .adopted }.map(row)
        }
        return ConsultationIndex(
            chrome: try await Chrome.make(for: req, title: req.t("consultation.title")), rounds: try await rounds(req, caller: caller),
            documents: documents, candidates: candidates, isStaff: caller.isStaff)
    }

    /// The paragraphs of the version a silence procedure adopted, if one did.
    static func adoptedText(of document: Document, on db: any Database) async throws -> [RoundPage.Paragraph] {
        guard document.lifecycle == .adopted,
            let round = try await ConsultationRound.query(on: db).filter(\.$document.$id == document.savedID).filter(\.$adopted == true)
                .first()
        else { return [] }
        return try await DraftEditing.paragraphs(of: round.$version.id, on: db).map {
            RoundPage.Paragraph($0)
        }
    }

    /// The document's consultation page, when it has one the reader may open.
    static func href(of document: Document, for req: Request) async throws -> String? {
        // Staff start a consultation from any document; focal points reach the ones circulated to them.
        if req.role.isStaff { return "/consultations/documents/" + document.savedID.uuidString }
        guard req.role >= .focalPoint, try await DraftVersion.query(on: req.db).filter(\.$document.$id == document.savedID).count() > 0
        else {
            return nil
        }
        if !req.role.isStaff {
            let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
            guard try await !rounds(req, caller: caller, documentID: document.savedID).isEmpty else { return nil }
        }
        return "/consultations/documents/" + document.savedID.uuidString
    }

    /// The versions a reader may read: staff all, focal points those circulated to their country.
    static func readableVersions(_ document: Document, caller: ConsultationRules.Caller, on db: any Database) async throws -> [DraftVersion]
    {
        let versions = try await DraftVersion.query(on: db).filter(\.$document.$id == document.savedID).sort(\.$number).all()
        if caller.isStaff { return versions }
        let rounds = try await ConsultationRound.query(on: db).filter(\.$document.$id == document.savedID).all()
        let invited = Set(
            try await RoundCountry.query(on: db).filter(\.$round.$id ~~ rounds.map(\.savedID)).filter(
                \.$country.$id ~~ Array(caller.countries)
            ).all()
                .map(\.$round.id))
        let circulated = Set(rounds.filter { invited.contains($0.savedID) }.map(\.$version.id))
        return versions.filter { circulated.contains($0.savedID) }
    }

    struct DocumentPage: Encodable {
        struct VersionRow: Encodable {
            let number: Int
            let note: String
            let frozen: Bool
            let paragraphs: Int
            let compareHref: String?
        }
        struct Link: Encodable {
            let label: String
            let href: String
        }
        let chrome: Chrome
        let heading: String
        let lifecycle: String
        let adoptedOn: String?
        let documentHref: String
        let versions: [VersionRow]
        let rounds: [RoundRow]
        let isStaff: Bool
        let draftHref: String
        let circulateHref: String?
        let revisionHref: String?
        let belongsTo: [Link]
        let illustrative: Bool
    }

    static func document(_ req: Request, _ document: Document) async throws -> DocumentPage {
        let caller = try await ConsultationRules.Caller.of(req.currentUser, on: req.db)
        let versions = try await readableVersions(document, caller: caller, on: req.db)
        let rounds = try await rounds(req, caller: caller, documentID: document.savedID)
        guard caller.isStaff || !rounds.isEmpty else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        var rows: [DocumentPage.VersionRow] = []
        for (index, version) in versions.enumerated() {
            let count = try await DraftParagraph.query(on: req.db).filter(\.$version.$id == version.savedID).filter(\.$kind == .paragraph)
                .count()
            rows.append(
                .init(
                    number: version.number, note: version.note, frozen: version.isFrozen, paragraphs: count,
                    compareHref: index > 0
                        ? "/consultations/documents/\(document.savedID.uuidString)/compare?from=\(versions[index - 1].number)&to=\(version.number)"
                        : nil))
        }
        let links = try await DocumentLink.query(on: req.db).filter(\.$document.$id == document.savedID).all()
        var belongsTo: [DocumentPage.Link] = []
        for link in links where link.target == .meeting {
            if let meeting = try await Meeting.find(link.targetID, on: req.db) {
                belongsTo.append(.init(label: meeting.title(req.language), href: "/meetings/" + meeting.slug))
            }
        }
        // On the action plan, an activity whose evidence is this document.
        let evidence = try await ActivityEvidence.query(on: req.db).filter(\.$target == .document).filter(\.$targetID == document.savedID)
            .with(\.$activity).all()
        belongsTo += evidence.map {
            .init(label: $0.activity.code + " · " + $0.activity.title(req.language), href: "/action-plan/activities/" + $0.activity.code)
        }
        let latest = versions.last
        let id = document.savedID.uuidString
        let open =
            try await ConsultationRound.query(on: req.db).filter(\.$document.$id == document.savedID).filter(\.$deadline > Date()).count()
            > 0
        return DocumentPage(
            chrome: try await Chrome.make(for: req, title: document.title(req.language)), heading: document.title(req.language),
            lifecycle: req.t("lifecycle." + document.lifecycle.rawValue), adoptedOn: LocalizedDate.format(document.adoptedOn, req.language),
            documentHref: "/documents/" + document.slug, versions: rows, rounds: rounds, isStaff: caller.isStaff,
            draftHref: "/consultations/documents/\(id)/draft",
            circulateHref: caller.isStaff && latest != nil && !open && document.lifecycle != .adopted
                ? "/consultations/documents/\(id)/circulate" : nil,
            revisionHref: caller.isStaff && latest?.isFrozen == true && !open && document.lifecycle != .adopted
                ? "/consultations/documents/\(id)/revision" : nil,
            belongsTo: belongsTo, illustrative: versions.contains(where: \.illustrative))
    }
}
