import Vapor

/// Serves Public/ for the asset folders only, so page and API requests skip the file-system check.
struct PublicFilesMiddleware: AsyncMiddleware {
    static let prefixes = ["/css/", "/img/", "/js/", "/fonts/"]
    private let files: FileMiddleware
    private let publicDirectory: String

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
        self.publicDirectory = publicDirectory
    }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = request.url.path
        guard Self.prefixes.contains(where: path.hasPrefix) else { return try await next.respond(to: request) }
        // FileMiddleware decodes the path and the file system stops at a NUL, while the type would
        // come from what follows it (`local-time.js%00.html` served as HTML): such names are refused.
        let decoded = path.removingPercentEncoding ?? path
        if decoded.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) || decoded != path {
            throw Abort(.notFound)
        }
        if !path.contains(".."), let refusal = UnsatisfiableRange.response(for: request, filePath: publicDirectory + path) {
            return refusal
        }
        return try await files.respond(to: request, chainingTo: next).get()
    }
}
