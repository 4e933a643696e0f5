/// A line-by-line difference between two texts (longest common subsequence).
enum LineDiff {
    enum Kind: String, Encodable {
        case same
        case added
        case removed
    }

    struct Line: Encodable, Equatable {
        let kind: Kind
        let text: String
    }

    static func diff(_ old: String, _ new: String) -> [Line] {
        let a = old.components(separatedBy: "\n")
        let b = new.components(separatedBy: "\n")
        var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
            }
        }
        var lines: [Line] = []
        var (i, j) = (0, 0)
        while i < a.count || j < b.count {
            if i < a.count, j < b.count, a[i] == b[j] {
                lines.append(Line(kind: .same, text: a[i]))
                i += 1
                j += 1
            } else if j < b.count, i == a.count || lengths[i][j + 1] >= lengths[i + 1][j] {
                lines.append(Line(kind: .added, text: b[j]))
                j += 1
            } else {
                lines.append(Line(kind: .removed, text: a[i]))
                i += 1
            }
        }
        return lines
    }
}
