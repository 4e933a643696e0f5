import Vapor

/// RFC 9110 §14.2 and §15.5.17: a byte range that starts at or beyond the end of the file, or a
/// suffix of zero bytes, cannot be served; the answer is 416 with the file's length, where
/// Vapor's file streaming would answer 400.
enum UnsatisfiableRange {
    /// The 416 answer when the request asks only for ranges outside a file of `fileSize` bytes;
    /// nil when the request can be served. A Range field that is not valid syntax (first byte
    /// after last) is removed from the request: the RFC says to ignore it and send the whole file.
    static func response(for request: Request, fileSize: Int) -> Response? {
        guard let range = request.headers.range, range.unit == .bytes, !range.ranges.isEmpty else { return nil }
        let malformed = range.ranges.contains { value in
            if case .within(let first, let last) = value { return first > last }
            return false
        }
        if malformed {
            request.headers.remove(name: .range)
            return nil
        }
        let satisfiable = range.ranges.contains { value in
            switch value {
            case .start(let first): return first < fileSize
            case .tail(let length): return length > 0 && fileSize > 0
            case .within(let first, _): return first < fileSize
            }
        }
        guard !satisfiable else { return nil }
        return Response(status: .rangeNotSatisfiable, headers: ["Content-Range": "bytes */\(fileSize)", "Accept-Ranges": "bytes"])
    }

    /// The same, for a file on disk (nil when it cannot be read: the caller's own answer applies).
    static func response(for request: Request, filePath: String) -> Response? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: filePath),
            (attributes[.type] as? FileAttributeType) == .typeRegular,
            let size = (attributes[.size] as? NSNumber)?.intValue
        else { return nil }
        return response(for: request, fileSize: size)
    }
}
