import Foundation
import Testing

@testable import App

@Suite("Configuration")
struct ConfigTests {
    private let dataDirectory = "/tmp/focal-config-test-" + UUID().uuidString
    private var valid: [String: String] {
        ["FOCAL_DATA_DIR": dataDirectory, "FOCAL_SESSION_SECRET": String(repeating: "x", count: 40)]
    }

    private func problems(_ overrides: [String: String]) -> String? {
        do {
            _ = try AppConfig.load(from: valid.merging(overrides) { $1 }, demo: false)
            return nil
        } catch let error as AppConfigError {
            return error.description
        } catch {
            return "unexpected error \(error)"
        }
    }

    @Test(
        "A malformed setting stops start-up with a message naming its variable",
        arguments: [
            ("FOCAL_BASE_URL", "not a url"),
            ("FOCAL_LOGIN_MAX_ATTEMPTS", "abc"),
            ("DATABASE_URL", "mysql://x"),
            ("FOCAL_SESSION_SECRET", "too-short"),
            ("FOCAL_DATA_DIR", "relative/data"),
            ("FOCAL_BCRYPT_COST", "3"),
        ])
    func malformedSettingIsNamed(variable: String, value: String) {
        // Given a valid environment with one malformed variable
        // When the configuration is loaded
        let message = problems([variable: value])
        // Then loading fails and the message names that variable
        #expect(message != nil, "\(variable)=\(value) was accepted")
        #expect(message?.contains(variable + ":") == true, "message does not name \(variable): \(message ?? "")")
    }

    @Test(
        "Without FOCAL_BASE_URL, links point at the host and port serve was started on",
        arguments: [
            ([], "http://127.0.0.1:8080/"), (["focal", "serve", "--hostname", "127.0.0.1", "--port", "8101"], "http://127.0.0.1:8101/"),
            (["focal", "serve", "-H", "0.0.0.0", "-p", "9000"], "http://127.0.0.1:9000/"),
            (["focal", "serve", "--bind", "localhost:8200"], "http://localhost:8200/"),
        ])
    func baseURLFromServeArguments(arguments: [String], expected: String) throws {
        let config = try AppConfig.load(from: valid, demo: false, serveArguments: arguments)
        #expect(config.baseURL.absoluteString.hasPrefix(expected.dropLast()), "\(config.baseURL)")
        let explicit = try AppConfig.load(
            from: valid.merging(["FOCAL_BASE_URL": "https://focal.example.org"]) { $1 }, demo: false, serveArguments: arguments)
        #expect(explicit.baseURL.absoluteString.hasPrefix("https://focal.example.org"), "an explicit FOCAL_BASE_URL was overridden")
    }

    @Test("Several malformed settings are all reported at once")
    func everyProblemReported() {
        let message = problems(["FOCAL_BASE_URL": "ftp://x", "FOCAL_PAGE_CACHE_SECONDS": "-1"]) ?? ""
        #expect(message.contains("FOCAL_BASE_URL"))
        #expect(message.contains("FOCAL_PAGE_CACHE_SECONDS"))
    }

    @Test("Demo mode uses a different SQLite file than normal mode, and ignores DATABASE_URL")
    func demoUsesItsOwnDatabase() throws {
        // Given the same environment
        let env = valid.merging(["DATABASE_URL": "postgres://u:p@db.example:5432/focal"]) { $1 }
        // When loaded for normal and for demo use
        let normal = try AppConfig.load(from: env, demo: false)
        let demo = try AppConfig.load(from: env, demo: true)
        // Then the demo never touches the real database
        #expect(normal.database == .postgres(url: "postgres://u:p@db.example:5432/focal"))
        #expect(demo.database == .sqlite(path: dataDirectory + "/demo.sqlite"))
        let plain = try AppConfig.load(from: valid, demo: false)
        #expect(plain.database == .sqlite(path: dataDirectory + "/focal.sqlite"))
        #expect(plain.database != demo.database)
    }

    @Test("Without optional settings the defaults apply")
    func defaults() throws {
        let config = try AppConfig.load(from: valid, demo: false)
        #expect(config.baseURL.absoluteString == "http://127.0.0.1:8080")
        #expect(config.loginMaxAttempts == 5)
        #expect(config.loginLockSeconds == 900)
        #expect(config.pageCacheSeconds == 30)
        #expect(config.bcryptCost == 12)
        #expect(config.secureCookies == false)
        #expect(config.sessionSecret == Array(String(repeating: "x", count: 40).utf8))
        #expect(config.demo == false)
        #expect(config.postgresSchema == nil)
        #expect(FileManager.default.fileExists(atPath: config.resourcesDirectory + "/Resources/Views"))
    }

    @Test("Well-formed values are taken as given; an https base URL turns on secure cookies")
    func valuesTaken() throws {
        let config = try AppConfig.load(
            from: valid.merging(
                [
                    "FOCAL_BASE_URL": "https://focal.example.org", "FOCAL_LOGIN_MAX_ATTEMPTS": "7",
                    "DATABASE_URL": "sqlite:///var/tmp/x.sqlite",
                ]
            ) { $1 }, demo: false)
        #expect(config.secureCookies)
        #expect(config.loginMaxAttempts == 7)
        #expect(config.database == .sqlite(path: "/var/tmp/x.sqlite"))
    }

    @Test("Without FOCAL_SESSION_SECRET a secret is generated once and kept in the data directory")
    func generatedSecretIsKept() throws {
        let directory = "/tmp/focal-config-secret-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try AppConfig.load(from: ["FOCAL_DATA_DIR": directory], demo: false)
        let second = try AppConfig.load(from: ["FOCAL_DATA_DIR": directory], demo: false)
        #expect(first.sessionSecret.count >= 32)
        #expect(first.sessionSecret == second.sessionSecret)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory + "/secret.key")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    }
}
