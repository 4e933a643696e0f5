import Vapor

/// Serves Public/ for the asset folders only, so page and API requests skip the file-system check.
struct PublicFilesMiddleware: AsyncMiddleware {
    static let prefixes = ["/css/", "/img/", "/js/", "/fonts/"]
    private let files: FileMiddleware

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard Self.prefixes.contains(where: path.hasPrefix) else { return try await next.respond(to: request) }
        return try await files.respond(to: request, chainingTo: next).get()
    }
}
