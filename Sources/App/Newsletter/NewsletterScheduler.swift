import NIOCore
import Vapor

/// Publishes scheduled issues when their time comes, from inside `focal serve`.
struct NewsletterScheduler: LifecycleHandler {
    let interval: TimeAmount

    func didBootAsync(_ application: Application) async throws {
        let logger = application.logger
        application.eventLoopGroup.next().scheduleRepeatedAsyncTask(initialDelay: .seconds(5), delay: interval) { _ in
            application.eventLoopGroup.next().makeFutureWithTask {
                do {
                    let published = try await IssueWorkflow.publishDue(on: application.db)
                    if published > 0 {
                        try await application.contentChanged()
                        logger.info("Published \(published) scheduled newsletter issue(s)")
                    }
                } catch {
                    logger.report(error: error)
                }
            }
        }
    }
}
