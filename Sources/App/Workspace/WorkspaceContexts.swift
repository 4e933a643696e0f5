/// One piece of work on a home page: what it is, its state and where it is done.
struct WorkItem: Encodable {
    let href: String
    let title: String
    /// What state it is in (a status, a date, an answer count).
    let detail: String
    var illustrative = false
}

/// A group of work items of one kind, with how many there are in all.
struct WorkQueue: Encodable {
    let key: String
    let heading: String
    let empty: String
    let items: [WorkItem]
    let total: Int
    /// The list with all of them, when there are more than shown.
    let allHref: String?
}

struct StaffHomeContext: Encodable {
    let chrome: Chrome
    let queues: [WorkQueue]
    let recent: [AuditRow]
}

struct MemberHomeContext: Encodable {
    struct Detail: Encodable {
        let label: String
        let value: String
    }

    let chrome: Chrome
    let name: String
    let details: [Detail]
    let queues: [WorkQueue]
}
