import Fluent
import FluentPostgresDriver
import FluentSQLiteDriver
import Leaf
import Vapor

/// Sets up the database, templates, strings, middleware, commands and routes.
public func configure(_ app: Application, config: AppConfig) async throws {
    app.storage[Application.ConfigKey.self] = config
    try configureDatabase(app, config)
    app.databases.middleware.use(IssueAddressMiddleware())
    app.databases.middleware.use(NewsletterAddressMiddleware())
    SearchIndexing.register(on: app.databases)
    app.registerMigrations()

    app.views.use(.leaf)
    app.leaf.configuration.rootDirectory = config.resourcesDirectory + "/Resources/Views/"
    app.leaf.cache.isEnabled = true
    app.leaf.tags["t"] = TranslateTag()
    app.localizer = try Localizer.load(from: config.resourcesDirectory + "/Resources/Localization")

    app.passwords.use(.bcrypt(cost: config.bcryptCost))
    app.storage[Application.LoginThrottleKey.self] = LoginThrottle(
        maxAttemptsPerWindow: config.loginMaxAttempts * 4, window: TimeInterval(config.loginLockSeconds))
    let metrics = FocalMetrics()
    app.storage[Application.MetricsKey.self] = metrics
    app.storage[Application.SiteCacheKey.self] = SiteCache(timeToLive: TimeInterval(config.pageCacheSeconds))
    app.storage[Application.PDFRendererKey.self] = ChromiumPDFRenderer.detect(environment: ProcessInfo.processInfo.environment)
    app.storage[Application.PDFCacheKey.self] = PDFCache(directory: config.dataDirectory + (config.demo ? "/demo-pdf-cache" : "/pdf-cache"))
    app.storage[Application.FileStorageKey.self] = LocalFileStorage(directory: config.filesDirectory)
    // Long articles and forms fit; file uploads have their own, larger limit.
    app.routes.defaultMaxBodySize = "1mb"
    // Vapor's timer counts reads and writes: it closes a connection whose request never completes
    // or which idles between requests, as nginx's client_header/body and keepalive timeouts do.
    app.http.server.configuration.idleTimeout = .seconds(Int64(config.httpIdleSeconds))
    app.sessions.use { UnchangedSessionsStayUnwritten(base: $0.fluent.sessions.driver(nil)) }
    app.sessions.configuration = SessionsConfiguration(cookieName: "focal_session") { id in
        HTTPCookies.Value(string: id.string, maxAge: 8 * 3600, path: "/", isSecure: config.secureCookies, isHTTPOnly: true, sameSite: .lax)
    }
    configureMiddleware(app, config, metrics: metrics)
    if let smtp = config.mail.smtp {
        app.mailEngine = try MailEngine(settings: config.mail, smtp: smtp, dataDirectory: config.dataDirectory, group: app.eventLoopGroup)
    }

    app.asyncCommands.use(CreateUserCommand(), as: "create-user")
    app.asyncCommands.use(LoadDemoCommand(), as: "load-demo")
    app.asyncCommands.use(GenerateLoadDataCommand(), as: "generate-load-data")
    app.asyncCommands.use(WorkerCommand(), as: "worker")
    app.asyncCommands.use(SendCampaignCommand(), as: "send-campaign")
    app.asyncCommands.use(ImportSubscribersCommand(), as: "import-subscribers")
    app.asyncCommands.use(CreateCampaignCommand(), as: "create-campaign")
    app.asyncCommands.use(ProcessBouncesCommand(), as: "process-bounces")
    app.asyncCommands.use(BackupCommand(), as: "backup")
    app.asyncCommands.use(RestoreCommand(), as: "restore")
    app.asyncCommands.use(ReindexCommand(), as: "reindex")
    app.asyncCommands.use(SearchBenchmarkCommand(), as: "bench-search")

    try routes(app)
    try app.verifyEveryRouteDeclaresAccess()
}

private func configureDatabase(_ app: Application, _ config: AppConfig) throws {
    switch config.database {
    case .sqlite(let path):
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        // One connection per event loop: SQLiteNIO's busy handler retries without pause, so writers
        // on more connections spin on each other's lock instead of queueing.
        app.databases.use(.sqlite(.file(path), connectionPoolTimeout: .seconds(Int64(config.databaseWaitSeconds))), as: .sqlite)
        app.lifecycle.use(SQLiteWriteAheadLog())
    case .postgres(let url):
        var postgres = try SQLPostgresConfiguration(url: url)
        if let schema = config.postgresSchema { postgres.searchPath = [schema] }
        app.databases.use(
            .postgres(
                configuration: postgres, maxConnectionsPerEventLoop: config.databasePoolSize,
                connectionPoolTimeout: .seconds(Int64(config.databaseWaitSeconds))), as: .psql)
        let broadcast = SiteCacheBroadcast(configuration: postgres.coreConfiguration, schema: config.postgresSchema)
        app.storage[Application.SiteCacheBroadcastKey.self] = broadcast
        app.lifecycle.use(broadcast)
    }
}

private func configureMiddleware(_ app: Application, _ config: AppConfig, metrics: FocalMetrics) {
    app.middleware = Middlewares()
    let telemetry = RequestTelemetryMiddleware(metrics: metrics, accessLog: config.accessLog)
    let securityHeaders = SecurityHeadersMiddleware(strictTransportSecurity: config.baseURL.scheme == "https")
    app.middleware.use(CachedPageMiddleware(telemetry: telemetry, securityHeaders: securityHeaders))
    app.middleware.use(telemetry)
    app.http.server.configuration.reportMetrics = false
    app.middleware.use(InFlightRequestsMiddleware(requests: app.inFlightRequests))
    app.lifecycle.use(RequestDrain(requests: app.inFlightRequests, limit: .seconds(30)))
    app.middleware.use(securityHeaders)
    app.middleware.use(AllowedMethodsMiddleware())
    app.middleware.use(ErrorPageMiddleware())
    app.middleware.use(ResponseCacheMiddleware())
    app.middleware.use(PublicFilesMiddleware(publicDirectory: config.resourcesDirectory + "/Public/"))
    app.middleware.use(LanguageMiddleware(secureCookies: config.secureCookies))
    app.middleware.use(app.sessions.middleware)
    app.middleware.use(User.sessionAuthenticator())
    app.middleware.use(SessionFreshnessMiddleware())
    // Who may use a route is decided before anything reads the body (the CSRF check collects it).
    app.middleware.use(AccessControlMiddleware())
    app.middleware.use(CSRFMiddleware(secureCookies: config.secureCookies))
    app.middleware.use(ContentChangeMiddleware())
}

/// Brings the database up to date before serving; with `--demo`, fills an empty database with the
/// demo network and prints its sign-in details.
public func prepareToServe(_ app: Application) async throws {
    try await app.autoMigrate()
    app.lifecycle.use(NewsletterScheduler(interval: .seconds(30)))
    app.lifecycle.use(ConsultationScheduler(interval: .seconds(20)))
    app.lifecycle.use(MailWorker())
    guard try app.focalConfig.demo else { return }
    let loaded = try await DemoLoader.loadIfEmpty(on: app.db, hasher: app.password)
    print(DemoLoader.banner(baseURL: try app.focalConfig.baseURL, freshlyLoaded: loaded))
}

extension Application {
    struct ConfigKey: StorageKey { typealias Value = AppConfig }

    public var focalConfig: AppConfig {
        get throws { try storage.service(ConfigKey.self) }
    }
}

/// Puts the SQLite file in write-ahead-log mode when any command boots (serve, import, worker,
/// migrate...): readers proceed while one writer commits, and a commit writes the log once instead
/// of a rollback journal and the pages. The mode is stored in the file.
struct SQLiteWriteAheadLog: LifecycleHandler {
    func didBootAsync(_ application: Application) async throws {
        // `restore` replaces the file and must not hold it open; `backup` only reads, and must not
        // create an empty database where none is.
        guard !["restore", "backup"].contains(application.environment.arguments.dropFirst().first) else { return }
        try await (try application.db.sql).raw("PRAGMA journal_mode=WAL").run()
    }
}

extension Storage {
    /// A service set up in `configure`. Vapor empties the storage at shutdown, and a request still
    /// running then must end with an error, not take the process down.
    func service<Key: StorageKey>(_ key: Key.Type) throws -> Key.Value {
        guard let value = self[key] else { throw Abort(.serviceUnavailable, reason: "Focal is shutting down") }
        return value
    }
}
