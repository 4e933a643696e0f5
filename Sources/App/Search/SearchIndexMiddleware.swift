import Fluent
import Foundation

/// Keeps the index in step with the records: every save or delete of a record search shows (or of
/// a part of one, such as a meeting's statement) replaces its entry on the same database handle,
/// so inside a transaction the entry commits or rolls back with the record.
struct SearchIndexMiddleware<Record: Model>: AsyncModelMiddleware {
    /// The entries a change to this record touches: its own, or its parent's.
    let entries: @Sendable (Record, any Database) async throws -> [(SearchDocument.Kind, UUID)]

    func create(model: Record, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.create(model, on: db)
        try await Self.refresh(try await entries(model, db), on: db)
    }

    func update(model: Record, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        try await next.update(model, on: db)
        try await Self.refresh(try await entries(model, db), on: db)
    }

    func delete(model: Record, force: Bool, on db: any Database, next: any AnyAsyncModelResponder) async throws {
        let touched = try await entries(model, db)
        try await next.delete(model, force: force, on: db)
        try await Self.refresh(touched, on: db)
    }

    /// Each entry made anew from what the database now holds; a record that is gone loses its entry.
    static func refresh(_ entries: [(SearchDocument.Kind, UUID)], on db: any Database) async throws {
        let index = try SearchEngine.forDatabase(db)
        for (kind, id) in entries {
            if let document = try await SearchDocuments.make(kind, id, on: db) {
                try await index.replace(document, on: db)
            } else {
                try await index.remove(kind: kind, recordID: id, on: db)
            }
        }
    }
}

extension SearchDocuments {
    static func make(_ kind: SearchDocument.Kind, _ id: UUID, on db: any Database) async throws -> SearchDocument? {
        switch kind {
        case .meeting: try await meeting(id, on: db)
        case .document: try await document(id, on: db)
        case .article: try await article(id, on: db)
        case .organisation: try await organisation(id, on: db)
        case .person: try await person(id, on: db)
        case .issue: try await issue(id, on: db)
        case .area: try await area(id, on: db)
        case .activity: try await activity(id, on: db)
        case .indicator: try await indicator(id, on: db)
        case .report: try await report(id, on: db)
        case .subscriber: try await subscriber(id, on: db)
        }
    }
}

enum SearchIndexing {
    /// Registers the middleware for every record search shows.
    static func register(on databases: Databases) {
        func own<Record: Model>(_ kind: SearchDocument.Kind, _: Record.Type) -> SearchIndexMiddleware<Record> where Record.IDValue == UUID {
            SearchIndexMiddleware<Record> { record, _ in record.id.map { [(kind, $0)] } ?? [] }
        }
        databases.middleware.use(own(.meeting, Meeting.self))
        databases.middleware.use(own(.document, Document.self))
        databases.middleware.use(own(.article, Article.self))
        databases.middleware.use(own(.organisation, Organisation.self))
        databases.middleware.use(own(.person, Person.self))
        databases.middleware.use(own(.area, PriorityArea.self))
        databases.middleware.use(own(.activity, Activity.self))
        databases.middleware.use(own(.indicator, Indicator.self))
        databases.middleware.use(own(.report, ProgressReport.self))
        databases.middleware.use(own(.subscriber, Subscriber.self))
        databases.middleware.use(SearchIndexMiddleware<AgendaItem> { item, _ in [(.meeting, item.$meeting.id)] })
        databases.middleware.use(SearchIndexMiddleware<Statement> { statement, _ in [(.meeting, statement.$meeting.id)] })
        databases.middleware.use(SearchIndexMiddleware<MeetingOutcome> { outcome, _ in [(.meeting, outcome.$meeting.id)] })
        databases.middleware.use(
            SearchIndexMiddleware<DocumentFile> { file, db in
                guard let version = try await DocumentVersion.find(file.$version.id, on: db) else { return [] }
                return [(.document, version.$document.id)]
            })
        databases.middleware.use(SearchIndexMiddleware<ActivityParticipant> { participant, _ in [(.activity, participant.$activity.id)] })
        // An article's title is also its issue's text.
        databases.middleware.use(
            SearchIndexMiddleware<Article> { article, db in
                guard let editionID = article.$edition.id, let edition = try await Edition.find(editionID, on: db) else { return [] }
                return [(.issue, edition.$issue.id)]
            })
        // Publishing an issue makes it and its articles public: their entries follow.
        databases.middleware.use(
            SearchIndexMiddleware<NewsletterIssue> { issue, db in
                guard let issueID = issue.id else { return [] }
                let editions = try await Edition.query(on: db).filter(\.$issue.$id == issueID).all().compactMap(\.id)
                let articles = try await Article.query(on: db).filter(\.$edition.$id ~~ editions).all().compactMap(\.id)
                return [(.issue, issueID)] + articles.map { (.article, $0) }
            })
    }
}
