/// Editorial text stored per language; a missing translation falls back visibly to the other.
struct BilingualText: Codable, Sendable, Equatable {
    let en: String
    let zh: String
}

enum Bilingual {
    static func pick(en: String, zh: String, _ language: Language) -> String {
        switch language {
        case .en: return en.isEmpty ? zh : en
        case .zh: return zh.isEmpty ? en : zh
        }
    }

    /// True when the reader sees the other language's text because theirs is missing.
    static func isFallback(en: String, zh: String, _ language: Language) -> Bool {
        language == .zh ? zh.isEmpty && !en.isEmpty : en.isEmpty && !zh.isEmpty
    }
}
