import Crypto
import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Document library: versions, uploads checked by their bytes, downloads within access")
struct DocumentTests {
    /// Creates a document through the admin form as the signed-in editor.
    static func createDocument(
        _ app: Application, headers: HTTPHeaders, slug: String, access: String = "public", title: String = "Test document"
    ) async throws -> Document {
        let response = try await postForm(
            app, "/admin/documents",
            fields: [
                "title_en": title, "title_zh": "", "slug": slug, "type": "concept_note", "lifecycle": "draft", "adopted_on": "",
                "access": access, "description_en": "Made by the test suite.", "description_zh": "",
            ], headers: headers)
        try #require(response.status == .seeOther, "creating document \(slug) answered \(response.status)")
        return try #require(try await Document.query(on: app.db).filter(\.$slug == slug).first())
    }

    /// Posts a new version as multipart/form-data with the CSRF field from the session's cookie;
    /// `overHTTP` sends it through a real server on a free port, so the body arrives as a network stream.
    static func upload(
        _ app: Application, _ document: Document, headers: HTTPHeaders, note: String = "First version",
        files: [(field: String, filename: String, bytes: [UInt8])], overHTTP: Bool = false, tokenInHeader: Bool = false
    ) async throws -> HTTPResult {
        var form = Multipart()
        form.field("_csrf", try #require(cookieValue(CSRFMiddleware.cookieName, in: headers), "no CSRF cookie"))
        form.field("change_note", note)
        for file in files { form.file(file.field, filename: file.filename, file.bytes) }
        var headers = headers
        headers.replaceOrAdd(name: .contentType, value: form.contentType)
        if tokenInHeader, let token = cookieValue(CSRFMiddleware.cookieName, in: headers) {
            headers.replaceOrAdd(name: "X-CSRF-Token", value: token)
        }
        let path = "/admin/documents/\(document.id!.uuidString)/versions"
        if overHTTP { return try await sendOverHTTP(app, .POST, path, headers: headers, body: form.finished()) }
        return HTTPResult(try await app.testing().sendRequest(.POST, path, headers: headers, body: form.finished()))
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
    }

    static func storedRows(_ app: Application) async throws -> [Int] {
        [try await DocumentVersion.query(on: app.db).count(), try await DocumentFile.query(on: app.db).count()]
    }

    /// The files under the test app's file store (there must be none without a record).
    static func storedFiles(_ app: Application) throws -> [String] {
        let root = try app.focalConfig.dataDirectory + "/files"
        let found = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
        return found.filter { !$0.hasSuffix(".part") && $0.split(separator: "/").count == 2 }
    }

    @Test("An uploaded PDF is stored with its size and SHA-256 and downloads byte for byte")
    func uploadAndDownload() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(app, headers: editor, slug: "concept-note-2030")
            let response = try await Self.upload(app, document, headers: editor, files: [("file_en", "Concept note.pdf", SampleFiles.pdf)])
            #expect(
                response.status == .seeOther, "the upload answered \(response.status): \(uploadFieldError(response.text, "file_en") ?? "")")
            let versions = try await DocumentVersion.query(on: app.db).filter(\.$document.$id == document.id!).with(\.$files).all()
            #expect(versions.count == 1)
            let version = try #require(versions.first)
            #expect(version.number == 1)
            #expect(version.changeNote == "First version")
            #expect(version.createdBy == Demo.editor.email)
            let file = try #require(version.files.first)
            #expect(version.files.count == 1)
            #expect(file.language == .en)
            #expect(file.filename == "Concept note.pdf")
            #expect(file.contentType == "application/pdf")
            #expect(file.size == SampleFiles.pdf.count)
            #expect(file.sha256 == Self.sha256(SampleFiles.pdf))
            #expect(try Self.storedFiles(app).count == 1)

            // the public page lists it with its digest, and the download gives the same bytes
            let page = try await app.testing().sendRequest(.GET, "/documents/concept-note-2030")
            #expect(page.status == .ok)
            #expect(page.text.contains(file.sha256))
            let href = "/documents/concept-note-2030/files/\(file.id!.uuidString)"
            #expect(page.text.contains("href=\"\(href)\""))
            let download = try await app.testing().sendRequest(.GET, href)
            #expect(download.status == .ok)
            #expect(download.bytes == SampleFiles.pdf, "the download differs from the upload")
            #expect(download.headers.first(name: .contentType) == "application/pdf")
            let disposition = download.headers.first(name: .contentDisposition) ?? ""
            #expect(disposition.hasPrefix("attachment;"), "Content-Disposition: \(disposition)")
            #expect(disposition.contains("filename=\"Concept note.pdf\""))
            #expect(download.headers.first(name: .eTag) == "\"\(file.sha256)\"")
            // a file of another document is not served under this one
            let other = try await Self.createDocument(app, headers: editor, slug: "other-document")
            #expect(try await app.testing().sendRequest(.GET, "/documents/\(other.slug)/files/\(file.id!.uuidString)").status == .notFound)

            // a second version numbers on
            let second = try await Self.upload(
                app, document, headers: editor, note: "Revised",
                files: [("file_en", "Concept note v2.pdf", SampleFiles.pdf + Array("% v2\n".utf8))])
            #expect(second.status == .seeOther)
            #expect(try await DocumentVersion.query(on: app.db).filter(\.$document.$id == document.id!).max(\.$number) == 2)
        }
    }

    @Test("Files are refused by their bytes and names, with the message on the field and nothing stored")
    func refusedFiles() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(app, headers: editor, slug: "refusals")
            let before = try await Self.storedRows(app)
            let cases: [(String, [UInt8], String)] = [
                ("x.pdf", SampleFiles.png, "The file's contents are PNG, but its name ends in .pdf."),
                ("x.pdf", SampleFiles.random, "The file's contents are not PDF, DOCX, XLSX, PPTX, PNG, JPEG, GIF or WebP."),
                ("../x.pdf", SampleFiles.pdf, "The file name must be a plain name without folders, \"..\" or control characters."),
                ("..\\x.pdf", SampleFiles.pdf, "The file name must be a plain name without folders, \"..\" or control characters."),
                ("x.docx", SampleFiles.pdf, "The file's contents are PDF, but its name ends in .docx."),
                ("brief.pdf", SampleFiles.docx, "The file's contents are DOCX, but its name ends in .pdf."),
                ("empty.pdf", [], "The file is empty."),
            ]
            for (filename, bytes, message) in cases {
                let response = try await Self.upload(app, document, headers: editor, files: [("file_en", filename, bytes)])
                #expect(response.status == .unprocessableEntity, "\(filename) answered \(response.status)")
                #expect(uploadFieldError(response.text, "file_en") == message, "\(filename)")
                #expect(try await Self.storedRows(app) == before, "\(filename) left a version or file row")
            }
            // a bad file in Chinese refuses the whole version, even with a good English file
            let mixed = try await Self.upload(
                app, document, headers: editor, files: [("file_en", "ok.pdf", SampleFiles.pdf), ("file_zh", "x.pdf", SampleFiles.png)])
            #expect(mixed.status == .unprocessableEntity)
            #expect(uploadFieldError(mixed.text, "file_zh") == "The file's contents are PNG, but its name ends in .pdf.")
            // no file at all, no change note
            let nothing = try await Self.upload(app, document, headers: editor, note: "", files: [])
            #expect(nothing.status == .unprocessableEntity)
            #expect(uploadFieldError(nothing.text, "file_en") == "Choose at least one file.")
            #expect(try await Self.storedRows(app) == before)
            #expect(try Self.storedFiles(app) == [], "a refused upload left a file in the store")
            // without the CSRF field the upload is refused before anything is read
            var form = Multipart()
            form.field("change_note", "no token")
            form.file("file_en", filename: "ok.pdf", SampleFiles.pdf)
            var headers = editor
            headers.replaceOrAdd(name: .contentType, value: form.contentType)
            let noToken = try await app.testing().sendRequest(
                .POST, "/admin/documents/\(document.id!.uuidString)/versions", headers: headers, body: form.finished())
            #expect(noToken.status == .forbidden)
            #expect(try await Self.storedRows(app) == before)
        }
    }

    @Test("A full disk: the upload fails with the reason on the form (507), and leaves no partial file, no stored file and no row")
    func storageFull() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(app, headers: editor, slug: "disk-full")
            // The disk takes the first 1,000 bytes of a file, then has no space left: the real
            // writer's first bytes land and its cleanup has to run.
            let root = try app.focalConfig.dataDirectory + "/files"
            app.storage[Application.FileStorageKey.self] = LocalFileStorage(directory: root) { path, bytes in
                var head = bytes
                head.moveWriterIndex(to: head.readerIndex + min(1_000, bytes.readableBytes))
                try LocalFileStorage.writeNewFile(path, head)
                throw POSIXError(.ENOSPC)
            }
            let rowsBefore = try await Self.storedRows(app)
            let response = try await Self.upload(
                app, document, headers: editor,
                files: [("file_en", "Concept note.pdf", SampleFiles.pdf), ("file_zh", "Concept note zh.pdf", SampleFiles.pdf)])
            #expect(response.status == .insufficientStorage)
            #expect(uploadFieldError(response.text, "file_en")?.contains("file store is full") == true, "\(response.text.prefix(600))")
            #expect(try await Self.storedRows(app) == rowsBefore)
            let leftovers = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String]) ?? []
            #expect(leftovers.filter { $0.split(separator: "/").count == 2 }.isEmpty, "files left behind: \(leftovers)")
            // Space again: the same upload goes through.
            app.storage[Application.FileStorageKey.self] = LocalFileStorage(directory: root)
            let retried = try await Self.upload(app, document, headers: editor, files: [("file_en", "Concept note.pdf", SampleFiles.pdf)])
            #expect(retried.status == .seeOther)
        }
    }

    @Test("A minimal DOCX is recognised by its ZIP entries")
    func docxDetected() async throws {
        #expect(ContentSniffer.sniff(ByteBuffer(bytes: SampleFiles.docx)) == ContentSniffer.docx)
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(app, headers: editor, slug: "brief")
            let response = try await Self.upload(app, document, headers: editor, files: [("file_zh", "简报.docx", SampleFiles.docx)])
            #expect(response.status == .seeOther, "\(uploadFieldError(response.text, "file_zh") ?? "")")
            let file = try #require(try await DocumentFile.query(on: app.db).first())
            #expect(file.contentType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(file.language == .zh)
            #expect(file.sha256 == Self.sha256(SampleFiles.docx))
            let download = try await app.testing().sendRequest(.GET, "/documents/brief/files/\(file.id!.uuidString)")
            #expect(download.bytes == SampleFiles.docx)
            let disposition = download.headers.first(name: .contentDisposition) ?? ""
            #expect(disposition.contains("filename*=UTF-8''%E7%AE%80%E6%8A%A5.docx"), "\(disposition)")
            // a ZIP that is no Office document is refused
            let plainZip = ZipWriter.stored([("readme.txt", Array("hello".utf8))])
            let refused = try await Self.upload(app, document, headers: editor, files: [("file_en", "x.docx", plainZip)])
            #expect(refused.status == .unprocessableEntity)
        }
    }

    @Test("A file over the upload limit is refused with the limit on the field; a body over twice the limit gets 413")
    func sizeLimit() async throws {
        try await withApp(loadDemo: true, environment: ["FOCAL_UPLOAD_MAX_BYTES": "2048"]) { app async throws in
            #expect(try app.focalConfig.uploadMaxBytes == 2048)
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(app, headers: editor, slug: "large")
            let before = try await Self.storedRows(app)
            let justOver = SampleFiles.pdf + [UInt8](repeating: 0x20, count: 2049 - SampleFiles.pdf.count)
            let over = try await Self.upload(app, document, headers: editor, files: [("file_en", "large.pdf", justOver)])
            #expect(over.status == .unprocessableEntity)
            #expect(uploadFieldError(over.text, "file_en") == "The file is larger than the limit of 2.0 KB.")
            #expect(try await Self.storedRows(app) == before)
            // exactly the limit is fine
            let exactly = Array(justOver.dropLast())
            let fits = try await Self.upload(app, document, headers: editor, files: [("file_en", "fits.pdf", exactly)])
            #expect(fits.status == .seeOther)
            // far over: refused before the handler. The body limit applies to bodies read from the
            // network, so this goes through a real server (the CSRF token also in its header, so that
            // the limit, not the token check, is what is tested here).
            let huge = SampleFiles.pdf + [UInt8](repeating: 0x20, count: 5_000)
            let tooLarge = try await Self.upload(
                app, document, headers: editor, files: [("file_en", "huge.pdf", huge)], overHTTP: true, tokenInHeader: true)
            #expect(tooLarge.status == .payloadTooLarge)
            #expect(try await Self.storedRows(app) == [before[0] + 1, before[1] + 1])
        }
    }

    @Test("A real-sized upload sent over HTTP (streamed body) is accepted and stored byte for byte")
    func uploadOverHTTP() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(app, headers: editor, slug: "annual-report")
            // control: a tiny upload over HTTP arrives in one piece and is accepted
            let small = try await Self.upload(
                app, document, headers: editor, files: [("file_en", "small.pdf", SampleFiles.pdf)], overHTTP: true)
            // (the HTTP client follows the 303 to the files page)
            #expect(small.status == .ok, "a tiny upload over HTTP answered \(small.status)")
            #expect(try await DocumentFile.query(on: app.db).count() == 1)
            try await DocumentFile.query(on: app.db).delete()
            // 1 MiB: a small real report, far below the default 25 MiB limit
            let report = SampleFiles.pdf + (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 % 97 + 32) }
            let response = try await Self.upload(app, document, headers: editor, files: [("file_en", "report.pdf", report)], overHTTP: true)
            #expect(
                response.status == .ok,
                "a 1 MiB upload over HTTP answered \(response.status): \(response.text.components(separatedBy: "<main").last.map { visibleText($0).prefix(160) } ?? "")"
            )
            let file = try await DocumentFile.query(on: app.db).first()
            #expect(file?.size == report.count)
            #expect(file?.sha256 == Self.sha256(report))
        }
    }

    @Test("A secretariat document and its files are hidden from anonymous readers and focal points, open to the editor")
    func access() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Self.createDocument(
                app, headers: editor, slug: "internal-briefing", access: "secretariat", title: "Internal briefing")
            let uploaded = try await Self.upload(app, document, headers: editor, files: [("file_en", "brief.pdf", SampleFiles.pdf)])
            #expect(uploaded.status == .seeOther)
            let file = try #require(try await DocumentFile.query(on: app.db).first())
            let page = "/documents/internal-briefing"
            let download = "\(page)/files/\(file.id!.uuidString)"
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            for (who, headers) in [("anonymous", HTTPHeaders()), ("focal point", focalPoint)] {
                let shown = try await app.testing().sendRequest(.GET, page, headers: headers)
                #expect(shown.status == .notFound, "\(who) sees the page")
                #expect(!shown.text.contains("Internal briefing"))
                let fetched = try await app.testing().sendRequest(.GET, download, headers: headers)
                #expect(fetched.status == .notFound, "\(who) downloads the file")
                #expect(fetched.bytes != SampleFiles.pdf)
                let list = try await app.testing().sendRequest(.GET, "/documents", headers: headers)
                #expect(!list.text.contains("Internal briefing"), "\(who) sees it listed")
            }
            let shown = try await app.testing().sendRequest(.GET, page, headers: editor)
            #expect(shown.status == .ok)
            #expect(shown.text.contains("Internal briefing"))
            let fetched = try await app.testing().sendRequest(.GET, download, headers: editor)
            #expect(fetched.status == .ok)
            #expect(fetched.bytes == SampleFiles.pdf)
            #expect(fetched.headers.first(name: .cacheControl) == "private, no-store")
            // a network document is open to the focal point but not to anonymous readers
            let network = try await Self.createDocument(
                app, headers: editor, slug: "network-note", access: "network", title: "Network note")
            #expect(try await app.testing().sendRequest(.GET, "/documents/\(network.slug)").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/documents/\(network.slug)", headers: focalPoint).status == .ok)
            // focal points cannot upload
            let refused = try await Self.upload(app, document, headers: focalPoint, files: [("file_en", "x.pdf", SampleFiles.pdf)])
            #expect(refused.status == .forbidden)
            #expect(try await DocumentFile.query(on: app.db).count() == 1)
        }
    }
}
