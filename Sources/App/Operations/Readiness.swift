import Fluent
import SQLKit
import Vapor

/// What /readyz reports: the database answers and holds every migration this build knows; the
/// mail sender's state is reported but does not make the instance unready (pages still serve).
struct Readiness: Content {
    struct Check: Content {
        var ok: Bool
        var detail: String
    }

    var ready: Bool
    var database: Check
    var migrations: Check
    var mail: Check

    static func check(_ app: Application) async -> Readiness {
        let database: Check
        do {
            try await (try app.db.sql).raw("SELECT 1").run()
            database = Check(ok: true, detail: "answers")
        } catch {
            database = Check(ok: false, detail: String(describing: error))
        }
        let migrations: Check
        if database.ok {
            do {
                let pending = try await Migrator(
                    databases: app.databases, migrations: app.migrations, logger: app.logger, on: app.eventLoopGroup.any()
                ).previewPrepareBatch().get()
                migrations =
                    pending.isEmpty
                    ? Check(ok: true, detail: "applied")
                    : Check(ok: false, detail: "pending: " + pending.map { $0.0.name }.joined(separator: ", "))
            } catch {
                migrations = Check(ok: false, detail: String(describing: error))
            }
        } else {
            migrations = Check(ok: false, detail: "not checked: the database does not answer")
        }
        return Readiness(ready: database.ok && migrations.ok, database: database, migrations: migrations, mail: mailState(app))
    }

    static func mailState(_ app: Application) -> Check {
        guard let engine = app.mailEngine else { return Check(ok: true, detail: "not configured (FOCAL_SMTP_URL unset)") }
        if let since = engine.health.failingSince {
            return Check(ok: false, detail: "failing since " + since.internetTimestamp)
        }
        return Check(ok: true, detail: "ready")
    }

    /// Values read when scraped rather than counted as they change.
    static func updateGauges(_ app: Application, metrics: FocalMetrics) async {
        metrics.setGauge("focal_http_requests_in_flight", Double(app.inFlightRequests.current))
        let clock = ContinuousClock()
        let started = clock.now
        let answered = (try? await (try app.db.sql).raw("SELECT 1").run()) != nil
        metrics.setGauge("focal_database_up", answered ? 1 : 0)
        metrics.setGauge("focal_database_ping_seconds", Double((clock.now - started).nanoseconds) / 1e9)
        if let depth = try? await Delivery.query(on: app.db).join(Campaign.self, on: \Delivery.$campaign.$id == \Campaign.$id)
            .filter(Campaign.self, \.$status == .sending).filter(\.$status ~~ [.pending, .sending]).count()
        {
            metrics.setGauge("focal_mail_queue_depth", Double(depth))
        }
        if let engine = app.mailEngine {
            metrics.setGauge("focal_mail_server_up", engine.health.failingSince == nil ? 1 : 0)
        }
    }
}
