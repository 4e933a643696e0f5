import Vapor

/// Renders failures as a localized HTML page, or as a JSON problem for the API.
struct ErrorPageMiddleware: AsyncMiddleware {
    struct Problem: Content {
        struct FieldProblem: Content {
            let field: String
            let reason: String
        }
        let status: Int
        let error: String
        let reason: String
        let fields: [FieldProblem]?
    }

    struct ErrorPageContext: Encodable {
        let chrome: Chrome
        let status: Int
        let heading: String
        let reason: String
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return await render(error, for: request)
        }
    }

    private static func prefersJSON(_ request: Request) -> Bool {
        let accept = request.headers.first(name: .accept) ?? ""
        return accept.contains("application/json") && !accept.contains("text/html")
    }

    private func render(_ error: any Error, for request: Request) async -> Response {
        request.language = LanguageMiddleware.resolve(request)
        let status: HTTPResponseStatus
        let reason: String
        switch error {
        case let abort as any AbortError:
            status = abort.status
            reason = abort.status == .internalServerError ? request.t("error.internal") : abort.reason
        case is FileStorageFull:
            status = .insufficientStorage
            reason = request.t("upload.storage_full")
        case _ where DatabaseFault.isUnavailable(error):
            status = .serviceUnavailable
            reason = request.t("error.database_unavailable")
        default:
            status = .internalServerError
            reason = request.t("error.internal")
        }
        if status.code >= 500 { request.logger.report(error: error) }
        let fields = (error as? FieldErrors)?.messages.sorted { $0.key < $1.key }.map {
            Problem.FieldProblem(field: $0.key, reason: $0.value)
        }

        let retryAfter = status == .serviceUnavailable ? "30" : nil
        if request.isAPI || Self.prefersJSON(request) {
            let problem = Problem(status: Int(status.code), error: status.reasonPhrase, reason: reason, fields: fields)
            let response = Response(status: status)
            try? response.content.encode(problem, as: .json)
            if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        }
        do {
            let chrome = try await Chrome.make(for: request, title: "\(status.code) \(status.reasonPhrase)")
            let context = ErrorPageContext(chrome: chrome, status: Int(status.code), heading: status.reasonPhrase, reason: reason)
            let response = try await request.view.render("site/error", context).encodeResponse(for: request)
            response.status = status
            if let retryAfter { response.headers.replaceOrAdd(name: .retryAfter, value: retryAfter) }
            return response
        } catch {
            let response = Response(status: status, body: .init(string: "\(status.code) \(reason)"))
            response.headers.contentType = .plainText
            return response
        }
    }
}
