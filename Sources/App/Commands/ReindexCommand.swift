import Vapor

/// `focal reindex`: the search index made anew from the records, in one transaction, with a
/// progress bar on standard error.
struct ReindexCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Reads the text of document files not read yet, then rebuilds the search index from every record." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let started = Date()
        try await DocumentTextReading.readPending(db: app.db, storage: try app.fileStorage) { done, total in
            ProgressBar.drawRows(done, total)
            if done == total { FileHandle.standardError.write(Data(" files read\n".utf8)) }
        }
        let total = try await SearchRebuild.run(on: app.db) { done, total in
            if done == total || done % 100 == 0 { ProgressBar.drawRows(done, total) }
        }
        FileHandle.standardError.write(Data("\n".utf8))
        context.console.output(
            "Indexed \(total) records in \(String(format: "%.1f s", Date().timeIntervalSince(started)))".consoleText())
    }
}
