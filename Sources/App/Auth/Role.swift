/// Who may use a route. Each level includes the ones below it.
enum Role: String, Codable, CaseIterable, Comparable, Sendable {
    case anonymous
    case focalPoint = "focal_point"
    case editor
    case admin

    private var rank: Int { Role.allCases.firstIndex(of: self) ?? 0 }

    static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// The roles an account can hold (anonymous is the absence of one).
    static let accountRoles: [Role] = [.focalPoint, .editor, .admin]

    var isStaff: Bool { self >= .editor }
}
