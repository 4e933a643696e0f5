import Fluent
import Vapor

/// Reads the text of newly stored files after the upload has answered, one file at a time, and
/// records on each file what came of it; the file's save brings its document's search entry up to
/// date.
enum DocumentTextReading {
    static func start(_ fileIDs: [UUID], app: Application) {
        guard !fileIDs.isEmpty else { return }
        let logger = app.logger
        // Counted as a request in flight: a shutdown waits for the reading before closing the
        // databases it writes to.
        let inFlight = app.inFlightRequests
        inFlight.enter()
        Task.detached(priority: .background) {
            defer { inFlight.leave() }
            for id in fileIDs {
                do { try await read(id, db: app.db, storage: try app.fileStorage) } catch {
                    logger.warning("document text: file \(id) not read: \(String(reflecting: error))")
                }
            }
            // The words read are now found: cached searches go.
            try? await app.contentChanged(.sections([SiteCache.searchSection]))
        }
    }

    /// Reads one file's text unless it has been read; a failure is recorded on the file.
    static func read(_ id: UUID, db: any Database, storage: any FileStorage) async throws {
        guard let file = try await DocumentFile.find(id, on: db), file.textStatus == nil else { return }
        if !DocumentText.readableTypes.contains(file.contentType) {
            file.textStatus = "none"
            try await file.save(on: db)
            return
        }
        do {
            let data = try await storage.contents(of: file.storageKey)
            file.extractedText = try await DocumentText.extract(data, contentType: file.contentType)
            file.textStatus = "read"
            file.textError = nil
        } catch let failure as DocumentText.Failure {
            file.textStatus = "failed"
            file.textError = failure.reason
            file.extractedText = nil
        }
        // The file and its document's search entry commit together: whoever sees the text read
        // finds it in search.
        try await db.transaction { try await file.save(on: $0) }
    }

    /// Every file whose text has not been read yet (uploaded before reading existed, or while the
    /// server stopped): `focal reindex` reads them first.
    static func readPending(db: any Database, storage: any FileStorage, progress: (Int, Int) -> Void) async throws {
        let pending = try await DocumentFile.query(on: db).filter(\.$textStatus == nil).all().compactMap(\.id)
        for (done, id) in pending.enumerated() {
            try await read(id, db: db, storage: storage)
            progress(done + 1, pending.count)
        }
    }
}
