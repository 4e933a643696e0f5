import Fluent
import Foundation

/// The whole index made anew from the records, in one transaction: `focal reindex` and the first
/// start after the index appears.
enum SearchRebuild {
    /// Calls `progress` with (done, total) after each record.
    static func run(on db: any Database, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Int {
        try await db.transaction { db in
            let index = try SearchEngine.forDatabase(db)
            try await index.removeAll(on: db)
            var work: [(SearchDocument.Kind, UUID)] = []
            func ids<Record: Model>(_ kind: SearchDocument.Kind, _: Record.Type) async throws where Record.IDValue == UUID {
                work += try await Record.query(on: db).all().compactMap(\.id).map { (kind, $0) }
            }
            try await ids(.meeting, Meeting.self)
            try await ids(.document, Document.self)
            try await ids(.article, Article.self)
            try await ids(.issue, NewsletterIssue.self)
            try await ids(.organisation, Organisation.self)
            try await ids(.person, Person.self)
            try await ids(.area, PriorityArea.self)
            try await ids(.activity, Activity.self)
            try await ids(.indicator, Indicator.self)
            try await ids(.report, ProgressReport.self)
            // Subscribers can be tens of thousands, and their entry needs nothing but their own row.
            var documents = try await Subscriber.query(on: db).all().compactMap(SearchDocuments.subscriber)
            let subscribers = documents.count
            let total = work.count + subscribers
            progress(subscribers, total)
            for (done, (kind, id)) in work.enumerated() {
                if let document = try await SearchDocuments.make(kind, id, on: db) { documents.append(document) }
                progress(subscribers + done + 1, total)
            }
            // In the order of their last change, as later changes will be (see SearchResults).
            documents.sort { $0.updatedAt < $1.updatedAt }
            for start in stride(from: 0, to: documents.count, by: 500) {
                try await index.insertAll(Array(documents[start..<min(start + 500, documents.count)]), on: db)
            }
            return total
        }
    }
}
