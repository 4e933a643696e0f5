import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Two instances on one PostgreSQL database, each with its own page cache.
@Suite("Several instances on PostgreSQL")
struct SeveralInstancesTests {
    /// A second app on the first one's database and schema, as another instance would be.
    static func secondInstance(of first: Application, environment: [String: String], sharingData: Bool = false) async throws -> Application
    {
        let directory =
            sharingData
            ? try first.focalConfig.dataDirectory
            : FileManager.default.temporaryDirectory.appendingPathComponent("focal-second-" + UUID().uuidString).path
        var config = try AppConfig.load(from: testEnvironment(dataDirectory: directory).merging(environment) { $1 }, demo: false)
        config.postgresSchema = try first.focalConfig.postgresSchema
        let app = try await Application.make(.testing)
        do {
            try await configure(app, config: config)
            // As `focal serve` does; VaporTesting's boot skips the asynchronous lifecycle handlers.
            try await app.asyncBoot()
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        return app
    }

    @Test(
        "A change made on one instance empties the other's page cache within a second, not after its time to live",
        .enabled(if: TestEngine.isPostgres, "LISTEN/NOTIFY is PostgreSQL's; on SQLite one machine runs one cache per instance"))
    func cacheInvalidatedAcrossInstances() async throws {
        let longCache = ["FOCAL_PAGE_CACHE_SECONDS": "3600"]
        try await withApp(loadDemo: true, environment: longCache) { first async throws in
            let second = try await Self.secondInstance(of: first, environment: longCache)
            do {
                // Booting starts the listener; give it a moment to connect.
                _ = try await second.testing().sendRequest(.GET, "/healthz")
                try await Task.sleep(for: .milliseconds(500))
                let country = try #require(try await Country.query(on: first.db).sort(\.$nameEn).first())
                let before = try await second.testing().sendRequest(.GET, "/network").body.string
                #expect(before.contains(country.nameEn))
                #expect(try await second.testing().sendRequest(.GET, "/network").body.string == before, "the second read is cached")

                let renamed = "Renamed-\(UUID().uuidString.prefix(8))"
                country.nameEn = renamed
                try await country.save(on: first.db)
                try await first.contentChanged()

                let clock = ContinuousClock()
                let changedAt = clock.now
                var seen = false
                while !seen, clock.now - changedAt < .seconds(1) {
                    seen = try await second.testing().sendRequest(.GET, "/network").body.string.contains(renamed)
                    if !seen { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(seen, "the second instance still served the old page a second after the change")
                try await second.asyncShutdown()
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
        }
    }

    @Test("Two instances on one data directory print the same PDF edition at once: both answer a whole PDF, one file is kept")
    func sharedPDFCache() async throws {
        try await withApp(loadDemo: true) { first async throws in
            guard try PDFTests.requireChromium(first) else { return }
            let second = try await Self.secondInstance(of: first, environment: [:], sharingData: true)
            do {
                let path = PDFTests.path
                async let one = first.testing().sendRequest(.GET, path)
                async let two = second.testing().sendRequest(.GET, path)
                for response in try await [one, two] {
                    #expect(response.status == .ok)
                    let bytes = Data(response.body.readableBytesView)
                    #expect(bytes.starts(with: Array("%PDF".utf8)), "not a PDF")
                    #expect(String(decoding: bytes.suffix(32), as: UTF8.self).contains("%%EOF"), "a PDF cut short")
                }
                let folder = try first.focalConfig.dataDirectory + "/pdf-cache"
                let files = try FileManager.default.contentsOfDirectory(atPath: folder)
                #expect(files.filter { $0.hasSuffix(".pdf") }.count == 1, "\(files)")
                #expect(files.filter { $0.hasSuffix(".part") }.isEmpty, "\(files)")
                try await second.asyncShutdown()
            } catch {
                try? await second.asyncShutdown()
                throw error
            }
        }
    }
}
