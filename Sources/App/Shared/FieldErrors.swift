import Vapor

/// Validation failures, one localized message per field; nothing is written when any exist.
struct FieldErrors: AbortError {
    var messages: [String: String]

    var status: HTTPResponseStatus { .unprocessableEntity }
    var reason: String { messages.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ") }
    var isEmpty: Bool { messages.isEmpty }

    init(_ messages: [String: String] = [:]) {
        self.messages = messages
    }

    subscript(field: String) -> String? {
        get { messages[field] }
        set { messages[field] = newValue }
    }
}
