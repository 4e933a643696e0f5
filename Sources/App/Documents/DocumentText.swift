import Foundation
import NIOConcurrencyHelpers
import ZIPFoundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The text inside an uploaded file, for search: PDF through Debian's `pdftotext` (poppler-utils),
/// DOCX, XLSX and PPTX from the XML inside their ZIP. Each reading is bounded in time and size;
/// what cannot be read is an error for the file's record, never for the person who uploaded it.
enum DocumentText {
    /// Why a file's text could not be read: the end of a `documents.text_error.` translation key.
    struct Failure: Error, Equatable {
        let reason: String
    }

    static let maximumCharacters = 200_000
    /// The most any one XML part may unpack to: a small ZIP can claim gigabytes.
    static let maximumPartBytes: UInt64 = 64 << 20
    static let timeout: Duration = .seconds(30)
    static let readableTypes: Set<String> = [
        ContentSniffer.pdf.contentType, ContentSniffer.docx.contentType, ContentSniffer.xlsx.contentType, ContentSniffer.pptx.contentType,
    ]

    static func extract(_ data: Data, contentType: String, pdftotext: String? = Self.pdftotextPath) async throws -> String {
        let text: String
        switch contentType {
        case ContentSniffer.pdf.contentType: text = try await pdf(data, executable: pdftotext)
        case ContentSniffer.docx.contentType:
            text = try office(data, parts: { $0 == "word/document.xml" }, textElement: "w:t", breakAfter: "w:p")
        case ContentSniffer.pptx.contentType:
            text = try office(
                data, parts: { $0.hasPrefix("ppt/slides/slide") && $0.hasSuffix(".xml") }, textElement: "a:t", breakAfter: "a:p")
        case ContentSniffer.xlsx.contentType:
            text = try office(data, parts: { $0 == "xl/sharedStrings.xml" }, textElement: "t", breakAfter: "si")
        default: throw Failure(reason: "unsupported")
        }
        return String(text.prefix(maximumCharacters))
    }

    static var pdftotextPath: String? {
        ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The parts of an Office file named by `parts`, in the order of their names (slide2 before
    /// slide10), as text with a line break after each paragraph.
    static func office(_ data: Data, parts: (String) -> Bool, textElement: String, breakAfter: String) throws -> String {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw Failure(reason: "not_zip") }
        let entries = archive.filter { parts($0.path) }.sorted { $0.path.localizedStandardCompare($1.path) == .orderedAscending }
        guard !entries.isEmpty else { throw Failure(reason: "no_text_parts") }
        var text = ""
        for entry in entries {
            text += try XMLText.read(try bounded(entry, of: archive), textElement: textElement, breakAfter: breakAfter)
            if text.count > maximumCharacters { break }
        }
        return text
    }

    /// One XML part of an Office file, bounded in size like every part read for search.
    static func officePart(_ data: Data, path: String) throws -> Data {
        let archive: Archive
        do { archive = try Archive(data: data, accessMode: .read) } catch { throw Failure(reason: "not_zip") }
        guard let entry = archive[path] else { throw Failure(reason: "no_text_parts") }
        return try bounded(entry, of: archive)
    }

    private static func bounded(_ entry: Entry, of archive: Archive) throws -> Data {
        guard entry.uncompressedSize <= maximumPartBytes else { throw Failure(reason: "too_large") }
        var xml = Data()
        do {
            _ = try archive.extract(entry) { chunk in
                xml.append(chunk)
                if xml.count > Int(maximumPartBytes) { throw Failure(reason: "too_large") }
            }
        } catch let failure as Failure { throw failure } catch { throw Failure(reason: "damaged") }
        return xml
    }

    static func pdf(_ data: Data, executable: String?) async throws -> String {
        guard let executable else { throw Failure(reason: "no_pdftotext") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("focal-text-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("in.pdf")
        let output = work.appendingPathComponent("out.txt")
        try data.write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-q", "-enc", "UTF-8", input.path, output.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let finished = NIOLockedValueBox(false)
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            guard !finished.withLockedValue({ $0 }) else { return }
            process.terminate()
        }
        defer { watchdog.cancel() }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in
                finished.withLockedValue { $0 = true }
                continuation.resume()
            }
            do { try process.run() } catch { continuation.resume(throwing: Failure(reason: "no_pdftotext")) }
        }
        if process.terminationReason == .uncaughtSignal {
            throw Failure(reason: "timeout")
        }
        guard process.terminationStatus == 0, let text = try? String(contentsOf: output, encoding: .utf8) else {
            throw Failure(reason: "unreadable_pdf")
        }
        // pdftotext ends each page with a form feed.
        return text.replacingOccurrences(of: "\u{0C}", with: "\n")
    }
}

/// The character data of one element in an XML part, a line break after another.
final class XMLText: NSObject, XMLParserDelegate {
    private let textElement: String
    private let breakAfter: String
    private var inside = 0
    /// Elements open: not zero at the end when the part stops inside one (libxml2 may not say so).
    private var depth = 0
    private var text = ""

    private init(textElement: String, breakAfter: String) {
        self.textElement = textElement
        self.breakAfter = breakAfter
    }

    static func read(_ xml: Data, textElement: String, breakAfter: String) throws -> String {
        let reader = XMLText(textElement: textElement, breakAfter: breakAfter)
        let parser = XMLParser(data: xml)
        parser.shouldResolveExternalEntities = false
        parser.delegate = reader
        guard parser.parse(), parser.parserError == nil, reader.depth == 0 else { throw DocumentText.Failure(reason: "bad_xml") }
        return reader.text
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        depth += 1
        if elementName == textElement { inside += 1 }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName: String?) {
        depth -= 1
        if elementName == textElement { inside -= 1 }
        if elementName == breakAfter { text += "\n" }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if inside > 0 { text += string }
    }
}
