import Foundation

/// A message as it arrives in a mailbox, read far enough to find its parts: unfolded headers, the
/// body, and for multipart types the parts, recursively. Bodies are kept as text; reports are
/// ASCII by their standards, and other bytes are read as UTF-8 with replacement.
public struct ReceivedMessage: Sendable {
    public let headers: [(name: String, value: String)]
    public let body: String

    public init(_ data: Data) {
        self.init(text: String(decoding: data, as: UTF8.self))
    }

    public init(text: String) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var headers: [(name: String, value: String)] = []
        var index = 0
        // An mbox "From " separator line is not a header.
        if let first = lines.first, first.hasPrefix("From ") { index = 1 }
        while index < lines.count, !lines[index].isEmpty {
            let line = lines[index]
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                headers.append(
                    (
                        String(line[..<colon]).trimmingCharacters(in: .whitespaces).lowercased(),
                        String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                    ))
            }
            index += 1
        }
        self.headers = headers
        body = index + 1 < lines.count ? lines[(index + 1)...].joined(separator: "\n") : ""
    }

    /// The first header of that name (any case).
    public func header(_ name: String) -> String? {
        let name = name.lowercased()
        return headers.first { $0.name == name }?.value
    }

    /// The media type, lowercased ("text/plain" when absent, as RFC 2045 says).
    public var mediaType: String {
        header("content-type").map { Self.parameters(of: $0).value.lowercased() } ?? "text/plain"
    }

    /// A parameter of the Content-Type (boundary, report-type), unquoted.
    public func contentTypeParameter(_ name: String) -> String? {
        header("content-type").flatMap { Self.parameters(of: $0).parameters[name.lowercased()] }
    }

    /// The parts of a multipart message, in order; empty for other types.
    public var parts: [ReceivedMessage] {
        guard mediaType.hasPrefix("multipart/"), let boundary = contentTypeParameter("boundary"), !boundary.isEmpty else { return [] }
        var parts: [ReceivedMessage] = []
        var current: [Substring]?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed == "--" + boundary + "--" {
                if let current { parts.append(ReceivedMessage(text: current.joined(separator: "\n"))) }
                return parts
            }
            if trimmed == "--" + boundary {
                if let current { parts.append(ReceivedMessage(text: current.joined(separator: "\n"))) }
                current = []
            } else {
                current?.append(line)
            }
        }
        if let current { parts.append(ReceivedMessage(text: current.joined(separator: "\n"))) }
        return parts
    }

    /// This entity and every part below it, depth first.
    public var allParts: [ReceivedMessage] {
        [self] + parts.flatMap(\.allParts)
    }

    /// Blocks of header-like fields separated by blank lines, as in a delivery-status or
    /// feedback-report body: each block's fields with lowercased names and unfolded values.
    public var fieldGroups: [[String: String]] {
        var groups: [[String: String]] = []
        var fields: [String: String] = [:]
        var last: String?
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !fields.isEmpty { groups.append(fields) }
                fields = [:]
                last = nil
            } else if line.first == " " || line.first == "\t", let last {
                fields[last, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let name = String(line[..<colon]).trimmingCharacters(in: .whitespaces).lowercased()
                // The first of a repeated field counts (Original-Rcpt-To may repeat).
                if fields[name] == nil { fields[name] = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces) }
                last = name
            }
        }
        if !fields.isEmpty { groups.append(fields) }
        return groups
    }

    /// "type/subtype; name=value; name=\"quoted; value\"" split into the value and its parameters.
    static func parameters(of header: String) -> (value: String, parameters: [String: String]) {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        for character in header {
            if character == "\"" { quoted.toggle() }
            if character == ";", !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        var parameters: [String: String] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            let name = piece[..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var value = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            parameters[name] = value
        }
        return (pieces[0].trimmingCharacters(in: .whitespaces), parameters)
    }
}
