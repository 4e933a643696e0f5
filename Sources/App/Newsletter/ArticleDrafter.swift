import Foundation

/// Writes the first draft of a newsletter article from a held meeting's record, in English and
/// in Chinese. Every sentence is built from fields of the record; nothing is invented, and a
/// field the record lacks leaves its sentence out.
struct ArticleDrafter {
    struct Draft: Equatable {
        let title: String
        let markdown: String
    }

    let record: MeetingRecord

    func draft(_ language: Language) -> Draft {
        language == .en ? english() : chinese()
    }

    // MARK: facts taken from the record

    private var meeting: Meeting { record.meeting }
    private var attendance: AttendanceSummary { record.attendance }
    private var moderators: [Participation] { record.participations.filter { $0.roles.contains(.chair) } }

    /// Speakers and other named guests who represent an organisation rather than a member state.
    private var namedGuests: [Participation] {
        let invited = Set(record.invitedCountries.compactMap(\.id))
        return record.participations.filter { p in
            p.attendance == .present && !p.illustrative && !p.roles.contains(.chair) && p.roles.contains(.speaker)
                && !(p.$country.id.map(invited.contains) ?? false) && p.$country.id != moderators.first?.$country.id
        }
    }

    /// "about 40": counts from ten up are given to the nearest five, as the attendance of a video
    /// meeting is known to about that precision.
    private var delegateCount: (about: Bool, number: Int) {
        let present = attendance.delegatesPresent
        guard present >= 10 else { return (false, present) }
        return (true, Int((Double(present) / 5).rounded()) * 5)
    }

    // MARK: English

    private func english() -> Draft {
        let l = Language.en
        let title = meeting.title(l) + " Successfully Held"
        var opening: [String] = []
        var first = ""
        if let day = meeting.startsAt.map({ MeetingTime.local($0, in: meeting.zone).date }), let date = LocalizedDate.format(day, .en) {
            first = "On \(date), "
        }
        first += meeting.title(l).withoutTrailingYear + " was successfully held" + (englishMode().isEmpty ? "" : " " + englishMode())
        if let parent = record.parent { first += " during " + parent.title(l) }
        opening.append(first + ".")
        let hosts = record.organisations(.host).map { $0.name(l) + ($0.acronym.isEmpty ? "" : " (\($0.acronym))") }
        let organisers = record.organisations(.organiser).map { $0.name(l) }
        if !hosts.isEmpty || !organisers.isEmpty {
            var sentence = "This meeting is"
            if !hosts.isEmpty { sentence += " hosted by the " + Self.englishList(hosts) }
            if !organisers.isEmpty { sentence += (hosts.isEmpty ? "" : ", and") + " organized by " + organisers.joined(separator: "/") }
            opening.append(sentence + ".")
        }
        for moderator in moderators {
            opening.append(named(moderator, l) + ", moderated the meeting.")
        }
        let countries = attendance.representedCountries.map { $0.name(l) }
        if attendance.delegatesPresent > 0 {
            let guests = namedGuests.map { named($0, l) }
            let count = delegateCount
            var sentence = guests.isEmpty ? "" : guests.joined(separator: ", ") + ", and "
            sentence += (count.about ? "about " : "") + "\(count.number) delegates from ASEAN member countries"
            if !countries.isEmpty { sentence += ", including " + Self.englishList(countries) + "," }
            sentence += " attended the meeting."
            opening.append(sentence.prefix(1).uppercased() + sentence.dropFirst())
        }
        var paragraphs = [opening.joined(separator: " ")]
        for statement in record.statements {
            let speaker = record.participations.first { $0.$person.id == statement.$speaker.id }
            let who = speaker.map { named($0, l) } ?? statement.speaker.name(l)
            paragraphs.append(who + ", " + statement.summaryEn.lowercasingFirstLetter)
        }
        var closing: [String] = []
        if !meeting.discussionEn.isEmpty { closing.append(meeting.discussionEn) }
        let outcomes = record.outcomes.filter { $0.kind != .actionItem }.map {
            $0.textEn.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        }
        if !outcomes.isEmpty { closing.append("Conclusions of the meeting: " + outcomes.map { $0 + "." }.joined(separator: " ")) }
        let actions = record.outcomes.filter { $0.kind == .actionItem }.map { action in
            action.textEn.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
                + (action.ownerCountry?.nameEn ?? action.ownerOrganisation?.nameEn).map { " (\($0))" }.orEmpty
        }
        if !actions.isEmpty { closing.append("Action items: " + actions.joined(separator: "; ") + ".") }
        if !closing.isEmpty { paragraphs.append(closing.joined(separator: " ")) }
        return Draft(title: title, markdown: paragraphs.map(MarkdownEscape.text).joined(separator: "\n\n") + "\n")
    }

    private func englishMode() -> String {
        switch meeting.mode {
        case .online: return "by video meeting"
        case .inPerson: return meeting.venueEn.isEmpty ? "in person" : "in " + meeting.venueEn
        case .hybrid: return (meeting.venueEn.isEmpty ? "in person" : "in " + meeting.venueEn) + " and by video"
        case .unstated: return ""
        }
    }

    /// "Zhou Jun, Director, Department of International Cooperation, Ministry of Ecology and Environment"
    /// "San Oo, Deputy Director General, Environmental Conservation Department of Myanmar": a
    /// delegate of a country other than the host's is named with that country, as the seed does.
    private func named(_ participation: Participation, _ language: Language) -> String {
        let position = record.describe(participation, language)
        let hostCountries = Set(record.organisations(.host).compactMap { $0.$country.id })
        let delegation = (participation.$country.value ?? nil).flatMap { country in
            hostCountries.contains(country.savedID) || position.contains(country.name(language)) ? nil : country.name(language)
        }
        switch language {
        case .en:
            let described = position + (delegation.map { (position.isEmpty ? "" : " of ") + $0 } ?? "")
            return participation.person.name(.en) + (described.isEmpty ? "" : ", " + described)
        case .zh: return Self.cjk([delegation ?? "", position, participation.person.name(.zh)])
        }
    }

    static func englishList(_ items: [String]) -> String {
        switch items.count {
        case 0: return ""
        case 1: return items[0]
        case 2: return items[0] + " and " + items[1]
        default: return items.dropLast().joined(separator: ", ") + ", and " + items.last!
        }
    }

    // MARK: Chinese

    private func chinese() -> Draft {
        let l = Language.zh
        let title = Self.cjk([meeting.title(l), "成功召开"])
        var opening: [String] = []
        var first = ""
        if let day = meeting.startsAt.map({ MeetingTime.local($0, in: meeting.zone).date }), let date = LocalizedDate.format(day, .zh) {
            first = date + "，"
        }
        if let parent = record.parent { first += Self.cjk([parent.title(l), "期间，"]) }
        first = Self.cjk([first, meeting.title(l).withoutTrailingYear, chineseMode() + "成功召开"])
        opening.append(first + "。")
        let hosts = record.organisations(.host).map { $0.name(l) }
        let organisers = record.organisations(.organiser).map { $0.name(l) }
        if !hosts.isEmpty || !organisers.isEmpty {
            var sentence = "会议由"
            if !hosts.isEmpty { sentence = Self.cjk([sentence, hosts.joined(separator: "、"), "主办"]) }
            if !organisers.isEmpty {
                sentence = Self.cjk([sentence + (hosts.isEmpty ? "" : "，"), organisers.joined(separator: "/"), "承办"])
            }
            opening.append(sentence + "。")
        }
        for moderator in moderators { opening.append(Self.cjk([named(moderator, l), "主持会议。"])) }
        let countries = attendance.representedCountries.map { $0.name(l) }
        if attendance.delegatesPresent > 0 {
            let guests = namedGuests.map { named($0, l) }
            let count = delegateCount
            var sentence = guests.isEmpty ? "" : Self.cjk([guests.joined(separator: "、"), "以及"])
            sentence += "来自" + (countries.isEmpty ? "东盟成员国" : countries.joined(separator: "、") + "等东盟成员国")
            sentence += "的" + (count.about ? "约" : "") + "\(count.number)名代表出席会议。"
            opening.append(sentence)
        }
        var paragraphs = [opening.joined()]
        for statement in record.statements {
            let speaker = record.participations.first { $0.$person.id == statement.$speaker.id }
            let who = speaker.map { named($0, l) } ?? statement.speaker.name(l)
            if statement.summaryZh.isEmpty {
                paragraphs.append(Self.cjk([who, "发言（待译）："]) + statement.summaryEn)
            } else {
                paragraphs.append(Self.cjk([who, statement.summaryZh]))
            }
        }
        var closing: [String] = []
        if !meeting.discussionZh.isEmpty {
            closing.append(meeting.discussionZh)
        } else if !meeting.discussionEn.isEmpty {
            closing.append("会议讨论（待译）：" + meeting.discussionEn)
        }
        let outcomes = record.outcomes.filter { $0.kind != .actionItem }.map {
            ($0.textZh.isEmpty ? $0.textEn : $0.textZh).trimmingCharacters(in: CharacterSet(charactersIn: ".。 "))
        }
        if !outcomes.isEmpty { closing.append("会议结论：" + outcomes.joined(separator: "；") + "。") }
        if !closing.isEmpty { paragraphs.append(closing.joined(separator: "\n\n")) }
        return Draft(title: title, markdown: paragraphs.map(MarkdownEscape.text).joined(separator: "\n\n") + "\n")
    }

    /// Joins Chinese text without spaces, setting off parts that fell back to English.
    static func cjk(_ parts: [String]) -> String {
        NetworkDirectory.joinChinese(parts.filter { !$0.isEmpty })
    }

    private func chineseMode() -> String {
        switch meeting.mode {
        case .online: return "以视频会议形式"
        case .inPerson: return meeting.venue(.zh).isEmpty ? "" : "在" + meeting.venue(.zh)
        case .hybrid: return "以线上线下结合方式"
        case .unstated: return ""
        }
    }
}

extension String {
    /// "Meeting on Environmental Cooperation 2021" → "Meeting on Environmental Cooperation": the
    /// year reads in the title, not in the sentence that already gives the date.
    var withoutTrailingYear: String {
        guard let range = range(of: #"\s+(19|20)\d\d$"#, options: .regularExpression) else { return self }
        return String(self[..<range.lowerBound])
    }

    var lowercasingFirstLetter: String {
        guard let first else { return self }
        return first.lowercased() + dropFirst()
    }
}

extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
