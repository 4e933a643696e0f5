import Foundation

/// Every setting Focal reads, taken once at start-up from the environment.
public struct AppConfig: Sendable {
    public enum DatabaseLocation: Sendable, Equatable {
        case sqlite(path: String)
        case postgres(url: String)
    }

    public var database: DatabaseLocation
    public var baseURL: URL
    public var dataDirectory: String
    public var resourcesDirectory: String
    public var sessionSecret: [UInt8]
    public var demo: Bool
    public var loginMaxAttempts: Int
    public var loginLockSeconds: Int
    public var pageCacheSeconds: Int
    public var bcryptCost: Int
    public var uploadMaxBytes: Int
    /// Seconds a connection may stay silent (headers or body not arriving, keep-alive unused)
    /// before the server closes it.
    public var httpIdleSeconds: Int
    /// The organisation identifier that prefixes IATI activity identifiers in the export.
    public var iatiReportingOrg: String
    public var mail: MailSettings
    /// A PostgreSQL schema to work in (tests give each app its own); nil uses the default.
    public var postgresSchema: String?
    /// A bearer token that reads /metrics without an admin session (for a Prometheus scraper).
    public var metricsToken: String?
    /// One log line per request (method, route, status, duration, request id).
    public var accessLog = true
    /// Proxies whose X-Forwarded-For is believed: the client's address is read from it.
    public var trustedProxies = ClientAddress.loopback
    /// PostgreSQL connections each event loop keeps (the pool is this times the number of cores).
    public var databasePoolSize = 4
    /// How long a request waits for a database connection before it is answered 503.
    public var databaseWaitSeconds = 10

    public var secureCookies: Bool { baseURL.scheme == "https" }

    /// Where uploaded files are kept (shared by every instance of an installation).
    public var filesDirectory: String { dataDirectory + (demo ? "/demo-files" : "/files") }

    /// http://HOST:PORT from `serve --hostname HOST --port PORT` (or -H, -p, --bind HOST:PORT);
    /// 127.0.0.1:8080, Vapor's default, otherwise. A wildcard host (0.0.0.0, ::) means loopback here:
    /// a public deployment sets FOCAL_BASE_URL.
    static func defaultBaseURL(serveArguments arguments: [String]) -> String {
        var host = "127.0.0.1"
        var port = "8080"
        for (index, argument) in arguments.enumerated() where index + 1 < arguments.count {
            let value = arguments[index + 1]
            switch argument {
            case "--hostname", "-H": host = value
            case "--port", "-p": port = value
            case "--bind", "-b":
                if let colon = value.lastIndex(of: ":") {
                    host = String(value[..<colon])
                    port = String(value[value.index(after: colon)...])
                }
            default: break
            }
        }
        if ["0.0.0.0", "::", "[::]", ""].contains(host) { host = "127.0.0.1" }
        if host.contains(":"), !host.hasPrefix("[") { host = "[" + host + "]" }
        return "http://\(host):\(port)"
    }

    /// Reads the settings; every problem found is reported at once, each naming its variable.
    /// `serveArguments`: the command line of `serve`, whose --hostname and --port give the base
    /// URL's default, so links in pages, mail and calendars reach the server actually started.
    public static func load(from environment: [String: String], demo: Bool, serveArguments: [String] = []) throws -> AppConfig {
        var environment = environment
        if environment["FOCAL_BASE_URL"] == nil { environment["FOCAL_BASE_URL"] = defaultBaseURL(serveArguments: serveArguments) }
        var reader = EnvironmentReader(environment)
        let dataDirectory = reader.path("FOCAL_DATA_DIR", default: FileManager.default.currentDirectoryPath + "/data")
        let resourcesDirectory = reader.path("FOCAL_RESOURCES_DIR", default: ResourceLocator.defaultDirectory())
        let baseURL = reader.httpURL("FOCAL_BASE_URL", default: "http://127.0.0.1:8080")
        let loginMaxAttempts = reader.integer("FOCAL_LOGIN_MAX_ATTEMPTS", default: 5, range: 1...100)
        let loginLockSeconds = reader.integer("FOCAL_LOGIN_LOCK_SECONDS", default: 900, range: 1...86_400)
        let pageCacheSeconds = reader.integer("FOCAL_PAGE_CACHE_SECONDS", default: 30, range: 0...3_600)
        let httpIdleSeconds = reader.integer("FOCAL_HTTP_IDLE_SECONDS", default: 60, range: 1...3_600)
        let bcryptCost = reader.integer("FOCAL_BCRYPT_COST", default: 12, range: 4...31)
        let iatiReportingOrg = reader.identifier("FOCAL_IATI_REPORTING_ORG", default: "XI-FOCAL-DEMO")
        let mail = MailSettings.load(&reader, dataDirectory: dataDirectory)
        let uploadMaxBytes = reader.integer("FOCAL_UPLOAD_MAX_BYTES", default: 25 * 1_048_576, range: 1_024...1_073_741_824)
        let secretText = reader.secret("FOCAL_SESSION_SECRET", minimumLength: 32)
        let database = reader.database(demo: demo, dataDirectory: dataDirectory)
        // A schema of its own within a shared PostgreSQL database (tests and separate installations).
        let postgresSchema = reader.raw("FOCAL_PG_SCHEMA")
        let metricsToken = reader.secret("FOCAL_METRICS_TOKEN", minimumLength: 24)
        let accessLog = reader.integer("FOCAL_ACCESS_LOG", default: 1, range: 0...1) == 1
        let trustedProxies = reader.addressList("FOCAL_TRUSTED_PROXIES", default: ClientAddress.loopback)
        let databasePoolSize = reader.integer("FOCAL_DB_POOL_SIZE", default: 4, range: 1...64)
        let databaseWaitSeconds = reader.integer("FOCAL_DB_WAIT_SECONDS", default: 10, range: 1...300)
        try reader.throwIfProblems()

        let sessionSecret = try secretText.map { Array($0.utf8) } ?? SecretFile.loadOrCreate(in: dataDirectory, demo: demo)
        return AppConfig(
            database: database, baseURL: baseURL, dataDirectory: dataDirectory, resourcesDirectory: resourcesDirectory,
            sessionSecret: sessionSecret, demo: demo, loginMaxAttempts: loginMaxAttempts, loginLockSeconds: loginLockSeconds,
            pageCacheSeconds: pageCacheSeconds, bcryptCost: bcryptCost, uploadMaxBytes: uploadMaxBytes, httpIdleSeconds: httpIdleSeconds,
            iatiReportingOrg: iatiReportingOrg,
            mail: mail, postgresSchema: postgresSchema, metricsToken: metricsToken, accessLog: accessLog,
            trustedProxies: trustedProxies, databasePoolSize: databasePoolSize, databaseWaitSeconds: databaseWaitSeconds)
    }
}

public struct AppConfigError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String {
        "Focal cannot start; fix these settings:\n" + problems.map { "  - \($0)" }.joined(separator: "\n")
    }
}
