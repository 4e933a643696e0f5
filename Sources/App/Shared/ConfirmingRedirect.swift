import Vapor

extension Request {
    /// A redirect after a change that tells the next page to confirm it (`Chrome.confirmation`).
    func redirect(to location: String, confirming done: String) -> Response {
        let separator = location.contains("?") ? "&" : "?"
        return redirect(to: location + separator + "done=" + done)
    }
}
