import Vapor

/// The page before an action that cannot be taken back (publish, send, cancel, lock): what will
/// happen, exactly, and one button to do it.
struct CheckPageContext: Encodable {
    struct Fact: Encodable {
        let label: String
        let value: String
    }

    struct Preview: Encodable {
        let label: String
        let src: String
        let lang: String
    }

    struct Hidden: Encodable {
        let name: String
        let value: String
    }

    let chrome: Chrome
    let heading: String
    let facts: [Fact]
    /// What the action does, one sentence each.
    let consequences: [String]
    var previews: [Preview] = []
    /// Why the action cannot be taken now; the button is then not offered.
    var refusal: String? = nil
    let action: String
    let csrf: String
    var hidden: [Hidden] = []
    let confirmLabel: String
    /// Cancelling and similar: the button looks like what it does.
    var destructive = false
    let backHref: String
}
