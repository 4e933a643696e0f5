import Foundation

/// A server-rendered bar chart of delegates present per invited country; the page shows the same
/// numbers as a table beside it.
enum AttendanceChart {
    static func svg(_ summary: AttendanceSummary, language: Language, title: String, notRepresented: String) -> String {
        let rowHeight = 26
        let labelWidth = 170
        let barWidth = 300
        let height = max(1, summary.lines.count) * rowHeight + 10
        let maximum = max(1, summary.lines.map(\.present).max() ?? 1)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" aria-labelledby="attendance-chart-title" \
            viewBox="0 0 \(labelWidth + barWidth + 60) \(height)" width="100%">
            <title id="attendance-chart-title">\(escape(title))</title>
            """
        for (index, line) in summary.lines.enumerated() {
            let y = index * rowHeight + 5
            let width = line.present * barWidth / maximum
            svg +=
                "<text x=\"\(labelWidth - 8)\" y=\"\(y + 17)\" text-anchor=\"end\" class=\"chart-label\">\(escape(line.country.name(language)))</text>"
            if line.represented {
                svg +=
                    "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(max(width, 2))\" height=\"\(rowHeight - 8)\" class=\"chart-bar\"/>"
                svg += "<text x=\"\(labelWidth + max(width, 2) + 6)\" y=\"\(y + 17)\" class=\"chart-value\">\(line.present)</text>"
            } else {
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y + 3)\" width=\"\(barWidth)\" height=\"\(rowHeight - 8)\" class=\"chart-empty\"/>"
                svg += "<text x=\"\(labelWidth + 8)\" y=\"\(y + 17)\" class=\"chart-note\">\(escape(notRepresented))</text>"
            }
        }
        return svg + "</svg>"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
