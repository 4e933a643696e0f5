import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The PDF edition of an issue")
struct PDFTests {
    static let path = "/newsletters/2021/7.pdf?lang=en"

    /// Runs a poppler tool on a file; a missing tool fails the test with how to install it.
    static func poppler(_ tool: String, _ arguments: [String]) throws -> String? {
        let executable = ["/usr/bin/" + tool, "/usr/local/bin/" + tool].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let executable else {
            Issue.record("\(tool) is not installed; install poppler-utils (`apt-get install poppler-utils`; CI installs it).")
            return nil
        }
        let result = try TestTools.run(executable, arguments)
        guard result.status == 0 else {
            Issue.record("\(tool) failed (\(result.status)): \(result.stderr)")
            return nil
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// Chromium must be there for the PDF tests: they fail, never skip, without it.
    static func requireChromium(_ app: Application) throws -> Bool {
        if let reason = try app.pdfRenderer.unavailableReason {
            Issue.record("Chromium is needed for the PDF edition tests (install Debian's chromium package): \(reason)")
            return false
        }
        return true
    }

    static func cachedFiles(_ app: Application) throws -> [String] {
        let directory = try app.focalConfig.dataDirectory + "/pdf-cache"
        return ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { $0.hasSuffix(".pdf") }.sorted()
            .map { directory + "/" + $0 }
    }

    @Test("The English PDF embeds subset fonts and prints the masthead, issue line and page numbers")
    func englishPDF() async throws {
        try await withApp(loadDemo: true) { app async throws in
            guard try Self.requireChromium(app) else { return }
            let response = try await app.testing().sendRequest(.GET, Self.path)
            #expect(response.status == .ok, "\(response.status): \(response.text.prefix(300))")
            #expect(response.headers.contentType?.type == "application" && response.headers.contentType?.subType == "pdf")
            #expect(response.bytes.starts(with: Array("%PDF".utf8)), "the body is not a PDF")
            #expect(response.headers.first(name: .contentDisposition)?.contains("newsletter-2021-7-en.pdf") == true)

            let file = FileManager.default.temporaryDirectory.appendingPathComponent("focal-\(UUID().uuidString).pdf")
            try Data(response.bytes).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }

            let fonts = try #require(try Self.poppler("pdffonts", [file.path]))
            let rows = fonts.components(separatedBy: "\n").dropFirst(2).filter { !$0.isEmpty }
            #expect(!rows.isEmpty, "pdffonts lists no fonts:\n\(fonts)")
            let embeddedSubsets = rows.filter { row in
                let columns = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                // name … emb sub uni object ID: the flags are the 5th to 3rd columns from the end.
                guard columns.count >= 7 else { return false }
                let flags = Array(columns.suffix(5).prefix(3))
                return columns[0].range(of: #"^[A-Z]{6}\+"#, options: .regularExpression) != nil && flags[0] == "yes" && flags[1] == "yes"
            }
            #expect(!embeddedSubsets.isEmpty, "no embedded subset font (emb yes, sub yes, XXXXXX+ name):\n\(fonts)")
            for row in rows {
                let columns = row.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
                if columns.count >= 7 { #expect(columns[columns.count - 5] == "yes", "a font is not embedded: \(row)") }
            }

            let text = try #require(try Self.poppler("pdftotext", ["-enc", "UTF-8", file.path, "-"]))
            #expect(text.contains("中国-东盟环境保护合作中心"), "the masthead's Chinese name is not in the PDF text")
            #expect(text.contains("China-ASEAN Environmental Cooperation Center"))
            #expect(text.contains("Issue 7, 2021"))
            #expect(text.contains("22 August 2021"))
            #expect(
                collapsed(text).contains("Zhou Jun, Director of Department of International Cooperation of MEE, moderated the meeting."))
            let pageLines = text.components(separatedBy: .newlines).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { $0.range(of: #"^\d+ ?/ ?\d+$"#, options: .regularExpression) != nil }.map {
                    $0.replacingOccurrences(of: " ", with: "")
                }
            // pdftotext may drop the spaces of "1 / 2".
            #expect(pageLines.contains { $0.hasPrefix("1/") }, "no page number line like \"1 / 2\" in:\n\(text.suffix(400))")
            let pages = text.components(separatedBy: "\u{0C}").filter { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }.count
            #expect(pageLines.count == pages, "\(pages) pages but page lines \(pageLines)")
            #expect(pageLines == (1...max(pages, 1)).map { "\($0)/\(pages)" }, "\(pageLines) with \(pages) pages")
        }
    }

    @Test("The PDF edition carries a QR code that a reader (zbarimg) decodes to the issue's web address")
    func qrCodeToWebAddress() async throws {
        try await withApp(loadDemo: true) { app async throws in
            guard try Self.requireChromium(app) else { return }
            let response = try await app.testing().sendRequest(.GET, Self.path)
            #expect(response.status == .ok)
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("focal-qr-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let file = folder.appendingPathComponent("edition.pdf")
            try Data(response.bytes).write(to: file)
            _ = try #require(try Self.poppler("pdftoppm", ["-r", "150", "-png", file.path, folder.appendingPathComponent("page").path]))
            let pages = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") }.sorted()
            let zbarimg = "/usr/bin/zbarimg"
            guard FileManager.default.isExecutableFile(atPath: zbarimg) else {
                Issue.record("zbarimg is not installed; install zbar-tools (scripts/system-packages lists it).")
                return
            }
            let result = try TestTools.run(zbarimg, ["-q", "--raw"] + pages.map { folder.appendingPathComponent($0).path })
            let decoded = String(decoding: result.stdout, as: UTF8.self).components(separatedBy: .newlines).filter { $0.hasPrefix("http") }
            let base = try app.focalConfig.baseURL.absoluteString.trimmingSuffix("/")
            #expect(decoded == [base + "/newsletters/2021/7?lang=en"], "zbarimg read \(decoded) (\(result.stderr.prefix(200)))")
        }
    }

    @Test("The second request is served from the PDF cache, with the same bytes and ETag, and If-None-Match gives 304")
    func cache() async throws {
        try await withApp(loadDemo: true) { app async throws in
            guard try Self.requireChromium(app) else { return }
            #expect(try Self.cachedFiles(app).isEmpty)
            let first = try await app.testing().sendRequest(.GET, Self.path)
            #expect(first.status == .ok)
            let files = try Self.cachedFiles(app)
            #expect(files.count == 1, "cache directory holds \(files)")
            let cached = try #require(files.first)
            #expect(
                FileManager.default.contents(atPath: cached).map(Array.init) == first.bytes, "the cached file differs from the response")
            let etag = try #require(first.headers.first(name: .eTag), "no ETag")

            // Any rendering now would fail: the cache must answer.
            app.storage[Application.PDFRendererKey.self] = FailingRenderer()
            let second = try await app.testing().sendRequest(.GET, Self.path)
            #expect(second.status == .ok, "the second request was not served from the cache: \(second.status)")
            #expect(second.bytes == first.bytes)
            #expect(second.headers.first(name: .eTag) == etag)
            #expect(try Self.cachedFiles(app) == files)

            let conditional = try await app.testing().sendRequest(.GET, Self.path, headers: ["If-None-Match": etag])
            #expect(conditional.status == .notModified)
            #expect(conditional.body.readableBytes == 0)

            // Another language is another file (and, with rendering failing, an error, not the English PDF).
            let chinese = try await app.testing().sendRequest(.GET, "/newsletters/2021/7.pdf?lang=zh")
            #expect(chinese.status != .ok || chinese.bytes != first.bytes)
        }
    }

    @Test("Changing the issue's content makes a new PDF under a new ETag")
    func contentChangeInvalidates() async throws {
        try await withApp(loadDemo: true) { app async throws in
            guard try Self.requireChromium(app) else { return }
            let first = try await app.testing().sendRequest(.GET, Self.path)
            #expect(first.status == .ok)
            let etag = try #require(first.headers.first(name: .eTag))
            let article = try #require(try await Article.query(on: app.db).filter(\.$slug == SeedNewsletter.articleSlug).first())
            let editor = try await signIn(app, as: Demo.editor)
            var fields = NewsletterFixtures.articleFields(article)
            fields["body"] = article.bodyMarkdown + "\nAn added closing sentence for the PDF test.\n"
            let saved = try await postForm(app, "/admin/articles/\(article.id!.uuidString)", fields: fields, headers: editor)
            #expect(saved.status == .seeOther)
            let second = try await app.testing().sendRequest(.GET, Self.path, headers: ["If-None-Match": etag])
            #expect(second.status == .ok, "an edited issue still answered \(second.status) to the old ETag")
            #expect(second.headers.first(name: .eTag) != etag)
            #expect(try Self.cachedFiles(app).count == 2)
        }
    }

    @Test("Changing the centre's contact details, printed in the PDF, makes a new PDF too")
    func centreChangeInvalidates() async throws {
        try await withApp(loadDemo: true) { app async throws in
            guard try Self.requireChromium(app) else { return }
            let first = try await app.testing().sendRequest(.GET, Self.path)
            #expect(first.status == .ok)
            let etag = try #require(first.headers.first(name: .eTag))
            let profile = try #require(try await CentreProfile.query(on: app.db).first())
            profile.telephone = "+86-010-99999999"
            try await profile.save(on: app.db)
            try app.siteCache.invalidate()
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2021/7").text.contains("+86-010-99999999"))
            let second = try await app.testing().sendRequest(.GET, Self.path, headers: ["If-None-Match": etag])
            #expect(second.status == .ok, "the PDF still prints the old telephone number (answered \(second.status) to the old ETag)")
            #expect(second.headers.first(name: .eTag) != etag)
        }
    }

    @Test("An article's lead image is printed in the PDF edition, at its own size, and changes the PDF")
    func leadImageInPDF() async throws {
        // A real 40×30 PNG (one colour), written by Python's zlib so Chromium can decode it.
        let script = """
            import struct, sys, zlib
            def chunk(kind, data):
                return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
            rows = b"".join(b"\\x00" + b"\\x0b\\x6e\\x4f" * 40 for _ in range(30))
            png = b"\\x89PNG\\r\\n\\x1a\\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40, 30, 8, 2, 0, 0, 0))
            png += chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
            sys.stdout.write(png.hex())
            """
        let generated = try runPython(script)
        try #require(generated.status == 0, "python could not write the PNG: \(generated.stderr)")
        let hex = Array(generated.stdout.utf8)
        let png = stride(from: 0, to: hex.count - 1, by: 2).map { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)! }

        try await withApp(loadDemo: true) { app async throws in
            guard try Self.requireChromium(app) else { return }
            let before = try await app.testing().sendRequest(.GET, Self.path)
            #expect(before.status == .ok)
            let editor = try await signIn(app, as: Demo.editor)
            let article = try await ArticleEditingTests.seedArticle(app)
            let upload = try await ArticleEditingTests.postImage(
                app, editor, article: article, filename: "delegates.png", bytes: png, alt: "Delegates at the video meeting")
            #expect(upload.status == .seeOther, "the upload answered \(upload.status): \(visibleText(upload.text).prefix(300))")

            let after = try await app.testing().sendRequest(.GET, Self.path)
            #expect(after.status == .ok, "\(after.status): \(after.text.prefix(300))")
            #expect(after.headers.first(name: .eTag) != before.headers.first(name: .eTag), "adding the image kept the old PDF")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("focal-\(UUID().uuidString).pdf")
            try Data(after.bytes).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let list = try #require(try Self.poppler("pdfimages", ["-list", file.path]))
            // page num type width height ...: one image row per image drawn.
            let images = list.components(separatedBy: "\n").dropFirst(2).filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
                .map { $0.split(separator: " ", omittingEmptySubsequences: true).map(String.init) }
            #expect(images.count == 1, "expected the lead image in the PDF, pdfimages lists:\n\(list)")
            if let image = images.first, image.count > 4 {
                #expect(image[0] == "1", "the lead image is not on the first page")
                #expect(image[3] == "40" && image[4] == "30", "the printed image is \(image[3])×\(image[4]), not the uploaded 40×30")
            }
            // Without the image, the PDF holds none.
            let plain = try await app.testing().sendRequest(.GET, "/newsletters/2021/7.pdf?lang=zh")
            if plain.status == .ok {
                let other = FileManager.default.temporaryDirectory.appendingPathComponent("focal-\(UUID().uuidString).pdf")
                try Data(plain.bytes).write(to: other)
                defer { try? FileManager.default.removeItem(at: other) }
                let none = try #require(try Self.poppler("pdfimages", ["-list", other.path]))
                #expect(none.components(separatedBy: "\n").dropFirst(2).allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty })
            }
        }
    }

    @Test("Without a PDF engine the PDF edition answers 503 naming chromium")
    func unavailable() async throws {
        try await withApp(loadDemo: true) { app async throws in
            app.storage[Application.PDFRendererKey.self] = ChromiumPDFRenderer(executable: nil)
            let response = try await app.testing().sendRequest(.GET, Self.path)
            #expect(response.status == .serviceUnavailable)
            #expect(response.text.lowercased().contains("chromium"), "the 503 does not name chromium: \(response.text.prefix(400))")
            #expect(try Self.cachedFiles(app).isEmpty)
            // The HTML edition is unaffected.
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2021/7").status == .ok)
        }
    }

    @Test("A hanging PDF engine is killed at its timeout: the PDF answers 503 within the bound, nothing is cached, the next try runs again")
    func hangingEngine() async throws {
        let directory = try TestTools.temporaryDirectory("focal-hanging-chromium")
        defer { try? FileManager.default.removeItem(at: directory) }
        let engine = directory.appendingPathComponent("chromium").path
        let started = directory.appendingPathComponent("runs").path
        try "#!/bin/sh\necho run >> \(started)\nexec sleep 3600\n".write(toFile: engine, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: engine)
        try await withApp(loadDemo: true) { app async throws in
            app.storage[Application.PDFRendererKey.self] = ChromiumPDFRenderer(executable: engine, timeout: .seconds(2))
            let clock = ContinuousClock()
            let began = clock.now
            let response = try await app.testing().sendRequest(.GET, Self.path)
            let took = clock.now - began
            #expect(response.status == .serviceUnavailable)
            // Far below the engine's hour: it was killed at its timeout (the margin is for a loaded machine).
            #expect(took < .seconds(600), "answered after \(took)")
            #expect(try Self.cachedFiles(app).isEmpty)
            _ = try await app.testing().sendRequest(.GET, Self.path)
            let runs = (try? String(contentsOfFile: started, encoding: .utf8))?.split(separator: "\n").count ?? 0
            #expect(runs == 2, "a failed render must not be remembered: \(runs) runs")
        }
    }

    @Test("Chromium prints offline: a page asking for an image on a listening loopback port makes no connection to it")
    func engineHasNoNetwork() async throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(listener >= 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 && listen(listener, 16) == 0
            }
        }
        try #require(listening)
        let port = UInt16(bigEndian: address.sin_port)
        let renderer = ChromiumPDFRenderer.detect(environment: ProcessInfo.processInfo.environment)
        try #require(renderer.unavailableReason == nil, "Chromium is needed (install Debian's chromium package)")
        let html = """
            <!doctype html><html><body><p>Offline</p>
            <img src="http://127.0.0.1:\(port)/probe.png"><link rel="stylesheet" href="http://localhost:\(port)/probe.css">
            </body></html>
            """
        let pdf = try await renderer.pdf(fromHTML: html)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        _ = fcntl(listener, F_SETFL, O_NONBLOCK)
        let connection = accept(listener, nil, nil)
        if connection >= 0 { close(connection) }
        #expect(connection < 0, "Chromium connected to 127.0.0.1:\(port) while printing")
    }

    @Test("An unpublished issue has no PDF")
    func unpublishedHasNoPDF() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let issue = try await NewsletterFixtures.createIssue(app, editor, year: 2030, number: 1)
            let en = try #require(issue.editions.first { $0.language == .en })
            _ = try await NewsletterFixtures.createArticle(app, editor, edition: en, title: "Draft", slug: "draft-pdf")
            #expect(try await app.testing().sendRequest(.GET, "/newsletters/2030/1.pdf?lang=en").status == .notFound)
            #expect(try Self.cachedFiles(app).isEmpty)
        }
    }
}

/// A PDF engine that is present but always fails, to prove a response came from the cache.
struct FailingRenderer: PDFRenderer {
    var unavailableReason: String? { nil }
    func pdf(fromHTML html: String) async throws -> Data { throw Abort(.internalServerError, reason: "rendering was attempted") }
}
