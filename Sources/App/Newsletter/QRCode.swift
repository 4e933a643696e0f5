import CQREncode
import Foundation

/// A QR code as an SVG drawing, encoded by Debian's libqrencode: the printed edition carries one
/// to its web address, for readers of the paper copy.
enum QRCode {
    /// Nil when the text cannot be encoded (too long for any QR version).
    static func svg(for text: String, size: String = "2.6cm") -> String? {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let quiet = 4
        var path = ""
        for y in 0..<width {
            for x in 0..<width where code.pointee.data[y * width + x] & 1 == 1 {
                path += "M\(x + quiet) \(y + quiet)h1v1h-1z"
            }
        }
        let side = width + 2 * quiet
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(side) \(side)\" width=\"\(size)\" height=\"\(size)\""
            + " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\"><rect width=\"\(side)\" height=\"\(side)\" fill=\"#fff\"/>"
            + "<path fill=\"#000\" d=\"\(path)\"/></svg>"
    }
}
