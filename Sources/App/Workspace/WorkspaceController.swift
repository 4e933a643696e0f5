import Fluent
import Vapor

/// Each role's home: staff at `/admin`, focal points at `/account`, by task rather than by table.
struct WorkspaceController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.requiring(.editor).get("admin", use: staffHome)
        routes.requiring(.focalPoint).get("account", use: memberHome)
    }

    func staffHome(req: Request) async throws -> View {
        async let queues = StaffHome.queues(req)
        let recent = try await AuditEntry.query(on: req.db).sort(\.$occurredAt, .descending).range(..<5).all()
        let context = StaffHomeContext(
            chrome: try await Chrome.make(for: req, title: req.t("admin.home")), queues: try await queues,
            recent: recent.map { AuditRow($0, req) })
        return try await req.view.render("workspace/staff", context)
    }

    func memberHome(req: Request) async throws -> View {
        let chrome = try await Chrome.make(for: req, title: req.t("nav.my_work"))
        return try await req.view.render("workspace/member", try await MemberHome.context(req, chrome: chrome))
    }
}
