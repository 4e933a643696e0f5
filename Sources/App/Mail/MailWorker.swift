import Fluent
import Vapor

/// Sends campaigns in the background: inside `focal serve`, or on its own as `focal worker`.
/// Scheduled campaigns start when their time comes; a paused one waits, a cancelled one stops.
struct MailWorker: LifecycleHandler {
    static let pollInterval: Duration = .seconds(2)

    final class Handle: @unchecked Sendable {
        var task: Task<Void, Never>?
    }

    let handle = Handle()

    func didBootAsync(_ application: Application) async throws {
        guard let engine = application.mailEngine else {
            application.logger.notice("No SMTP server configured (FOCAL_SMTP_URL): campaigns are not sent")
            return
        }
        handle.task = Task { await Self.loop(engine: engine, app: application) }
    }

    func shutdownAsync(_ application: Application) async {
        await Self.stopGracefully(handle.task, engine: application.mailEngine)
        await application.mailEngine?.pool.shutdown()
    }

    /// The longest a stop waits for the SMTP transactions under way before cancelling them.
    static let stopLimit: Duration = .seconds(20)

    static func stopGracefully(_ task: Task<Void, Never>?, engine: MailEngine?) async {
        engine?.stop()
        guard let task else { return }
        let watchdog = Task {
            try await Task.sleep(for: stopLimit)
            task.cancel()
        }
        await task.value
        watchdog.cancel()
    }

    static func loop(engine: MailEngine, app: Application) async {
        do {
            try await engine.recover(on: app.db)
        } catch {
            app.logger.report(error: error)
        }
        while !Task.isCancelled, !engine.isStopping {
            do {
                try await startDue(on: app.db)
                let sending = try await Campaign.query(on: app.db).filter(\.$status == .sending).sort(\.$startedAt).all()
                for campaign in sending where !Task.isCancelled && !engine.isStopping {
                    try await engine.run(campaignID: campaign.savedID, app: app)
                }
            } catch {
                app.logger.report(error: error)
            }
            if !engine.isStopping { try? await Task.sleep(for: pollInterval) }
        }
    }

    static func startDue(on db: any Database) async throws {
        let due = try await Campaign.query(on: db).filter(\.$status == .scheduled).filter(\.$scheduledAt <= Date()).all()
        for campaign in due {
            do {
                try await CampaignPreparation.start(campaign, on: db)
            } catch is CampaignPreparation.Problem {
                // Not ready yet (the issue's own publication is still to come): tried again next round.
                continue
            }
        }
    }
}
