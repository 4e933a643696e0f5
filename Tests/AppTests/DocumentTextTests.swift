import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("The text inside uploaded files: read for search in the background, failures recorded on the file")
struct DocumentTextTests {
    static let contentTypes =
        #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#

    static func docx(_ paragraphs: [String]) -> [UInt8] {
        let body = paragraphs.map { "<w:p><w:r><w:t>\($0)</w:t></w:r></w:p>" }.joined()
        return ZipWriter.stored([
            ("[Content_Types].xml", Array(contentTypes.utf8)),
            (
                "word/document.xml",
                Array(
                    (#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#
                        + body + "</w:body></w:document>").utf8)
            ),
        ])
    }

    /// A one-page PDF whose page shows `text` in Helvetica (ASCII only).
    static func pdf(_ text: String) -> [UInt8] {
        let stream = "BT /F1 12 Tf 20 100 Td (\(text)) Tj ET"
        return Array(
            """
            %PDF-1.4
            1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
            2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
            3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 400 200] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >> endobj
            4 0 obj << /Length \(stream.utf8.count) >> stream
            \(stream)
            endstream endobj
            5 0 obj << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> endobj
            trailer << /Root 1 0 R >>
            %%EOF

            """.utf8)
    }

    @Test("DOCX paragraphs, XLSX shared strings, PPTX slides in order and PDF text through pdftotext")
    func formats() async throws {
        let word = try await DocumentText.extract(
            Data(Self.docx(["Framework 2021-2025", "东盟环境合作"])), contentType: ContentSniffer.docx.contentType)
        #expect(word == "Framework 2021-2025\n东盟环境合作\n")
        let sheet = ZipWriter.stored([
            ("[Content_Types].xml", Array(Self.contentTypes.utf8)),
            (
                "xl/sharedStrings.xml",
                Array(
                    #"<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>Mangrove hectares</t></si><si><r><t>红树林</t></r></si></sst>"#
                        .utf8)
            ),
        ])
        #expect(try await DocumentText.extract(Data(sheet), contentType: ContentSniffer.xlsx.contentType) == "Mangrove hectares\n红树林\n")
        func slide(_ text: String) -> [UInt8] {
            Array(
                #"<p:sld xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:p><a:r><a:t>\#(text)</a:t></a:r></a:p></p:sld>"#
                    .utf8)
        }
        let slides = ZipWriter.stored([
            ("[Content_Types].xml", Array(Self.contentTypes.utf8)), ("ppt/slides/slide10.xml", slide("tenth")),
            ("ppt/slides/slide2.xml", slide("second")),
        ])
        #expect(try await DocumentText.extract(Data(slides), contentType: ContentSniffer.pptx.contentType) == "second\ntenth\n")
        let pdf = try await DocumentText.extract(Data(Self.pdf("Kunming wetlands 2021-2025")), contentType: ContentSniffer.pdf.contentType)
        #expect(pdf.contains("Kunming wetlands 2021-2025"), "pdftotext gave \(pdf.debugDescription)")
    }

    @Test("What cannot be read fails with a reason: not a ZIP, no text part, malformed XML, no pdftotext")
    func failures() async throws {
        await #expect(throws: DocumentText.Failure(reason: "not_zip")) {
            try await DocumentText.extract(Data("PK\u{3}\u{4} not really".utf8), contentType: ContentSniffer.docx.contentType)
        }
        let empty = ZipWriter.stored([("[Content_Types].xml", Array(Self.contentTypes.utf8)), ("word/styles.xml", Array("<x/>".utf8))])
        await #expect(throws: DocumentText.Failure(reason: "no_text_parts")) {
            try await DocumentText.extract(Data(empty), contentType: ContentSniffer.docx.contentType)
        }
        let broken = ZipWriter.stored([
            ("[Content_Types].xml", Array(Self.contentTypes.utf8)), ("word/document.xml", Array("<w:document><w:p>".utf8)),
        ])
        await #expect(throws: DocumentText.Failure(reason: "bad_xml")) {
            try await DocumentText.extract(Data(broken), contentType: ContentSniffer.docx.contentType)
        }
        await #expect(throws: DocumentText.Failure(reason: "no_pdftotext")) {
            try await DocumentText.extract(Data(Self.pdf("x")), contentType: ContentSniffer.pdf.contentType, pdftotext: nil)
        }
    }

    static func waitForText(_ app: Application, _ document: Document) async throws -> [DocumentFile] {
        for _ in 0..<200 {
            let versions = try await DocumentVersion.query(on: app.db).filter(\.$document.$id == document.requireID()).all()
            let files = try await DocumentFile.query(on: app.db).filter(\.$version.$id ~~ versions.compactMap(\.id)).all()
            if !files.isEmpty, files.allSatisfy({ $0.textStatus != nil }) { return files }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("the files' text was not read within 10 s")
        return []
    }

    @Test(
        "An uploaded DOCX and PDF are found by the words inside them, only by who may read the document; a damaged file is recorded, not refused"
    )
    func uploadedFilesAreSearched() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await DocumentTests.createDocument(app, headers: editor, slug: "wetland-note", access: "secretariat")
            let upload = try await DocumentTests.upload(
                app, document, headers: editor,
                files: [("file_en", "note.pdf", Self.pdf("Quillwort survey of Kunming")), ("file_zh", "note.docx", Self.docx(["湄公河湿地调查"]))])
            #expect(upload.status == .seeOther)
            let files = try await Self.waitForText(app, document)
            #expect(files.map(\.textStatus) == ["read", "read"])
            for query in ["quillwort", "湄公河"] {
                let asEditor = try await SearchAccessTests.search(app, query, headers: editor)
                #expect(asEditor.results.map(\.url) == ["/documents/wetland-note"], "\(query) as editor")
                #expect(try await SearchAccessTests.search(app, query).total == 0, "\(query) reached an anonymous reader")
            }
            let page = try await app.testing().sendRequest(.GET, "/admin/documents/\(try document.requireID())/files", headers: editor)
            #expect(visibleText(page.text).contains("Text for search: read"))

            let damaged = ZipWriter.stored([
                ("[Content_Types].xml", Array(Self.contentTypes.utf8)), ("word/document.xml", Array("<w:document><w:p>".utf8)),
            ])
            let second = try await DocumentTests.upload(
                app, document, headers: editor, note: "Second", files: [("file_en", "broken.docx", damaged)])
            #expect(second.status == .seeOther, "a file whose text cannot be read was refused")
            _ = try await Self.waitForText(app, document)
            let after = try await app.testing().sendRequest(.GET, "/admin/documents/\(try document.requireID())/files", headers: editor)
            #expect(visibleText(after.text).contains("not read: a part of the file is not well-formed XML"))
        }
    }
}
