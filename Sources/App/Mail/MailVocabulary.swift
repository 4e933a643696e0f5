enum SubscriberLanguage: String, Codable, CaseIterable, Sendable {
    case en
    case zh
    case both

    var languages: [Language] {
        switch self {
        case .en: return [.en]
        case .zh: return [.zh]
        case .both: return [.zh, .en]
        }
    }
}

enum SubscriberStatus: String, Codable, CaseIterable, Sendable {
    case pending
    case confirmed
    case unsubscribed
    case bounced
    case complained
}

enum CampaignKind: String, Codable, CaseIterable, Sendable {
    case newsletter
    case invitation
    case reminder
}

enum CampaignStatus: String, Codable, CaseIterable, Sendable {
    case draft
    case scheduled
    case sending
    case paused
    case cancelled
    case finished
}

enum DeliveryStatus: String, Codable, CaseIterable, Sendable {
    case pending
    case sending
    case sent
    case failed
    /// Not sent: the subscriber left (unsubscribed, bounced, complained) before their turn came.
    case skipped
}
