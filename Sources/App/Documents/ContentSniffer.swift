import Foundation
import NIOCore

/// Decides what a file is from its bytes, never from its name: the formats a document library
/// accepts (PDF, Office Open XML, PNG, JPEG, GIF, WebP).
enum ContentSniffer {
    struct Kind: Equatable {
        let contentType: String
        let extensions: [String]
    }

    static let pdf = Kind(contentType: "application/pdf", extensions: ["pdf"])
    static let docx = Kind(contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extensions: ["docx"])
    static let xlsx = Kind(contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", extensions: ["xlsx"])
    static let pptx = Kind(contentType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", extensions: ["pptx"])
    static let png = Kind(contentType: "image/png", extensions: ["png"])
    static let jpeg = Kind(contentType: "image/jpeg", extensions: ["jpg", "jpeg"])
    static let gif = Kind(contentType: "image/gif", extensions: ["gif"])
    static let webp = Kind(contentType: "image/webp", extensions: ["webp"])

    static func sniff(_ bytes: ByteBuffer) -> Kind? {
        let data = Array(bytes.readableBytesView)
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            data.count >= offset + prefix.count && Array(data[offset..<offset + prefix.count]) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return pdf }
        if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return png }
        if starts([0xFF, 0xD8, 0xFF]) { return jpeg }
        if starts(Array("GIF87a".utf8)) || starts(Array("GIF89a".utf8)) { return gif }
        if starts(Array("RIFF".utf8)) && starts(Array("WEBP".utf8), at: 8) { return webp }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return officeKind(ZipDirectory.entryNames(data)) }
        return nil
    }

    /// An Office Open XML package is a ZIP with `[Content_Types].xml` and its main part's folder.
    private static func officeKind(_ names: [String]) -> Kind? {
        guard names.contains("[Content_Types].xml") else { return nil }
        if names.contains(where: { $0.hasPrefix("word/") }) { return docx }
        if names.contains(where: { $0.hasPrefix("xl/") }) { return xlsx }
        if names.contains(where: { $0.hasPrefix("ppt/") }) { return pptx }
        return nil
    }
}

/// Reads the names in a ZIP archive's central directory.
enum ZipDirectory {
    static func entryNames(_ data: [UInt8]) -> [String] {
        func uint16(_ at: Int) -> Int { at + 1 < data.count ? Int(data[at]) | Int(data[at + 1]) << 8 : 0 }
        func uint32(_ at: Int) -> Int { uint16(at) | uint16(at + 2) << 16 }
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        let signature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        let lowest = max(0, data.count - 65_557)
        guard data.count >= 22,
            let end = stride(from: data.count - 22, through: lowest, by: -1).first(where: { Array(data[$0..<$0 + 4]) == signature })
        else { return [] }
        let count = uint16(end + 10)
        var offset = uint32(end + 16)
        var names: [String] = []
        for _ in 0..<count {
            guard offset + 46 <= data.count, Array(data[offset..<offset + 4]) == [0x50, 0x4B, 0x01, 0x02] else { break }
            let nameLength = uint16(offset + 28)
            let extraLength = uint16(offset + 30)
            let commentLength = uint16(offset + 32)
            guard offset + 46 + nameLength <= data.count else { break }
            names.append(String(decoding: data[offset + 46..<offset + 46 + nameLength], as: UTF8.self))
            offset += 46 + nameLength + extraLength + commentLength
        }
        return names
    }
}
