import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The IATI Standard Ruleset (Tests/Fixtures/iati/standard.json, version 2.03) applied to an IATI
/// XML document, the way IATI's validator reads it (its SPEC.rst): each context is an XPath that
/// selects elements, each rule case is evaluated against every one of them, with XPath 1.0 from
/// libxml2 (Foundation's XMLDocument). A boolean XPath is evaluated as the predicate of
/// `self::node()[boolean(...)]`, since XMLNode returns node sets only.
///
/// What cannot be evaluated offline is listed in `unsupported`, never skipped silently: the
/// `ORG-ID-PREFIX` prefix list of `startswith` comes from org-id.guide, outside the repository.
/// `idCondition` (NOT_EXISTING_ORG_ID[_PREFIX]) asks whether an identifier is a registered
/// publisher's; with no registry at hand the identifiers are taken as unregistered, so the rule
/// applies (the stricter reading).
struct IATIRuleset {
    struct Failure: CustomStringConvertible {
        let id: String
        let severity: String
        let rule: String
        let message: String
        let context: String
        var description: String { "\(id) \(rule) (\(severity)) at \(context): \(message)" }
    }

    /// A rule case of the ruleset, with its substitutions applied.
    typealias Case = [String: Any]

    static let fixture = TestTools.fixtures + "/iati/standard.json"

    /// The rule kinds of SPEC.rst that this evaluator implements.
    static let supported: Set<String> = [
        "atleast_one", "no_more_than_one", "only_one_of", "one_or_all", "dependent", "sum", "strict_sum", "unique", "startswith",
        "regex_matches", "regex_no_matches", "no_spaces", "date_order", "date_now", "time_limit", "between_dates", "range", "if_then",
        "loop",
    ]

    /// (context XPath, rule kind, cases), in the file's order of contexts and rule kinds sorted.
    let rules: [(context: String, rule: String, cases: [Case])]

    init(path: String = Self.fixture) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let top = try JSONSerialization.jsonObject(with: data) as? [String: [String: [String: Any]]] else {
            throw RulesetError.malformed("the ruleset is not an object of contexts of rules")
        }
        rules = top.keys.sorted().flatMap { context in
            top[context]!.keys.sorted().map { rule in (context, rule, top[context]![rule]!["cases"] as? [Case] ?? []) }
        }
    }

    enum RulesetError: Error { case malformed(String) }

    /// Every case this evaluator cannot decide, as "rule-id kind: why"; found by reading the whole
    /// ruleset, so it does not depend on which elements a document has.
    var unsupported: [String] {
        func walk(_ rule: String, _ cases: [Case]) -> [String] {
            cases.flatMap { oneCase -> [String] in
                let id = Self.id(oneCase)
                if rule == "loop" {
                    let inner = oneCase["do"] as? [String: [String: Any]] ?? [:]
                    return inner.keys.sorted().flatMap { walk($0, inner[$0]!["cases"] as? [Case] ?? []) }
                }
                if !Self.supported.contains(rule) { return ["\(id) \(rule): rule kind not implemented"] }
                if rule == "startswith", (oneCase["prefix"] as? [String]) == ["ORG-ID-PREFIX"] {
                    return ["\(id) startswith: needs org-id.guide's list of registration agency prefixes (ORG-ID-PREFIX)"]
                }
                if rule == "one_or_all", !Self.oneOrAllKinds.contains(oneCase["all"] as? String ?? "") {
                    return ["\(id) one_or_all: unknown 'all' \(oneCase["all"] ?? "")"]
                }
                return []
            }
        }
        return rules.flatMap { walk($0.rule, $0.cases) }.sorted()
    }

    /// The rule kinds the ruleset uses (loops' inner rules included), each with its number of cases.
    var kinds: [String: Int] {
        var counts: [String: Int] = [:]
        func walk(_ rule: String, _ cases: [Case]) {
            counts[rule, default: 0] += cases.count
            guard rule == "loop" else { return }
            for oneCase in cases {
                let inner = oneCase["do"] as? [String: [String: Any]] ?? [:]
                for (name, body) in inner { walk(name, body["cases"] as? [Case] ?? []) }
            }
        }
        for entry in rules { walk(entry.rule, entry.cases) }
        return counts
    }

    /// The failures of the document against every rule case that can be evaluated.
    func failures(of document: XMLDocument, now: Date = Date()) throws -> [Failure] {
        var failures: [Failure] = []
        for (context, rule, cases) in rules {
            for element in try document.nodes(forXPath: context) {
                let label = (try? element.nodes(forXPath: "ancestor-or-self::iati-activity/iati-identifier").first?.stringValue) ?? nil
                let at = context + (label.map { " [\($0)]" } ?? "")
                for oneCase in cases {
                    failures += try evaluate(rule, oneCase, on: element, at: at, now: now)
                }
            }
        }
        return failures
    }

    private func evaluate(_ rule: String, _ oneCase: Case, on element: XMLNode, at: String, now: Date) throws -> [Failure] {
        if rule == "loop" { return try loop(oneCase, on: element, at: at, now: now) }
        if let condition = oneCase["condition"] as? String, try !Self.truth(condition, element) { return [] }
        guard let passed = try check(rule, oneCase, on: element, now: now) else { return [] }
        if passed { return [] }
        let info = oneCase["ruleInfo"] as? [String: Any] ?? [:]
        return [
            Failure(
                id: Self.id(oneCase), severity: info["severity"] as? String ?? "", rule: rule, message: info["message"] as? String ?? "",
                context: at)
        ]
    }

    /// `foreach` selects values; each `do` case is evaluated once per distinct value, with `$1` in
    /// the keys named by `subs` replaced by it.
    private func loop(_ oneCase: Case, on element: XMLNode, at: String, now: Date) throws -> [Failure] {
        guard let foreach = oneCase["foreach"] as? String, let inner = oneCase["do"] as? [String: [String: Any]] else { return [] }
        let subs = oneCase["subs"] as? [String] ?? []
        var seen: Set<String> = []
        let values = try element.nodes(forXPath: foreach).compactMap(\.stringValue).filter { seen.insert($0).inserted }
        var failures: [Failure] = []
        for rule in inner.keys.sorted() {
            for innerCase in inner[rule]!["cases"] as? [Case] ?? [] {
                for value in values {
                    var substituted = innerCase
                    for key in subs {
                        if let text = innerCase[key] as? String { substituted[key] = text.replacingOccurrences(of: "$1", with: value) }
                        if let list = innerCase[key] as? [String] {
                            substituted[key] = list.map { $0.replacingOccurrences(of: "$1", with: value) }
                        }
                    }
                    failures += try evaluate(rule, substituted, on: element, at: at + " (\(value))", now: now)
                }
            }
        }
        return failures
    }

    /// Whether the case holds; nil where it cannot be decided here (listed in `unsupported`).
    private func check(_ rule: String, _ oneCase: Case, on element: XMLNode, now: Date) throws -> Bool? {
        let paths = oneCase["paths"] as? [String] ?? []
        let matches = try paths.flatMap { try element.nodes(forXPath: $0) }
        let texts = matches.map { $0.stringValue ?? "" }
        func dateAt(_ key: String) throws -> Date? {
            guard let path = oneCase[key] as? String else { return nil }
            if path == "NOW" { return now }
            return try element.nodes(forXPath: path).first?.stringValue.flatMap(Self.date)
        }
        switch rule {
        case "atleast_one": return !matches.isEmpty
        case "no_more_than_one": return matches.count <= 1
        case "only_one_of":
            let excluded = oneCase["excluded"] as? [String] ?? []
            return try excluded.allSatisfy { try element.nodes(forXPath: $0).isEmpty ? matches.count == 1 : matches.isEmpty }
        case "one_or_all":
            guard let one = oneCase["one"] as? String, let all = oneCase["all"] as? String else { return nil }
            if try !element.nodes(forXPath: one).isEmpty { return true }
            return try Self.oneOrAll(all, element)
        case "dependent":
            let present = try paths.map { try !element.nodes(forXPath: $0).isEmpty }
            return !present.contains(true) || !present.contains(false)
        case "sum", "strict_sum":
            if rule == "sum" && matches.isEmpty { return true }
            let sum = texts.reduce(0.0) { $0 + (Double($1.trimmingCharacters(in: .whitespaces)) ?? .nan) }
            // The validator compares the sum rounded to four decimals.
            return ((sum * 10_000).rounded() / 10_000) == (oneCase["sum"] as? NSNumber)?.doubleValue
        case "unique": return Set(texts).count == texts.count
        case "startswith":
            let prefixes = oneCase["prefix"] as? [String] ?? []
            if prefixes == ["ORG-ID-PREFIX"] { return nil }
            let separator = oneCase["separator"] as? String ?? ""
            let starts = try prefixes.flatMap { try element.nodes(forXPath: $0) }.map { ($0.stringValue ?? "") + separator }
            return texts.allSatisfy { text in starts.contains { text.hasPrefix($0) } }
        case "regex_matches", "regex_no_matches":
            let regex = try NSRegularExpression(pattern: oneCase["regex"] as? String ?? "")
            return texts.allSatisfy { text in
                text.isEmpty
                    || (regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil) == (rule == "regex_matches")
            }
        case "no_spaces": return texts.allSatisfy { $0 == $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        case "date_order":
            guard let less = try dateAt("less"), let more = try dateAt("more") else { return true }
            return less <= more
        case "date_now":
            guard let updated = try dateAt("date") else { return true }
            return updated <= now
        case "time_limit":
            guard let start = try dateAt("start"), let end = try dateAt("end") else { return true }
            return end.timeIntervalSince(start) <= 365 * 86_400
        case "between_dates":
            guard let day = try dateAt("date"), let start = try dateAt("start"), let end = try dateAt("end") else { return true }
            return start <= day && day <= end
        case "range":
            let min = (oneCase["min"] as? NSNumber)?.doubleValue ?? -.infinity
            let max = (oneCase["max"] as? NSNumber)?.doubleValue ?? .infinity
            return texts.allSatisfy { Double($0).map { min <= $0 && $0 <= max } ?? false }
        case "if_then":
            guard let condition = oneCase["if"] as? String, let then = oneCase["then"] as? String else { return nil }
            return try !Self.truth(condition, element) || Self.truth(then, element)
        default: return nil
        }
    }

    static let oneOrAllKinds: Set<String> = ["lang", "sector", "recipient-country|recipient-region", "currency"]

    /// `one_or_all`'s `all` names what each of a set of elements must carry, as the validator reads it.
    private static func oneOrAll(_ all: String, _ element: XMLNode) throws -> Bool? {
        switch all {
        case "lang": return try element.nodes(forXPath: "descendant::narrative[not(@xml:lang)]").isEmpty
        case "sector": return try element.nodes(forXPath: "transaction[not(sector)]").isEmpty
        case "recipient-country|recipient-region":
            return try element.nodes(forXPath: "transaction[not(recipient-country or recipient-region)]").isEmpty
        case "currency":
            return try element.nodes(forXPath: "descendant::value[not(@currency)] | descendant::forecast[not(@currency)]").isEmpty
                && element.nodes(forXPath: "descendant::loan-status[not(@currency)]").isEmpty
        default: return nil
        }
    }

    /// An XPath 1.0 expression's boolean value with `element` as context node.
    static func truth(_ expression: String, _ element: XMLNode) throws -> Bool {
        try !element.nodes(forXPath: "self::node()[boolean(\(expression))]").isEmpty
    }

    static func id(_ oneCase: Case) -> String { (oneCase["ruleInfo"] as? [String: Any])?["id"] as? String ?? "?" }

    /// An xsd:date or xsd:dateTime (IATI writes both).
    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        return formatter.date(from: String(text.prefix(10)))
    }
}
