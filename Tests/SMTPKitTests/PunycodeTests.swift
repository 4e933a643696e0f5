import Foundation
import MailTestSupport
import Testing

@testable import SMTPKit

@Suite("Internationalised domains")
struct PunycodeTests {
    static let domains = [
        "例子.中国", "bücher.example", "MÜNCHEN.de", "παράδειγμα.δοκιμή", "пример.рф", "東盟環境.example", "ex.みんな", "plain.example",
    ]

    @Test("Domains are encoded as Python's idna codec encodes them")
    func matchesPython() throws {
        for domain in Self.domains {
            let python = try TestTools.run(TestTools.python, ["-c", "import sys; print(sys.argv[1].encode('idna').decode())", domain])
            #expect(python.status == 0, "\(python.stderr)")
            let expected = String(decoding: python.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(Punycode.asciiDomain(domain) == expected, "\(domain)")
        }
    }

    @Test("RFC 3492's own sample strings encode as the RFC gives them")
    func rfcSamples() {
        // RFC 3492 §7.1 (B) Chinese (simplified) and (L) Japanese 3年B組金八先生 (lower-cased by the RFC's output)
        #expect(Punycode.encode("他们为什么不说中文") == "ihqwcrb4cv8a8dqg056pqjye")
        #expect(Punycode.encode("3年b組金八先生") == "3b-ww4c5e180e575a65lsy2b")
    }

    @Test("A domain label may not start or end with a hyphen or be empty")
    func labels() {
        for bad in ["a@-example.com", "a@example-.com", "a@ex..ample.com", "a@example.-com"] {
            #expect(!MailAddress.isValidEnvelopeAddress(bad), "\(bad) was accepted")
        }
        #expect(MailAddress.isValidEnvelopeAddress("a@ex-ample.com"))
        #expect(MailAddress.asciiDomainForm("用户@例子.中国") == "用户@xn--fsqu00a.xn--fiqs8s")
    }
}
