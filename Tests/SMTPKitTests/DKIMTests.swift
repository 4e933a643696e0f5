import Foundation
import NIOPosix
import Testing

@testable import SMTPKit

/// DKIM signatures checked by an independent verifier (dkimpy), with keys made by openssl.
@Suite("DKIM signatures verified by dkimpy")
struct DKIMTests {
    struct GeneratedKey {
        let pem: String
        let record: String
    }

    /// A fresh key pair made by openssl, and the DNS record of its public key.
    static func generate(_ kind: String, in directory: URL) throws -> GeneratedKey {
        try TestTools.requireExecutable("/usr/bin/openssl", install: "apt-get install openssl")
        let path = directory.appendingPathComponent("\(kind).pem").path
        let generate =
            kind == "rsa"
            ? try TestTools.run("/usr/bin/openssl", ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path])
            : try TestTools.run("/usr/bin/openssl", ["genpkey", "-algorithm", "ed25519", "-out", path])
        try #require(generate.status == 0, "openssl genpkey failed: \(generate.stderr)")
        let publicKey = try TestTools.run("/usr/bin/openssl", ["pkey", "-in", path, "-pubout", "-outform", "DER"])
        try #require(publicKey.status == 0, "openssl pkey failed: \(publicKey.stderr)")
        // An Ed25519 record carries the raw 32-byte key: the end of the SubjectPublicKeyInfo.
        let der = kind == "rsa" ? publicKey.stdout : publicKey.stdout.suffix(32)
        return GeneratedKey(
            pem: try String(contentsOfFile: path, encoding: .utf8),
            record: "v=DKIM1; k=\(kind == "rsa" ? "rsa" : "ed25519"); p=" + Data(der).base64EncodedString())
    }

    static func message() throws -> [UInt8] {
        var message = MailMessage(
            from: try MailAddress("newsletter@focal.example", name: "中国-东盟环境保护合作中心"),
            to: [try MailAddress("reader@example.org", name: "A Reader")],
            subject: "简报 2021年第7期 — Newsletter", text: "Dear reader,\n\n.a line with a dot\nTrailing spaces   \n\n\n",
            html: "<p>Dear reader,</p>\n<p>Second   paragraph</p>", messageID: UUID().uuidString + "@focal.example")
        message.headers = [
            ("List-Id", "Newsletter <newsletter.focal.example>"), ("List-Unsubscribe", "<http://127.0.0.1:8080/mail/unsubscribe/abc>"),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        ]
        return try message.render()
    }

    /// Runs Tests/Fixtures/dkim_verify.py; true when dkimpy accepts the signature.
    static func verifies(_ bytes: [UInt8], record: String, in directory: URL) throws -> Bool {
        try TestTools.requirePython(["dkim"])
        let file = directory.appendingPathComponent(UUID().uuidString + ".eml")
        try Data(bytes).write(to: file)
        let result = try TestTools.run(TestTools.python, [TestTools.fixtures + "/dkim_verify.py", file.path, record])
        try #require(result.status == 0 || result.status == 1, "dkim_verify.py failed to run: \(result.stderr)")
        return result.status == 0
    }

    /// The signed message with one byte of its body changed.
    static func tampered(_ signed: [UInt8]) throws -> [UInt8] {
        var bytes = signed
        let text = String(decoding: bytes, as: UTF8.self)
        let range = try #require(text.range(of: "Dear reader,", options: .backwards), "the body has no greeting to change")
        let offset = text.utf8.distance(from: text.utf8.startIndex, to: range.lowerBound)
        bytes[offset] = UInt8(ascii: "F")
        return bytes
    }

    @Test("An RSA-SHA256 or Ed25519-SHA256 signature verifies, and fails once one body byte changes", arguments: ["rsa", "ed25519"])
    func signAndVerify(kind: String) throws {
        let directory = try TestTools.temporaryDirectory("dkim")
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try Self.generate(kind, in: directory)
        let signer = DKIMSigner(domain: "focal.example", selector: "s2026", key: try DKIMSigner.key(pem: key.pem))
        #expect(signer.dnsRecord == key.record, "the record the signer publishes is not openssl's public key")
        let signed = try signer.sign(try Self.message())
        let head = String(decoding: signed.prefix(400), as: UTF8.self).replacingOccurrences(of: "\r\n\t", with: " ")
        #expect(
            head.hasPrefix(
                "DKIM-Signature: v=1; a=\(kind == "rsa" ? "rsa-sha256" : "ed25519-sha256"); c=relaxed/relaxed; d=focal.example; s=s2026;"))
        #expect(try Self.verifies(signed, record: key.record, in: directory), "dkimpy rejected the \(kind) signature")
        #expect(try !Self.verifies(try Self.tampered(signed), record: key.record, in: directory), "a changed body still verified")
        // A signature made with another key of the same kind does not verify against this record.
        let other = try Self.generate(kind, in: try TestTools.temporaryDirectory("dkim-other"))
        let foreign = try DKIMSigner(domain: "focal.example", selector: "s2026", key: DKIMSigner.key(pem: other.pem)).sign(
            try Self.message())
        #expect(try !Self.verifies(foreign, record: key.record, in: directory))
    }

    @Test("A signed message still verifies after travelling through an SMTP server")
    func verifiesAfterSMTP() async throws {
        let directory = try TestTools.temporaryDirectory("dkim-smtp")
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try Self.generate("rsa", in: directory)
        let signer = DKIMSigner(domain: "focal.example", selector: "s2026", key: try DKIMSigner.key(pem: key.pem))
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        let connection = try await SMTPConnection.connect(
            SMTPConnectionTests.configuration(recorder.port), on: MultiThreadedEventLoopGroup.singleton)
        try await connection.send(
            from: "newsletter@focal.example", to: ["reader@example.org"], message: try signer.sign(try Self.message()))
        await connection.close()
        let received = try #require(recorder.messages.first)
        #expect(try Self.verifies(Array(received), record: key.record, in: directory))
    }

    @Test(
        "From, Subject and List-* are over-signed: one of them added after signing breaks the signature",
        arguments: ["From", "Subject", "List-Unsubscribe"])
    func overSigned(header: String) throws {
        let directory = try TestTools.temporaryDirectory("dkim")
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = try Self.generate("rsa", in: directory)
        let signer = DKIMSigner(domain: "focal.example", selector: "s2026", key: try DKIMSigner.key(pem: key.pem))
        let signed = try signer.sign(try Self.message())
        #expect(try Self.verifies(signed, record: key.record, in: directory))
        let text = String(decoding: signed, as: UTF8.self)
        let h = try #require(firstTag("h", in: text))
        #expect(h.lowercased().components(separatedBy: ":").filter { $0 == header.lowercased() }.count == 2, "h=\(h)")
        // an added header just under the signature, where a mail program may show the first one
        let end = try #require(text.range(of: "\r\n", range: text.range(of: "b=")!.upperBound..<text.endIndex))
        let forged = String(text[..<end.upperBound]) + "\(header): forged@evil.example\r\n" + String(text[end.upperBound...])
        #expect(try !Self.verifies(Array(forged.utf8), record: key.record, in: directory), "an added \(header) still verifies")
    }

    /// The value of one tag of the DKIM-Signature header, unfolded.
    func firstTag(_ tag: String, in text: String) -> String? {
        let header = text.components(separatedBy: "\r\n\r\n")[0].replacingOccurrences(of: "\r\n\t", with: " ")
            .replacingOccurrences(of: "\r\n ", with: " ")
        guard let range = header.range(of: " \(tag)=") ?? header.range(of: ";\(tag)=") else { return nil }
        return header[range.upperBound...].prefix { $0 != ";" }.replacingOccurrences(of: " ", with: "")
    }
}
