import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// CSV import of subscribers: every rejected row reported by line, de-duplication after
/// normalising, RFC 4180 quoting, refusal of whole files that cannot be read, and large files.
@Suite("Subscriber import")
struct SubscriberImportTests {
    /// The lists "newsletter" and "events".
    static func makeLists(_ app: Application) async throws {
        for slug in ["newsletter", "events"] {
            let list = MailingList()
            list.slug = slug
            list.nameEn = slug.capitalized
            list.nameZh = ""
            list.focalPoints = false
            try await list.save(on: app.db)
        }
    }

    static let importer = SubscriberImport(status: .confirmed, source: "import:test.csv", defaultLists: [])

    /// Lines are numbered as a text editor shows them; the record of Frank spans lines 9 and 10.
    static let csv = """
        email,name,language,lists
        alice@example.org,Alice,en,newsletter
        not-an-address,Bob,en,newsletter
        carol@example.org,"Carol, the \"\"first\"\"",zh,newsletter events
        alice@example.org,Alice again,en,newsletter
        ALICE@Example.ORG,Alice shouting,en,
        dave@example.org,Dave,fr,newsletter
        erin@example.org,Erin,en,nosuchlist
        frank@example.org,"Frank
        the second line",both,events
        grace@example.org,"Grace, Ltd.",both,"newsletter;events"
        also bad@example.org,Space,en,
         Heidi@Example.org ,,,

        """

    static func lists(_ app: Application, _ email: String) async throws -> Set<String> {
        guard let subscriber = try await Subscriber.query(on: app.db).filter(\.$email == email).first() else { return [] }
        return Set(
            try await Subscription.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).with(\.$list).all().map(\.list.slug))
    }

    static func reason(_ report: SubscriberImport.Report, line: Int) -> String? {
        report.rejections.first { $0.line == line }?.reason
    }

    @Test("Valid rows are imported and every other row is reported with its line and reason")
    func mixedFile() async throws {
        try await withApp { app async throws in
            try await Self.makeLists(app)
            let report = try await Self.importer.run(Data(Self.csv.utf8), on: app.db)
            #expect(report.imported == 4, "\(report)")
            #expect(report.alreadySubscribed == 0)
            #expect(report.rejections.map(\.line) == [3, 5, 6, 7, 8, 9, 12], "\(report.rejections)")
            #expect(Self.reason(report, line: 3)?.contains("not a valid e-mail address") == true)
            #expect(Self.reason(report, line: 5) == "duplicate of line 2")
            #expect(Self.reason(report, line: 6) == "duplicate of line 2", "an address differing only in case is the same mailbox")
            #expect(Self.reason(report, line: 7)?.contains("language") == true)
            #expect(Self.reason(report, line: 8)?.contains("nosuchlist") == true)
            #expect(Self.reason(report, line: 9)?.contains("line breaks") == true)
            #expect(Self.reason(report, line: 12)?.contains("not a valid e-mail address") == true)

            let subscribers = try await Subscriber.query(on: app.db).sort(\.$email).all()
            #expect(subscribers.map(\.email) == ["alice@example.org", "carol@example.org", "grace@example.org", "heidi@example.org"])
            let carol = try #require(subscribers.first { $0.email == "carol@example.org" })
            #expect(carol.name == "Carol, the \"first\"")
            #expect(carol.language == .zh)
            #expect(carol.status == .confirmed)
            #expect(subscribers.first { $0.email == "grace@example.org" }?.name == "Grace, Ltd.")
            #expect(subscribers.first { $0.email == "heidi@example.org" }?.language == .en, "an empty language is English")
            #expect(try await Self.lists(app, "carol@example.org") == ["newsletter", "events"])
            #expect(try await Self.lists(app, "grace@example.org") == ["newsletter", "events"])
            #expect(try await Self.lists(app, "alice@example.org") == ["newsletter"])
            #expect(try await Self.lists(app, "heidi@example.org") == [])
            let consents = try await ConsentEvent.query(on: app.db).all()
            #expect(consents.count == 4)
            #expect(consents.allSatisfy { $0.action == "import" && $0.textVersion == "import:test.csv" && $0.source == "csv-import" })

            // Importing the same file again adds nobody.
            let again = try await Self.importer.run(Data(Self.csv.utf8), on: app.db)
            #expect(again.imported == 0)
            #expect(again.alreadySubscribed == 4)
            #expect(try await Subscriber.query(on: app.db).count() == 4)
        }
    }

    @Test(
        "The subscriber export imports back into an empty database: same addresses (formula guards undone), statuses kept, no opt-out turned into consent"
    )
    func exportImportsBack() async throws {
        var exported = ""
        var original: [String: SubscriberStatus] = [:]
        try await withApp(loadDemo: true) { app async throws in
            let tricky = [
                ("=sum@example.org", SubscriberStatus.confirmed), ("-left@example.org", .unsubscribed), ("+c@example.org", .complained),
            ]
            for (email, status) in tricky { try await Subscriber(email: email, name: "", language: .en, status: status).save(on: app.db) }
            let editor = try await signIn(app, as: Demo.editor)
            let response = try await app.testing().sendRequest(.GET, "/admin/subscribers/export.csv", headers: editor)
            #expect(response.status == .ok)
            exported = response.body.string
            #expect(exported.contains("'=sum@example.org"), "the export does not guard formulas")
            original = Dictionary(uniqueKeysWithValues: try await Subscriber.query(on: app.db).all().map { ($0.email, $0.status) })
        }
        // a second installation with the same lists (the demo's)
        try await withApp(loadDemo: true) { app async throws in
            let report = try await Self.importer.run(Data(exported.utf8), on: app.db)
            #expect(report.rejections.isEmpty, "\(report.rejections.map { "\($0.line): \($0.reason)" })")
            let imported = Dictionary(uniqueKeysWithValues: try await Subscriber.query(on: app.db).all().map { ($0.email, $0.status) })
            #expect(
                Set(imported.keys) == Set(original.keys), "addresses differ: \(Set(imported.keys).symmetricDifference(Set(original.keys)))")
            for (email, status) in original where status != .confirmed {
                #expect(imported[email] == status, "\(email) was \(status), imported as \(imported[email].map(\.rawValue) ?? "nothing")")
            }
        }
    }

    @Test("An address whose first row was refused is still imported from a later, valid row")
    func refusedRowDoesNotShadowLaterRow() async throws {
        try await withApp { app async throws in
            try await Self.makeLists(app)
            let csv = "email,language\nzoe@example.org,klingon\nzoe@example.org,en\n"
            let report = try await Self.importer.run(Data(csv.utf8), on: app.db)
            #expect(report.rejections.map(\.line) == [2], "\(report.rejections)")
            #expect(report.imported == 1)
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == "zoe@example.org").count() == 1)
        }
    }

    @Test("A file that is not UTF-8 is refused naming the line of the first bad byte, and nothing is written")
    func latin1() async throws {
        try await withApp { app async throws in
            try await Self.makeLists(app)
            var data = Data("email,name\nok@example.org,Ok\nother@example.org,Other\njose@example.org,Jos".utf8)
            data.append(0xE9)  // "é" in Latin-1
            data.append(contentsOf: Array("\n".utf8))
            await #expect(throws: SubscriberImport.Failure.notUTF8(line: 4)) { try await Self.importer.run(data, on: app.db) }
            #expect(try await Subscriber.query(on: app.db).count() == 0)
            #expect(try await ConsentEvent.query(on: app.db).count() == 0)
        }
    }

    @Test("A file without an email column is refused and nothing is written")
    func missingEmailColumn() async throws {
        try await withApp { app async throws in
            try await Self.makeLists(app)
            await #expect(throws: SubscriberImport.Failure.missingColumn("email")) {
                try await Self.importer.run(Data("name,language\nBob,en\n".utf8), on: app.db)
            }
            await #expect(throws: SubscriberImport.Failure.unknownColumn("phone")) {
                try await Self.importer.run(Data("email,phone\nbob@example.org,123\n".utf8), on: app.db)
            }
            #expect(try await Subscriber.query(on: app.db).count() == 0)
        }
    }

    @Test("Editors import through the admin upload: rejected lines are listed, a Latin-1 file gets 422")
    func adminUpload() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Subscriber.query(on: app.db).count()
            func upload(_ bytes: [UInt8], list: String = "newsletter") async throws -> TestingHTTPResponse {
                var form = Multipart()
                form.field("_csrf", try #require(cookieValue(CSRFMiddleware.cookieName, in: editor)))
                form.field("list", list)
                form.file("file", filename: "people.csv", contentType: "text/csv", bytes)
                var headers = editor
                headers.replaceOrAdd(name: .contentType, value: form.contentType)
                return try await app.testing().sendRequest(.POST, "/admin/subscribers/import", headers: headers, body: form.finished())
            }
            let response = try await upload(Array("email,name\nuploaded@example.org,Up\nbroken,No\nsecond@example.org,Two\n".utf8))
            #expect(response.status == .ok, "\(response.status)")
            #expect(response.text.contains("<td>3</td>"), "the rejected line 3 is not listed")
            #expect(try await Subscriber.query(on: app.db).count() == before + 2)
            #expect(try await Self.lists(app, "uploaded@example.org") == ["newsletter"], "the chosen list was not applied")

            let latin1 = try await upload(Array("email,name\nlatin@example.org,Jos".utf8) + [0xE9, 10])
            #expect(latin1.status == .unprocessableEntity)
            #expect(latin1.text.contains("UTF-8"))
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == "latin@example.org").count() == 0)

            let anonymous = try await app.testing().sendRequest(.GET, "/admin/subscribers/import")
            #expect(anonymous.status != .ok, "the import form was shown without signing in")
        }
    }

    @Test("focal import-subscribers FILE --list imports through the command line and reports rejected lines")
    func command() async throws {
        try await withApp { app async throws in
            try await Self.makeLists(app)
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("import-\(UUID().uuidString).csv")
            try Data("email,name\ncli@example.org,Cli\nnope,Nope\n".utf8).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let output = try await runCommand(app, ["import-subscribers", file.path, "--list", "events"])
            #expect(output.contains("line 3:"), "\(output)")
            #expect(output.contains("Imported 1"), "\(output)")
            #expect(try await Self.lists(app, "cli@example.org") == ["events"])
            let consent = try await ConsentEvent.query(on: app.db).first()
            #expect(consent?.textVersion == "import:" + file.lastPathComponent)

            let unknownList = try? await runCommand(app, ["import-subscribers", file.path, "--list", "nosuchlist"])
            #expect(unknownList == nil, "an unknown --list was accepted")
        }
    }

    @Test("A file of 100,000 rows imports them all")
    func largeFile() async throws {
        try await withApp { app async throws in
            try await Self.makeLists(app)
            let count = 100_000
            var text = "email,name,language,lists\n"
            text.reserveCapacity(count * 48)
            for index in 0..<count { text += "person\(index)@example.org,Person \(index),\(index % 3 == 0 ? "zh" : "en"),newsletter\n" }
            let report = try await Self.importer.run(Data(text.utf8), on: app.db)
            #expect(report.imported == count)
            #expect(report.rejections.isEmpty)
            #expect(try await Subscriber.query(on: app.db).count() == count)
            #expect(try await Subscription.query(on: app.db).count() == count)
            #expect(try await ConsentEvent.query(on: app.db).count() == count)
        }
    }
}
