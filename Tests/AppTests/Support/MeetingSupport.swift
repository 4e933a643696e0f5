import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Helpers for the meetings and documents tests: creating meetings through the admin form,
/// reading field errors, multipart bodies, a tiny ZIP writer and running Python checks.

/// The message a form shows under the named field (`<p class="field-error" id="e-NAME">`), if any.
func fieldError(_ html: String, _ name: String) -> String? {
    let pattern = #"<p class="field-error" id="e-"# + NSRegularExpression.escapedPattern(for: name) + #"">([^<]*)</p>"#
    guard let regex = try? NSRegularExpression(pattern: pattern),
        let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
        let range = Range(match.range(at: 1), in: html)
    else { return nil }
    return visibleText(String(html[range])).trimmingCharacters(in: .whitespaces)
}

/// The error under a field of the upload form (`<p class="field-error">` right after its input).
func uploadFieldError(_ html: String, _ name: String) -> String? {
    let pattern = #"name=""# + NSRegularExpression.escapedPattern(for: name) + #"">\s*<p class="field-error">([^<]*)</p>"#
    guard let regex = try? NSRegularExpression(pattern: pattern),
        let match = regex.firstMatch(in: html, range: NSRange(html.startIndex..., in: html)),
        let range = Range(match.range(at: 1), in: html)
    else { return nil }
    return visibleText(String(html[range])).trimmingCharacters(in: .whitespaces)
}

enum MeetingForm {
    /// A complete, valid meeting form; tests override what they exercise.
    static func fields(slug: String, _ overrides: [String: String] = [:]) -> [String: String] {
        [
            "title_en": "Test meeting " + slug, "title_zh": "", "slug": slug, "type": "workshop", "status": "planned", "mode": "online",
            "time_zone": "Asia/Jakarta", "start_date": "2030-05-10", "start_time": "09:00", "end_date": "2030-05-10", "end_time": "11:00",
            "venue_en": "", "venue_zh": "", "video_link": "", "languages__en": "on", "visibility": "public", "parent_id": "",
            "series_id": "", "summary_en": "A meeting made by the test suite.", "summary_zh": "", "discussion_en": "", "discussion_zh": "",
        ].merging(overrides) { $1 }
    }
}

/// Creates a meeting through POST /admin/meetings as the signed-in staff member and returns it.
@discardableResult
func createMeeting(_ app: Application, headers: HTTPHeaders, slug: String, _ overrides: [String: String] = [:]) async throws -> Meeting {
    let response = try await postForm(app, "/admin/meetings", fields: MeetingForm.fields(slug: slug, overrides), headers: headers)
    try #require(
        response.status == .seeOther,
        "creating meeting \(slug) answered \(response.status): \(["title_en", "slug", "time_zone", "end_time", "video_link", "type", "status", "mode", "visibility", "start_date", "end_date", "languages", "parent_id"].compactMap { name in fieldError(response.text, name).map { "\(name): \($0)" } })"
    )
    return try #require(try await Meeting.query(on: app.db).filter(\.$slug == slug).first(), "meeting \(slug) was not saved")
}

/// A multipart/form-data body.
struct Multipart {
    let boundary = "----focal-test-" + UUID().uuidString
    private(set) var body = ByteBuffer()

    mutating func field(_ name: String, _ value: String) {
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
    }

    mutating func file(_ name: String, filename: String, contentType: String = "application/octet-stream", _ bytes: [UInt8]) {
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"; filename=\"\(filename)\"\r\nContent-Type: \(contentType)\r\n\r\n"
        )
        body.writeBytes(bytes)
        body.writeString("\r\n")
    }

    func finished() -> ByteBuffer {
        var copy = body
        copy.writeString("--\(boundary)--\r\n")
        return copy
    }

    var contentType: String { "multipart/form-data; boundary=\(boundary)" }
}

enum SampleFiles {
    /// A minimal but well-formed one-page PDF.
    static let pdf: [UInt8] = Array(
        """
        %PDF-1.4
        1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj
        2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj
        3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj
        trailer << /Root 1 0 R >>
        %%EOF

        """.utf8)

    /// The 8-byte PNG signature and an IHDR chunk: a PNG by its bytes.
    static let png: [UInt8] =
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52]
        + [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89]

    /// Bytes of no known format (fixed, so the test is repeatable; they start with none of the signatures).
    static let random: [UInt8] = (0..<512).map { UInt8(($0 * 73 + 41) % 251) }

    /// A minimal DOCX: a stored (uncompressed) ZIP with `[Content_Types].xml` and `word/document.xml`.
    static var docx: [UInt8] {
        ZipWriter.stored([
            (
                "[Content_Types].xml",
                Array(
                    #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#
                        .utf8)
            ),
            (
                "word/document.xml",
                Array(
                    #"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Focal</w:t></w:r></w:p></w:body></w:document>"#
                        .utf8)
            ),
        ])
    }
}

/// Writes ZIP archives with the "stored" method (no compression): local headers, the central
/// directory and its end record, all little-endian (APPNOTE 4.3).
enum ZipWriter {
    static func stored(_ entries: [(name: String, data: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        var central: [UInt8] = []
        func u16(_ v: Int, _ to: inout [UInt8]) { to += [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF)] }
        func u32(_ v: UInt32, _ to: inout [UInt8]) { to += (0..<4).map { UInt8((v >> (8 * UInt32($0))) & 0xFF) } }
        for (name, data) in entries {
            let nameBytes = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(out.count)
            u32(0x0403_4B50, &out)  // local file header
            u16(20, &out)
            u16(0, &out)
            u16(0, &out)
            u16(0, &out)
            u16(0x21, &out)  // version, flags, method, time, date
            u32(crc, &out)
            u32(UInt32(data.count), &out)
            u32(UInt32(data.count), &out)
            u16(nameBytes.count, &out)
            u16(0, &out)
            out += nameBytes + data
            u32(0x0201_4B50, &central)  // central directory header
            u16(20, &central)
            u16(20, &central)
            u16(0, &central)
            u16(0, &central)
            u16(0, &central)
            u16(0x21, &central)
            u32(crc, &central)
            u32(UInt32(data.count), &central)
            u32(UInt32(data.count), &central)
            u16(nameBytes.count, &central)
            u16(0, &central)
            u16(0, &central)
            u16(0, &central)
            u16(0, &central)
            u32(0, &central)
            u32(offset, &central)
            central += nameBytes
        }
        let centralOffset = out.count
        out += central
        u32(0x0605_4B50, &out)  // end of central directory
        u16(0, &out)
        u16(0, &out)
        u16(entries.count, &out)
        u16(entries.count, &out)
        u32(UInt32(central.count), &out)
        u32(UInt32(centralOffset), &out)
        u16(0, &out)
        return out
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}

/// Runs Debian's `python3 -c script args…`; returns exit status and output.
func runPython(_ script: String, arguments: [String] = []) throws -> (status: Int32, stdout: String, stderr: String) {
    let result = try TestTools.run(TestTools.python, ["-c", script] + arguments)
    return (result.status, String(decoding: result.stdout, as: UTF8.self), result.stderr)
}

/// iCalendar content lines with folding undone (RFC 5545 §3.1).
func unfoldedICSLines(_ text: String) -> [String] {
    text.replacingOccurrences(of: "\r\n ", with: "").replacingOccurrences(of: "\r\n\t", with: "").components(separatedBy: "\r\n")
        .filter { !$0.isEmpty }
}

extension TestingHTTPResponse {
    var bytes: [UInt8] { Array(body.readableBytesView) }
}
