import Fluent
import Foundation

/// Each kind of record as search sees it. A record is read afresh from `db` (the caller's
/// transaction), with what it gathers from around it: a meeting's agenda, statements and their
/// speakers, outcomes; a document's description and the text of its files.
enum SearchDocuments {
    static func meeting(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let meeting = try await Meeting.find(id, on: db) else { return nil }
        let agenda = try await AgendaItem.query(on: db).filter(\.$meeting.$id == id).all()
        let statements = try await Statement.query(on: db).filter(\.$meeting.$id == id).with(\.$speaker).all()
        let outcomes = try await MeetingOutcome.query(on: db).filter(\.$meeting.$id == id).all()
        let text =
            [meeting.summaryEn, meeting.summaryZh, meeting.discussionEn, meeting.discussionZh, meeting.venueEn, meeting.venueZh]
            + agenda.flatMap { [$0.titleEn, $0.titleZh] }
            + statements.flatMap { [$0.speaker.nameEn, $0.speaker.nameZh, $0.summaryEn, $0.summaryZh] }
            + outcomes.flatMap { [$0.textEn, $0.textZh] }
        return SearchDocument(
            kind: .meeting, recordID: id, url: "/meetings/" + meeting.slug, titleEn: meeting.titleEn, titleZh: meeting.titleZh,
            text: text.filter { !$0.isEmpty }.joined(separator: "\n"), year: MeetingTime.year(meeting), audience: meeting.visibility,
            updatedAt: meeting.updatedAt ?? Date())
    }

    /// A document with the text read from the files of its latest version.
    static func document(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let document = try await Document.find(id, on: db) else { return nil }
        var extractedText = ""
        if let latest = try await DocumentVersion.query(on: db).filter(\.$document.$id == id).sort(\.$number, .descending).first() {
            let files = try await DocumentFile.query(on: db).filter(\.$version.$id == latest.requireID()).sort(\.$language).all()
            extractedText = files.compactMap(\.extractedText).joined(separator: "\n")
        }
        let year = document.adoptedOn.flatMap { Int($0.prefix(4)) }
        return SearchDocument(
            kind: .document, recordID: id, url: "/documents/" + document.slug, titleEn: document.titleEn,
            titleZh: document.titleZh,
            text: [document.descriptionEn, document.descriptionZh, extractedText].filter { !$0.isEmpty }.joined(separator: "\n"),
            year: year, audience: document.access, updatedAt: document.updatedAt ?? Date())
    }

    /// Articles are found once their issue is published, and by staff before.
    static func article(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let article = try await Article.find(id, on: db) else { return nil }
        let published = try await NewslettersController.isPublished(article, on: db)
        var year: Int?
        if let editionID = article.$edition.id, let edition = try await Edition.find(editionID, on: db) {
            year = try await NewsletterIssue.find(edition.$issue.id, on: db)?.year
        }
        let title = article.title
        return SearchDocument(
            kind: .article, recordID: id, url: published ? "/articles/" + article.slug : "/admin/articles/\(id.uuidString)/edit",
            titleEn: article.language == .en ? title : "", titleZh: article.language == .zh ? title : "",
            // The text as readers see it, not its Markdown (no `**` or link targets in snippets).
            text: [article.summary ?? "", article.byline ?? "", MarkdownRenderer.plainText(article.bodyMarkdown)].filter { !$0.isEmpty }
                .joined(separator: "\n"),
            year: year, language: article.language, audience: published ? .public : .secretariat,
            updatedAt: article.updatedAt ?? Date())
    }

    static func organisation(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let organisation = try await Organisation.find(id, on: db) else { return nil }
        var countries: [String] = []
        if let countryID = organisation.$country.id, let country = try await Country.find(countryID, on: db) { countries = [country.code] }
        return SearchDocument(
            kind: .organisation, recordID: id, url: countries.first.map { "/network/countries/" + $0 } ?? "/network",
            titleEn: organisation.nameEn, titleZh: organisation.nameZh,
            text: organisation.acronym, countries: countries, audience: .public, updatedAt: organisation.updatedAt ?? Date())
    }

    /// People are found by staff only: the public lists show a person only with their consent,
    /// which search does not second-guess.
    static func person(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        guard let person = try await Person.find(id, on: db) else { return nil }
        return SearchDocument(
            kind: .person, recordID: id, url: "/admin/people/\(id.uuidString)/edit", titleEn: person.nameEn, titleZh: person.nameZh,
            text: person.honorific, audience: .secretariat, updatedAt: person.updatedAt ?? Date())
    }

    /// Subscribers are found by staff, by their address and name, as the subscriber list shows them.
    static func subscriber(_ id: UUID, on db: any Database) async throws -> SearchDocument? {
        try await Subscriber.find(id, on: db).flatMap(subscriber)
    }

    static func subscriber(_ subscriber: Subscriber) -> SearchDocument? {
        guard let id = subscriber.id else { return nil }
        return SearchDocument(
            kind: .subscriber, recordID: id, url: "/admin/subscribers/\(id.uuidString)/edit",
            titleEn: subscriber.name.isEmpty ? subscriber.email : subscriber.name, titleZh: "", text: subscriber.email,
            audience: .secretariat, updatedAt: subscriber.updatedAt ?? Date())
    }
}
