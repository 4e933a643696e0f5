import Vapor

/// `focal load-demo`: migrates and loads the demo network into the configured database when it
/// holds no network yet.
struct LoadDemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}

    var help: String { "Loads the demo network (from the seed newsletter) into an empty database." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let loaded = try await DemoLoader.loadIfEmpty(on: app.db, hasher: app.password)
        context.console.output(DemoLoader.banner(baseURL: try app.focalConfig.baseURL, freshlyLoaded: loaded).consoleText())
    }
}
