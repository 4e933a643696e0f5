import Foundation

/// A received message as Python's email package reads it (Tests/Fixtures/mail_parts.py).
struct ParsedMail: Decodable {
    struct Part: Decodable {
        let content_type: String
        let filename: String
        let text: String
        let size: Int
    }

    let headers: [[String]]
    let content_type: String
    let parts: [Part]

    func header(_ name: String) -> String? { headers.first { $0[0].lowercased() == name.lowercased() }?[1] }
    func part(_ type: String) -> Part? { parts.first { $0.content_type == type } }

    static func parse(_ data: Data) throws -> ParsedMail {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mail-" + UUID().uuidString + ".eml")
        try data.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try TestTools.run(TestTools.python, [TestTools.fixtures + "/mail_parts.py", file.path])
        guard result.status == 0 else { throw MissingTool(description: "mail_parts.py failed (python3 is required): \(result.stderr)") }
        return try JSONDecoder().decode(ParsedMail.self, from: result.stdout)
    }
}

extension SMTPRecorder {
    /// The messages whose envelope recipient is `address`, parsed.
    func messages(to address: String) throws -> [ParsedMail] {
        let all = messages
        var found: [ParsedMail] = []
        for (index, line) in received.enumerated() where line.recipient.lowercased() == address.lowercased() && index < all.count {
            found.append(try ParsedMail.parse(all[index]))
        }
        return found
    }

    /// The raw message (as stored) whose envelope recipient is `address`.
    func rawMessage(to address: String) -> Data? {
        let all = messages
        guard let index = received.firstIndex(where: { $0.recipient.lowercased() == address.lowercased() }), index < all.count else {
            return nil
        }
        return all[index]
    }

    /// What Focal needs to send through this recorder.
    var environment: [String: String] {
        [
            "FOCAL_SMTP_URL": "smtp://127.0.0.1:\(port)?starttls=never", "FOCAL_MAIL_FROM": "Focal Newsletter <newsletter@focal.example>",
            "FOCAL_MAIL_RATE": "0",
        ]
    }
}

/// The first match of a regular expression's first group (or whole match) in a text.
func firstMatch(_ pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
        let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
    else { return nil }
    let range = match.numberOfRanges > 1 ? match.range(at: 1) : match.range
    return Range(range, in: text).map { String(text[$0]) }
}

/// DKIM keys made by openssl for the tests, and dkimpy to verify with.
enum DKIMTestKey {
    /// A fresh RSA-2048 key in PKCS #8 PEM at `directory/dkim.pem`, and the DNS record of its public key.
    static func rsa(in directory: URL) throws -> (path: String, record: String) {
        try TestTools.requireExecutable("/usr/bin/openssl", install: "apt-get install openssl")
        let path = directory.appendingPathComponent("dkim.pem").path
        let generate = try TestTools.run(
            "/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path])
        guard generate.status == 0 else { throw MissingTool(description: "openssl genpkey failed: \(generate.stderr)") }
        let der = try TestTools.run("/usr/bin/openssl", ["pkey", "-in", path, "-pubout", "-outform", "DER"])
        guard der.status == 0 else { throw MissingTool(description: "openssl pkey failed: \(der.stderr)") }
        return (path, "v=DKIM1; k=rsa; p=" + der.stdout.base64EncodedString())
    }

    static func verifies(_ message: Data, record: String) throws -> Bool {
        try TestTools.requirePython(["dkim"])
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dkim-" + UUID().uuidString + ".eml")
        try message.write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try TestTools.run(TestTools.python, [TestTools.fixtures + "/dkim_verify.py", file.path, record])
        guard result.status == 0 || result.status == 1 else { throw MissingTool(description: "dkim_verify.py failed: \(result.stderr)") }
        return result.status == 0
    }
}
