import App
import Foundation
import Logging
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

@main
enum Entrypoint {
    static func main() async throws {
        limitMemoryArenas()
        var env = try Environment.detect()
        // `serve --demo` is Focal's own flag: take it out before Vapor parses the command line.
        let demo = env.arguments.contains("--demo")
        env.arguments.removeAll { $0 == "--demo" }
        if ProcessInfo.processInfo.environment["LOG_FORMAT"] == "json" {
            try LoggingSystem.bootstrap(from: &env) { level in { label in JSONLogHandler(label: label, level: level) } }
        } else {
            try LoggingSystem.bootstrap(from: &env)
        }

        let config: AppConfig
        do {
            config = try AppConfig.load(from: ProcessInfo.processInfo.environment, demo: demo, serveArguments: env.arguments)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
        let app = try await Application.make(env)
        do {
            try await configure(app, config: config)
            let command = env.arguments.dropFirst().first ?? "serve"
            let askingForHelp = env.arguments.contains("--help") || env.arguments.contains("-h")
            if command == "serve" || command.hasPrefix("-"), !askingForHelp { try await prepareToServe(app) }
            try await app.execute()
        } catch {
            FileHandle.standardError.write(Data("focal: \(error)\n".utf8))
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }

    /// glibc gives threads that allocate at the same moment arenas of their own, up to eight per
    /// core, and keeps what is freed in each. Under the load benchmark that took the peak resident
    /// size from 131 MB to 190 MB, at no gain in throughput; two arenas keep it near the live data.
    /// MALLOC_ARENA_MAX, when set, decides instead. (Swift's Glibc module leaves out malloc.h.)
    private static func limitMemoryArenas() {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            let arenaMaximum: Int32 = -8  // M_ARENA_MAX in malloc.h
            guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil, let mallopt = dlsym(nil, "mallopt") else { return }
            _ = unsafeBitCast(mallopt, to: Mallopt.self)(arenaMaximum, 2)
        #endif
    }
}
