import Foundation
import NIOCore

/// Reads typed values from environment variables, collecting a message per malformed variable.
struct EnvironmentReader {
    private let environment: [String: String]
    private(set) var problems: [String] = []

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    private func value(_ name: String) -> String? {
        guard let raw = environment[name]?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        return raw
    }

    /// The trimmed value, or nil when unset or empty.
    func raw(_ name: String) -> String? { value(name) }

    mutating func report(_ problem: String) { problems.append(problem) }

    mutating func path(_ name: String, default fallback: String) -> String {
        guard let raw = value(name) else { return fallback }
        guard raw.hasPrefix("/") else {
            problems.append("\(name): '\(raw)' must be an absolute path")
            return fallback
        }
        return raw
    }

    mutating func httpURL(_ name: String, default fallback: String) -> URL {
        let raw = value(name) ?? fallback
        guard let url = URL(string: raw), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            problems.append("\(name): '\(raw)' is not an absolute http:// or https:// URL")
            return URL(string: fallback)!
        }
        return url
    }

    mutating func integer(_ name: String, default fallback: Int, range: ClosedRange<Int>) -> Int {
        guard let raw = value(name) else { return fallback }
        guard let number = Int(raw), range.contains(number) else {
            problems.append("\(name): '\(raw)' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            return fallback
        }
        return number
    }

    /// An identifier of letters, digits, dots and hyphens, as IATI organisation identifiers.
    mutating func identifier(_ name: String, default fallback: String) -> String {
        guard let raw = value(name) else { return fallback }
        guard raw.count <= 100, raw.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "-" || $0 == "." }) else {
            problems.append("\(name): '\(raw)' may hold only letters, digits, dots and hyphens (at most 100)")
            return fallback
        }
        return raw
    }

    /// Comma-separated IP addresses; empty means none.
    mutating func addressList(_ name: String, default fallback: [String]) -> [String] {
        guard let raw = value(name) else { return fallback }
        let addresses = raw.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let invalid = addresses.filter { (try? SocketAddress(ipAddress: $0, port: 0)) == nil }
        if !invalid.isEmpty { problems.append("\(name): not IP addresses: \(invalid.joined(separator: ", "))") }
        return addresses
    }

    mutating func secret(_ name: String, minimumLength: Int) -> String? {
        guard let raw = value(name) else { return nil }
        guard raw.count >= minimumLength else {
            problems.append("\(name): must be at least \(minimumLength) characters long (it has \(raw.count))")
            return nil
        }
        return raw
    }

    mutating func database(demo: Bool, dataDirectory: String) -> AppConfig.DatabaseLocation {
        let sqlitePath = dataDirectory + (demo ? "/demo.sqlite" : "/focal.sqlite")
        guard let raw = value("DATABASE_URL"), !demo else { return .sqlite(path: sqlitePath) }
        if raw.hasPrefix("sqlite://") {
            let path = String(raw.dropFirst("sqlite://".count))
            guard path.hasPrefix("/") else {
                problems.append("DATABASE_URL: a sqlite:// URL needs an absolute file path, as sqlite:///var/lib/focal/focal.sqlite")
                return .sqlite(path: sqlitePath)
            }
            return .sqlite(path: path)
        }
        guard let url = URL(string: raw), ["postgres", "postgresql"].contains(url.scheme ?? ""), url.host != nil else {
            problems.append("DATABASE_URL: '\(raw)' is neither postgres://user:password@host:port/database nor sqlite:///path")
            return .sqlite(path: sqlitePath)
        }
        return .postgres(url: raw)
    }

    func throwIfProblems() throws {
        if !problems.isEmpty { throw AppConfigError(problems: problems) }
    }
}
