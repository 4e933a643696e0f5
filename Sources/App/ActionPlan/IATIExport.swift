import Fluent
import Foundation
import SQLKit

/// IATI activity XML, version 2.03: every activity of the action plan with its participants,
/// dates, the goals it serves (as SDG tags) and its indicators with baselines, targets and
/// actuals (country breakdowns as dimensions). Elements follow the schema's order.
struct IATIExport {
    let reportingOrgRef: String
    let reportingOrgName: String

    func xml(on db: any Database) async throws -> String {
        let activities = try await Activity.query(on: db).sort(\.$code).all()
        let participants = Dictionary(grouping: try await ActivityParticipant.query(on: db).with(\.$country).with(\.$organisation).all()) {
            $0.$activity.id
        }
        let indicators = Dictionary(grouping: try await Indicator.query(on: db).filter(\.$activity.$id != nil).all()) { $0.$activity.id! }
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: db).all().map { ($0.id!, $0.code) })
        // Targets and actuals are the bulk of the export: read as plain rows, not models.
        let sql = db as! any SQLDatabase
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
        let codes = Dictionary(uniqueKeysWithValues: activities.map { ($0.id!, $0.code) })
        let iso = ISO8601DateFormatter()
        let now = iso.string(from: Date())

        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<iati-activities version=\"2.03\" generated-datetime=\"\(now)\">\n"
        out.reserveCapacity(activities.count * 4_000)
        for activity in activities {
            let updated = iso.string(from: activity.updatedAt ?? activity.createdAt ?? Date())
            out += " <iati-activity last-updated-datetime=\"\(updated)\" xml:lang=\"en\">\n"
            out += "  <iati-identifier>\(e(identifier(activity.code)))</iati-identifier>\n"
            out +=
                "  <reporting-org ref=\"\(e(reportingOrgRef))\" type=\"10\"><narrative>\(e(reportingOrgName))</narrative></reporting-org>\n"
            out += "  <title>\(narratives(activity.titleEn, activity.titleZh))</title>\n"
            let description = activity.descriptionEn.isEmpty && activity.descriptionZh.isEmpty ? activity.titleEn : activity.descriptionEn
            out += "  <description type=\"1\">\(narratives(description, activity.descriptionZh))</description>\n"
            let mine = participants[activity.id!] ?? []
            if mine.isEmpty {
                out +=
                    "  <participating-org ref=\"\(e(reportingOrgRef))\" role=\"2\"><narrative>\(e(reportingOrgName))</narrative></participating-org>\n"
            }
            for participant in mine {
                let name = participant.organisation?.nameEn ?? participant.country?.nameEn ?? ""
                out += "  <participating-org role=\"\(participant.role.iatiCode)\"><narrative>\(e(name))</narrative></participating-org>\n"
            }
            out += "  <activity-status code=\"\(activity.status.iatiCode)\"/>\n"
            for (type, date) in [(1, activity.plannedStart), (2, activity.actualStart), (3, activity.plannedEnd), (4, activity.actualEnd)] {
                if let date { out += "  <activity-date type=\"\(type)\" iso-date=\"\(e(date))\"/>\n" }
            }
            for code in Set(mine.compactMap { $0.$country.id.flatMap { countries[$0] } }).sorted() {
                out += "  <recipient-country code=\"\(e(code))\"/>\n"
            }
            for goal in activity.goals {
                let title = SustainableDevelopmentGoals.goal(goal)?.titleEn ?? ""
                out += "  <tag vocabulary=\"2\" code=\"\(goal)\"><narrative>\(e(title))</narrative></tag>\n"
            }
            if let parent = activity.$parent.id.flatMap({ codes[$0] }) {
                out += "  <related-activity ref=\"\(e(identifier(parent)))\" type=\"1\"/>\n"
            }
            for indicator in (indicators[activity.id!] ?? []).sorted(by: { $0.code < $1.code }) {
                out += result(indicator, targets: targets[indicator.id!] ?? [], actuals: actuals[indicator.id!] ?? [])
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
