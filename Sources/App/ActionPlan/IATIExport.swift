import Fluent
import Foundation
import SQLKit

/// IATI activity XML, version 2.03: every activity of the action plan with its participants,
/// dates, recipient countries, sectors, the goals it serves (as SDG tags) and its indicators with
/// baselines, targets and actuals (country breakdowns as dimensions). Elements follow the schema's
/// order; the content follows the IATI Standard Ruleset as well (checked in the tests).
struct IATIExport {
    let reportingOrgRef: String
    let reportingOrgName: String

    func xml(on db: any Database) async throws -> String {
        let activities = try await Activity.query(on: db).with(\.$leadOrganisation).sort(\.$code).all()
        let areas = Dictionary(uniqueKeysWithValues: try await PriorityArea.query(on: db).all().map { ($0.savedID, $0) })
        let organisations = Dictionary(uniqueKeysWithValues: try await Organisation.query(on: db).all().map { ($0.savedID, $0) })
        let participants = Dictionary(grouping: try await ActivityParticipant.query(on: db).with(\.$country).with(\.$organisation).all()) {
            $0.$activity.id
        }
        let indicators = Dictionary(grouping: try await Indicator.query(on: db).filter(\.$activity.$id != nil).all()) { $0.$activity.id! }
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: db).all().map { ($0.savedID, $0.code) })
        // Targets and actuals are the bulk of the export: read as plain rows, not models.
        let sql = try db.sql
        var targets: [UUID: [Value]] = [:]
        for row in try await sql.select().columns("indicator_id", "year", "value", "text").from(IndicatorTarget.schema).all() {
            targets[try row.decode(column: "indicator_id", as: UUID.self), default: []].append(try Value(row, country: nil))
        }
        var actuals: [UUID: [Value]] = [:]
        let validatedActuals = try await sql.raw(
            """
            SELECT indicator_id, year, value, text, country_id FROM \(ident: IndicatorActual.schema)
            WHERE report_id IS NULL OR report_id IN (SELECT id FROM \(ident: ProgressReport.schema) WHERE status = 'validated')
            """
        ).all()
        for row in validatedActuals {
            let country = try row.decode(column: "country_id", as: UUID?.self).flatMap { countries[$0] }
            actuals[try row.decode(column: "indicator_id", as: UUID.self), default: []].append(try Value(row, country: country))
        }
        let codes = Dictionary(uniqueKeysWithValues: activities.map { ($0.savedID, $0.code) })
        let now = Date().internetTimestamp

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"\(now)\">\n"
        out.reserveCapacity(activities.count * 4_000)
        for activity in activities {
            let updated = (activity.updatedAt ?? activity.createdAt ?? Date()).internetTimestamp
            out += " <iati-activity last-updated-datetime=\"\(updated)\" xml:lang=\"en\">\n"
            out += "  <iati-identifier>\(e(identifier(activity.code)))</iati-identifier>\n"
            out +=
                "  <reporting-org ref=\"\(e(reportingOrgRef))\" type=\"10\"><narrative>\(e(reportingOrgName))</narrative></reporting-org>\n"
            out += "  <title>\(narratives(activity.titleEn, activity.titleZh))</title>\n"
            let description = activity.descriptionEn.isEmpty && activity.descriptionZh.isEmpty ? activity.titleEn : activity.descriptionEn
            out += "  <description type=\"1\">\(narratives(description, activity.descriptionZh))</description>\n"
            let mine = participants[activity.savedID] ?? []
            for org in participatingOrgs(activity, mine, organisations: organisations) {
                let ref = org.ref.map { " ref=\"\(e($0))\"" } ?? ""
                out +=
                    "  <participating-org\(ref) role=\"\(org.role)\" type=\"\(org.type)\">\(narratives(org.nameEn, org.nameZh))</participating-org>\n"
            }
            out += "  <activity-status code=\"\(activity.status.iatiCode)\"/>\n"
            for (type, date) in [(1, activity.plannedStart), (2, activity.actualStart), (3, activity.plannedEnd), (4, activity.actualEnd)] {
                if let date { out += "  <activity-date type=\"\(type)\" iso-date=\"\(e(date))\"/>\n" }
            }
            let recipients = Set(mine.compactMap { $0.$country.id.flatMap { countries[$0] } }).sorted()
            for (code, share) in zip(recipients, Self.equalShares(recipients.count)) {
                out += "  <recipient-country code=\"\(e(code))\"\(share.map { " percentage=\"\($0)\"" } ?? "")/>\n"
            }
            if let area = areas[activity.$priorityArea.id] {
                let sector = Self.dacSector(forPriorityArea: area.code)
                out += "  <sector vocabulary=\"1\" code=\"\(sector.code)\"><narrative>\(sector.name)</narrative></sector>\n"
                let title = area.titleEn.isEmpty && area.titleZh.isEmpty ? area.code : area.titleEn
                out += "  <sector vocabulary=\"99\" code=\"\(e(area.code))\">\(narratives(title, area.titleZh))</sector>\n"
            }
            for goal in activity.goals {
                let title = SustainableDevelopmentGoals.goal(goal)?.titleEn ?? ""
                out += "  <tag vocabulary=\"2\" code=\"\(goal)\"><narrative>\(e(title))</narrative></tag>\n"
            }
            if let parent = activity.$parent.id.flatMap({ codes[$0] }) {
                out += "  <related-activity ref=\"\(e(identifier(parent)))\" type=\"1\"/>\n"
            }
            for indicator in (indicators[activity.savedID] ?? []).sorted(by: { $0.code < $1.code }) {
                out += result(indicator, targets: targets[indicator.savedID] ?? [], actuals: actuals[indicator.savedID] ?? [])
            }
            out += " </iati-activity>\n"
        }
        return out + "</iati-activities>\n"
    }

    /// A target or an actual of one year.
    struct Value {
        let year: Int
        let value: Double?
        let text: String
        let country: String?

        init(_ row: any SQLRow, country: String?) throws {
            year = try row.decode(column: "year", as: Int.self)
            value = try row.decode(column: "value", as: Double?.self)
            text = try row.decode(column: "text", as: String.self)
            self.country = country
        }
    }

    private func result(_ indicator: Indicator, targets: [Value], actuals: [Value]) -> String {
        var out = "  <result type=\"1\">\n   <title>\(narratives(indicator.titleEn, indicator.titleZh))</title>\n"
        let ascending = indicator.measure == .qualitative ? "" : " ascending=\"\(indicator.direction == .increase ? 1 : 0)\""
        out += "   <indicator measure=\"\(indicator.measure.iatiCode)\"\(ascending)>\n"
        out += "    <title>\(narratives(indicator.titleEn, indicator.titleZh))</title>\n"
        if let year = indicator.baselineYear, year > 0 {
            let value = indicator.baselineValue.map { " value=\"\(SVGCharts.number($0))\"" } ?? ""
            out += "    <baseline year=\"\(year)\"\(value)>"
            if !indicator.baselineText.isEmpty { out += "<comment><narrative>\(e(indicator.baselineText))</narrative></comment>" }
            out += "</baseline>\n"
        }
        let years = Set(targets.map(\.year)).union(actuals.map(\.year)).sorted()
        for year in years {
            out += "    <period><period-start iso-date=\"\(year)-01-01\"/><period-end iso-date=\"\(year)-12-31\"/>"
            for target in targets where target.year == year {
                out += "<target" + (target.value.map { " value=\"\(SVGCharts.number($0))\"" } ?? "") + ">"
                if !target.text.isEmpty { out += "<comment><narrative>\(e(target.text))</narrative></comment>" }
                out += "</target>"
            }
            for actual in actuals where actual.year == year {
                out += "<actual" + (actual.value.map { " value=\"\(SVGCharts.number($0))\"" } ?? "") + ">"
                if let code = actual.country { out += "<dimension name=\"country\" value=\"\(e(code))\"/>" }
                if !actual.text.isEmpty { out += "<comment><narrative>\(e(actual.text))</narrative></comment>" }
                out += "</actual>"
            }
            out += "</period>\n"
        }
        return out + "   </indicator>\n  </result>\n"
    }

    func identifier(_ code: String) -> String { reportingOrgRef + "-" + code }

    // MARK: classifications the data does not hold as IATI codes, derived as documented here

    /// The OECD DAC purpose code (sector vocabulary 1) of a priority area. The plan is one of
    /// environmental cooperation, so every activity sits in DAC 410 "General environment
    /// protection". Biodiversity has a code of its own (41030). DAC has no purpose code for
    /// climate change (it is a policy marker, whose significance the plan does not record), and
    /// the exchanges, meetings and shared information the other areas consist of are what 41010
    /// describes ("environmental policy ... seminars, meetings; miscellaneous conservation and
    /// protection measures not specified below"), so 41010 is also the code of any area not
    /// listed. The priority area itself goes alongside, as the reporting organisation's own
    /// sector vocabulary (99), so a reader sees what the DAC code was derived from.
    static func dacSector(forPriorityArea code: String) -> (code: Int, name: String) {
        switch code.uppercased() {
        case "BD": return (41030, "Biodiversity")
        default: return (41010, "Environmental policy and administrative management")
        }
    }

    /// Recipient-country percentages. The plan does not record how an activity is shared between
    /// its countries, and IATI asks for a percentage on each of several countries, adding up to
    /// 100: so the activity is split equally, in hundredths, the hundredths left over by rounding
    /// going one each to the first countries in code order (11 countries: one 9.10, ten 9.09).
    /// A single country needs no percentage.
    static func equalShares(_ count: Int) -> [String?] {
        guard count > 1 else { return Array(repeating: nil, count: count) }
        let base = 10_000 / count
        let left = 10_000 % count
        return (0..<count).map { index in
            let hundredths = base + (index < left ? 1 : 0)
            return "\(hundredths / 100)." + String(String(hundredths % 100 + 100).dropFirst())
        }
    }

    struct ParticipatingOrg {
        let ref: String?
        let role: Int
        let type: Int
        let nameEn: String
        let nameZh: String
    }

    /// The lead organisation, then the countries and organisations recorded as participants, each
    /// role once. The lead organisation is the one that carries out the activity: IATI's role 4,
    /// Implementing (the Standard expects a funding or an implementing organisation in every
    /// activity). Where nobody is recorded, the reporting organisation stands as the one accountable
    /// for the record (role 2). Organisations have no IATI identifier in the data, so `ref` is set
    /// only where the organisation is the reporting organisation (whose identifier is configured);
    /// the others are named, as the Standard allows when @ref is absent.
    func participatingOrgs(_ activity: Activity, _ participants: [ActivityParticipant], organisations: [UUID: Organisation])
        -> [ParticipatingOrg]
    {
        let reporter = reportingOrgName.trimmingCharacters(in: .whitespaces).lowercased()
        func entry(_ organisation: Organisation, role: Int) -> ParticipatingOrg {
            let isReporter = organisation.nameEn.trimmingCharacters(in: .whitespaces).lowercased() == reporter
            return ParticipatingOrg(
                ref: isReporter ? reportingOrgRef : nil, role: role, type: Self.organisationType(organisation, organisations),
                nameEn: organisation.nameEn, nameZh: organisation.nameZh)
        }
        var orgs: [ParticipatingOrg] = []
        if let lead = activity.leadOrganisation { orgs.append(entry(lead, role: ActivityRole.implementing.iatiCode)) }
        let sorted = participants.sorted {
            ($0.country?.code ?? "~", $0.organisation?.nameEn ?? "") < ($1.country?.code ?? "~", $1.organisation?.nameEn ?? "")
        }
        for participant in sorted {
            let org: ParticipatingOrg
            if let organisation = participant.organisation {
                org = entry(organisation, role: participant.role.iatiCode)
            } else if let country = participant.country {
                // A country takes part through its government: IATI organisation type 10.
                org = ParticipatingOrg(ref: nil, role: participant.role.iatiCode, type: 10, nameEn: country.nameEn, nameZh: country.nameZh)
            } else {
                continue
            }
            if !orgs.contains(where: { $0.nameEn == org.nameEn && $0.role == org.role }) { orgs.append(org) }
        }
        if orgs.isEmpty {
            orgs.append(
                ParticipatingOrg(
                    ref: reportingOrgRef, role: ActivityRole.accountable.iatiCode, type: 10, nameEn: reportingOrgName, nameZh: ""))
        }
        return orgs
    }

    /// IATI's organisation type codelist from the register's kind of organisation: ministries are
    /// Government (10); intergovernmental bodies and their secretariats Multilateral (40); a
    /// department or centre is of the type of the body it belongs to (a department with no parent
    /// belongs to its country's government); a partner, or anything the register cannot place, Other (90).
    static func organisationType(_ organisation: Organisation, _ organisations: [UUID: Organisation], depth: Int = 0) -> Int {
        switch organisation.kind {
        case .ministry: return 10
        case .intergovernmental, .secretariat: return 40
        case .partner: return 90
        case .department, .centre:
            if let parent = organisation.$parent.id.flatMap({ organisations[$0] }), depth < 8 {
                return organisationType(parent, organisations, depth: depth + 1)
            }
            return organisation.kind == .department && organisation.$country.id != nil ? 10 : 90
        }
    }

    private func narratives(_ en: String, _ zh: String) -> String {
        var out = "<narrative>\(e(en.isEmpty ? zh : en))</narrative>"
        if !zh.isEmpty { out += "<narrative xml:lang=\"zh\">\(e(zh))</narrative>" }
        return out
    }

    /// XML text: control characters XML forbids dropped, the five special characters escaped; the
    /// common case of plain text is returned as it is, without copying.
    private func e(_ text: String) -> String {
        guard
            text.utf8.contains(where: {
                $0 < 0x20 || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"")
            })
        else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}
