import Fluent
import Vapor

/// `focal bench-search`: generated bilingual texts indexed in bulk and searched with a fixed set of
/// queries, on the configured database (for `scripts/bench/search`, never for the tests). The
/// texts are generated, illustrative and marked so; they replace the whole index.
struct SearchBenchmarkCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "documents", help: "How many texts to generate (default 100000)") var documents: Int?
        @Option(name: "rounds", help: "How many times to run the 200 queries (default 5)") var rounds: Int?
        @Option(name: "queries-out", help: "Write the queries here, one per line, URL-encoded") var queriesOut: String?
    }

    var help: String { "Benchmarks the search index with generated texts (replaces the index)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await app.autoMigrate()
        let count = max(1, signature.documents ?? 100_000)
        let index = try SearchEngine.forDatabase(app.db)
        var generator = SearchCorpus(seed: 2021)
        let documents = (0..<count).map { generator.document(number: $0) }
        try await index.removeAll(on: app.db)
        let started = ContinuousClock.now
        try await app.db.transaction { db in
            for start in stride(from: 0, to: documents.count, by: 2_000) {
                try await index.insertAll(Array(documents[start..<min(start + 2_000, documents.count)]), on: db)
            }
        }
        let build = (ContinuousClock.now - started).seconds
        let queries = SearchCorpus.queries
        if let path = signature.queriesOut {
            let lines = queries.map { $0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
            try lines.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        let caller = SearchCaller(role: .anonymous)
        var latencies: [Double] = []
        var found = 0
        for _ in 0..<max(1, signature.rounds ?? 5) {
            for text in queries {
                let began = ContinuousClock.now
                let results = try await index.search(SearchQuery(text), filters: .init(), caller: caller, limit: 20, offset: 0, on: app.db)
                latencies.append((ContinuousClock.now - began).seconds * 1000)
                if results.total > 0 { found += 1 }
            }
        }
        latencies.sort()
        func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int((p * Double(latencies.count)).rounded(.up)) - 1)] }
        let engine = try app.db.sql.dialect.name
        context.console.output(
            (String(
                format:
                    "engine=%@ documents=%d build_s=%.2f docs_per_s=%.0f queries=%d runs=%d p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f with_results=%d",
                engine, count, build, Double(count) / build, queries.count, latencies.count, percentile(0.5), percentile(0.95),
                percentile(0.99), latencies.last ?? 0, found)).consoleText())
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
