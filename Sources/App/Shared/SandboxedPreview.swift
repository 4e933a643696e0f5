import Vapor

/// HTML made to be pasted or mailed elsewhere (inline styles, no scripts), shown inside a sandboxed
/// frame of one of our pages under its own policy: its inline styles apply, nothing else runs, and
/// only this site may frame it.
enum SandboxedPreview {
    static func response(html: String) -> Response {
        let response = Response(status: .ok, body: .init(string: html))
        response.headers.contentType = .html
        response.headers.replaceOrAdd(
            name: "Content-Security-Policy",
            value: "default-src 'none'; img-src 'self' data: https:; style-src 'unsafe-inline'; frame-ancestors 'self'; sandbox")
        response.headers.replaceOrAdd(name: "X-Frame-Options", value: "SAMEORIGIN")
        return response
    }
}
