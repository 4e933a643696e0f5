import Vapor

extension Request {
    /// A redirect after a change that tells the next page to confirm it (`Chrome.confirmation`).
    func redirect(to location: String, confirming done: String) -> Response {
        // A fragment stays last, where the browser reads it.
        let parts = location.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
        let path = String(parts[0])
        let fragment = parts.count > 1 ? "#" + parts[1] : ""
        let separator = path.contains("?") ? "&" : "?"
        return redirect(to: path + separator + "done=" + done + fragment)
    }
}
