import Foundation

/// Small server-rendered charts; each page has the same numbers in a table one click away. A chart
/// is drawn at its own size, never scaled down (its text stays at least 12 px): on a narrow screen
/// its figure scrolls sideways.
enum SVGCharts {
    struct Bar {
        let label: String
        let value: Double
        let display: String
    }

    static func bars(_ bars: [Bar], title: String, id: String, maximum: Double? = nil) -> String {
        // A label column of at most 240 px, long labels on two lines, leaves the bars in view on a
        // phone before any scrolling.
        let labelWidth = labelColumn(bars.map(\.label), widest: 240)
        let lines = bars.map { wrap($0.label, width: labelWidth - 16, lines: 2) }
        let row = lines.contains { $0.count > 1 } ? 38 : 26
        let width = 300
        let top = max(maximum ?? 0, bars.map(\.value).max() ?? 0, 1e-9)
        var svg = header(id: id, title: title, width: labelWidth + width + 70, height: max(1, bars.count) * row + 10)
        for (index, bar) in bars.enumerated() {
            let y = index * row + 5
            let middle = y + row / 2 + 4
            let length = Int((bar.value / top) * Double(width))
            svg += multiline(lines[index], whole: bar.label, x: labelWidth - 8, middle: middle, anchor: "end")
            svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(length, 2))\" height=\"\(row - 8)\" class=\"chart-bar\"/>"
            svg += "<text x=\"\(labelWidth + max(length, 2) + 6)\" y=\"\(middle)\" class=\"chart-value\">\(escape(bar.display))</text>"
        }
        return svg + "</svg>"
    }

    struct Series {
        let name: String
        let cssClass: String
        let values: [Double?]
    }

    /// The years from `firstIndex` on have not come yet: drawn on a shaded ground, with a label.
    struct Future {
        let firstIndex: Int
        let label: String

        /// Nil when every year has begun.
        static func of(years: [Int], label: String, now: Date = Date()) -> Future? {
            let current = Calendar(identifier: .gregorian).component(.year, from: now)
            return years.firstIndex { $0 > current }.map { Future(firstIndex: $0, label: label) }
        }
    }

    /// Lines over labelled points (years), with a legend; missing values break the line.
    static func lines(_ series: [Series], labels: [String], title: String, id: String, future: Future? = nil) -> String {
        let width = 520
        let height = 240
        let left = 50
        let bottom = 30
        let plotWidth = width - left - 20
        let plotHeight = height - bottom - 30
        let all = series.flatMap { $0.values.compactMap { $0 } }
        let top = max(all.max() ?? 1, 1e-9) * 1.1
        var svg = header(id: id, title: title, width: width, height: height)
        let step = labels.count > 1 ? Double(plotWidth) / Double(labels.count - 1) : 0
        func x(_ i: Int) -> Double { Double(left) + (labels.count > 1 ? Double(i) * step : Double(plotWidth) / 2) }
        func y(_ v: Double) -> Double { Double(30 + plotHeight) - v / top * Double(plotHeight) }
        if let future, labels.indices.contains(future.firstIndex) {
            let start = future.firstIndex == 0 ? Double(left) : x(future.firstIndex) - step / 2
            svg +=
                "<rect x=\"\(format(start))\" y=\"24\" width=\"\(format(Double(left + plotWidth + 10) - start))\" height=\"\(plotHeight + 6)\" class=\"chart-future-zone\"/>"
            svg +=
                "<text x=\"\(left + plotWidth + 8)\" y=\"16\" text-anchor=\"end\" class=\"chart-note\">\(escape(future.label))</text>"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(30 + plotHeight)\" x2=\"\(left + plotWidth)\" y2=\"\(30 + plotHeight)\" class=\"chart-axis\"/>"
        for (i, label) in labels.enumerated() {
            let isFuture = future.map { i >= $0.firstIndex } ?? false
            svg +=
                "<text x=\"\(format(x(i)))\" y=\"\(height - 10)\" text-anchor=\"middle\" class=\"chart-label\(isFuture ? " chart-future-label" : "")\">\(escape(label))</text>"
        }
        for fraction in [0.0, 0.5, 1.0] {
            let value = top / 1.1 * fraction
            svg +=
                "<text x=\"\(left - 6)\" y=\"\(format(y(value)) )\" text-anchor=\"end\" class=\"chart-label\">\(escape(number(value)))</text>"
        }
        for (index, line) in series.enumerated() {
            var path = ""
            var pen = false
            for (i, value) in line.values.enumerated() {
                guard let value else {
                    pen = false
                    continue
                }
                path += (pen ? " L" : " M") + "\(format(x(i))) \(format(y(value)))"
                pen = true
                svg += "<circle cx=\"\(format(x(i)))\" cy=\"\(format(y(value)))\" r=\"3\" class=\"\(line.cssClass)\"/>"
            }
            if !path.isEmpty { svg += "<path d=\"\(path)\" class=\"\(line.cssClass) chart-line\"/>" }
            svg += "<rect x=\"\(left + index * 140)\" y=\"6\" width=\"12\" height=\"12\" class=\"\(line.cssClass)\"/>"
            svg += "<text x=\"\(left + index * 140 + 18)\" y=\"16\" class=\"chart-label\">\(escape(line.name))</text>"
        }
        return svg + "</svg>"
    }

    /// A grid of cells, rows × columns, each with a class and a short text.
    struct Cell {
        let text: String
        let cssClass: String
    }

    static func grid(rows: [String], columns: [String], cells: [[Cell]], title: String, id: String) -> String {
        let labelWidth = labelColumn(rows, widest: 300)
        // Column headings wrap onto up to three lines rather than being cut ("National Foca…").
        let longestWord = columns.flatMap { $0.split(separator: " ").map { textWidth(String($0)) } }.max() ?? 0
        let cellWidth = max(54, min(130, max(560 / max(columns.count, 1), longestWord + 10)))
        let headings = columns.map { wrap($0, width: cellWidth - 6, lines: 3) }
        let headerHeight = 14 * (headings.map(\.count).max() ?? 1) + 12
        let cellHeight = 24
        let width = labelWidth + columns.count * cellWidth + 10
        let height = headerHeight + rows.count * cellHeight + 10
        var svg = header(id: id, title: title, width: width, height: height)
        for (c, column) in columns.enumerated() {
            svg += multiline(
                headings[c], whole: column, x: labelWidth + c * cellWidth + cellWidth / 2, top: 16, anchor: "middle")
        }
        for (r, row) in rows.enumerated() {
            let y = headerHeight + r * cellHeight
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 16)\" text-anchor=\"end\" class=\"chart-label\">\(label(row, width: labelWidth - 16))</text>"
            for (c, cell) in cells[r].enumerated() {
                svg +=
                    "<rect x=\"\(labelWidth + c * cellWidth + 1)\" y=\"\(y + 1)\" width=\"\(cellWidth - 2)\" height=\"\(cellHeight - 2)\" class=\"\(cell.cssClass)\"/>"
                svg +=
                    "<text x=\"\(labelWidth + c * cellWidth + cellWidth / 2)\" y=\"\(y + 16)\" text-anchor=\"middle\" class=\"chart-cell-text\">\(escape(cell.text))</text>"
            }
        }
        return svg + "</svg>"
    }

    private static func header(id: String, title: String, width: Int, height: Int) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" aria-labelledby=\"\(id)-title\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
            + "<title id=\"\(id)-title\">\(escape(title))</title>"
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(format: "%.1f", value)
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func short(_ text: String, _ limit: Int) -> String {
        text.count > limit ? String(text.prefix(limit - 1)) + "…" : text
    }

    /// Room for the longest label at 12 px, within bounds: the chart grows rather than cutting
    /// "National Focal Points" short, and scrolls on a phone.
    static func labelColumn(_ labels: [String], widest: Int) -> Int {
        min(widest, max(120, (labels.map(textWidth).max() ?? 0) + 16))
    }

    /// Estimated width at 12 px: Han and other wide characters take a full em, the rest about
    /// six tenths of one.
    static func textWidth(_ text: String) -> Int {
        Int(text.unicodeScalars.reduce(0.0) { $0 + ($1.properties.isIdeographic || $1.value >= 0xFF00 ? 12 : 7) }.rounded(.up))
    }

    /// Words (or, in Chinese, characters) filled into at most `lines` lines of `width`; a last
    /// line that still does not fit is cut with "…".
    static func wrap(_ text: String, width: Int, lines maximum: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        let pieces: [String] =
            text.unicodeScalars.contains { $0.properties.isIdeographic }
            ? text.map(String.init) : text.split(separator: " ").map(String.init)
        let separator = pieces.count == text.count ? "" : " "
        for piece in pieces {
            let candidate = current.isEmpty ? piece : current + separator + piece
            if textWidth(candidate) <= width || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = piece
            }
        }
        if !current.isEmpty { lines.append(current) }
        guard lines.count > maximum || lines.contains(where: { textWidth($0) > width }) else { return lines }
        var kept = Array(lines.prefix(maximum))
        let rest = lines.dropFirst(maximum - 1).joined(separator: separator)
        var last = ""
        for character in rest {
            guard textWidth(last + String(character)) + 12 <= width else { break }
            last.append(character)
        }
        kept[maximum - 1 < kept.count ? maximum - 1 : kept.count - 1] = last + "…"
        return kept
    }

    /// Lines of a label around `middle` (or from `top`); a cut label keeps its whole text as its
    /// tooltip.
    private static func multiline(_ lines: [String], whole: String, x: Int, middle: Int? = nil, top: Int? = nil, anchor: String)
        -> String
    {
        let first = top ?? ((middle ?? 0) - 7 * (lines.count - 1))
        var svg = "<text x=\"\(x)\" y=\"\(first)\" text-anchor=\"\(anchor)\" class=\"chart-label\">"
        if lines.last?.hasSuffix("…") == true { svg += "<title>" + escape(whole) + "</title>" }
        for (index, line) in lines.enumerated() {
            svg += index == 0 ? "<tspan x=\"\(x)\">" : "<tspan x=\"\(x)\" dy=\"14\">"
            svg += escape(line) + "</tspan>"
        }
        return svg + "</text>"
    }

    /// A label that still does not fit is cut, with the whole text as its tooltip.
    private static func label(_ text: String, width: Int) -> String {
        guard textWidth(text) > width else { return escape(text) }
        var kept = ""
        for character in text {
            guard textWidth(kept + String(character)) + 12 <= width else { break }
            kept.append(character)
        }
        return "<title>" + escape(text) + "</title>" + escape(kept) + "…"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
