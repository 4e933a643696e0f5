import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

#if canImport(FoundationXML)
    import FoundationXML
#endif

@Suite("IATI activity XML export")
struct IATIExportTests {
    static func export(_ app: Application) async throws -> String {
        let response = try await app.testing().sendRequest(.GET, "/action-plan/export/iati.xml")
        #expect(response.status == .ok)
        #expect(response.headers.contentType?.subType == "xml")
        return response.text
    }

    static func expectValid(_ xml: String, _ what: String) throws {
        let result = try Xmllint.validate(xml)
        #expect(result.status == 0, "xmllint refused the IATI export (\(what)): \(result.output)")
    }

    static func document(_ xml: String) throws -> XMLDocument {
        try XMLDocument(data: Data(xml.utf8), options: [])
    }

    static func values(_ document: XMLDocument, _ xpath: String) throws -> [String] {
        try document.nodes(forXPath: xpath).compactMap(\.stringValue)
    }

    @Test("The export of the demo validates against the IATI 2.03 activity schema with xmllint")
    func demoValidates() async throws {
        try await withApp(loadDemo: true) { app async throws in
            try Self.expectValid(try await Self.export(app), "demo")
        }
    }

    @Test("The xmllint check itself refuses an export that breaks the schema")
    func xmllintRefusesInvalid() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let xml = try await Self.export(app)
            // an activity-status without its required code
            let reordered = xml.replacingOccurrences(of: "<activity-status code=\"2\"/>", with: "<activity-status/>")
            #expect(reordered != xml)
            #expect(try Xmllint.validate(reordered).status != 0, "xmllint accepted an activity-status without its code")
            let noIdentifier = xml.replacingOccurrences(of: "<iati-identifier>", with: "<iati-id>").replacingOccurrences(
                of: "</iati-identifier>", with: "</iati-id>")
            #expect(try Xmllint.validate(noIdentifier).status != 0, "xmllint accepted activities without iati-identifier")
        }
    }

    @Test("The export has one iati-activity per activity, with identifier, status, SDG tags and results with baseline, targets and actuals")
    func demoContents() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let org = app.focalConfig.iatiReportingOrg
            let xml = try await Self.export(app)
            let doc = try Self.document(xml)
            let activityCount = try await Activity.query(on: app.db).count()
            #expect(try doc.nodes(forXPath: "/iati-activities/iati-activity").count == activityCount)
            #expect(
                try Self.values(doc, "/iati-activities/iati-activity/iati-identifier").sorted()
                    == ["BD-1", "CC-1", "EX-1"].map { org + "-" + $0 })
            let cc = "/iati-activities/iati-activity[iati-identifier='\(org)-CC-1']"
            #expect(try Self.values(doc, cc + "/activity-status/@code") == ["2"], "implementation is IATI activity status 2")
            #expect(try Self.values(doc, cc + "/reporting-org/@ref") == [org])
            #expect(try Self.values(doc, cc + "/tag[@vocabulary='2']/@code").sorted() == ["13", "17"])
            #expect(try Self.values(doc, cc + "/tag[@vocabulary='2' and @code='13']/narrative") == ["Climate action"])
            #expect(try Self.values(doc, cc + "/recipient-country/@code").contains("MM"))
            #expect(try Self.values(doc, cc + "/activity-date[@type='1']/@iso-date") == ["2021-01-01"])

            let indicator = cc + "/result/indicator"
            #expect(try Self.values(doc, indicator + "/@measure") == ["1"])
            #expect(try Self.values(doc, indicator + "/title/narrative") == ["Illustrative indicator: exchange events held"])
            #expect(try Self.values(doc, indicator + "/baseline/@year") == ["2020"])
            #expect(try Self.values(doc, indicator + "/baseline/@value") == ["0"])
            #expect(try Self.values(doc, indicator + "/period/period-start/@iso-date") == (2021...2025).map { "\($0)-01-01" })
            #expect(try Self.values(doc, indicator + "/period/target/@value") == ["2", "4", "6", "8", "10"])
            #expect(try Self.values(doc, indicator + "/period[period-start/@iso-date='2022-01-01']/actual/@value") == ["5"])
            #expect(try Self.values(doc, indicator + "/period/actual/@value") == ["3", "5"])
            // The percentage indicator of BD-1 is measure 2; the qualitative one of EX-1 measure 5, without "ascending".
            #expect(try Self.values(doc, "//iati-activity[iati-identifier='\(org)-BD-1']/result/indicator/@measure") == ["2"])
            #expect(try Self.values(doc, "//iati-activity[iati-identifier='\(org)-EX-1']/result/indicator/@measure") == ["5"])
            #expect(try doc.nodes(forXPath: "//iati-activity[iati-identifier='\(org)-EX-1']/result/indicator/@ascending").isEmpty)
        }
    }

    @Test("Special characters in a title are escaped and the export still validates")
    func specialCharactersEscaped() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let title = #"Rivers <and> lakes & "wetlands""#
            try await Plan.createActivity(app, headers: editor, code: "CC-2", ["title_en": title, "title_zh": "河流<与>湖泊 & “湿地”"])
            let xml = try await Self.export(app)
            #expect(xml.contains("<narrative>Rivers &lt;and&gt; lakes &amp; &quot;wetlands&quot;</narrative>"))
            #expect(!xml.contains(title), "the raw title must not reach the XML")
            let doc = try Self.document(xml)
            let org = app.focalConfig.iatiReportingOrg
            #expect(try Self.values(doc, "//iati-activity[iati-identifier='\(org)-CC-2']/title/narrative[1]") == [title])
            try Self.expectValid(xml, "title with <&>\"")
        }
    }

    @Test("An actual broken down by country carries a country dimension and the export still validates")
    func countryDimension() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let indicator = try await Plan.indicator(app, "CC-1.1")
            let myanmar = try await Plan.country(app, "MM")
            let response = try await postForm(
                app, "/admin/indicator-actuals",
                fields: [
                    "indicator_id": indicator.id!.uuidString, "year": "2023", "country_id": myanmar.id!.uuidString, "value": "2",
                    "text": "",
                    "illustrative": "no",
                ], headers: editor)
            try #require(
                response.status == .seeOther, "saving the actual answered \(response.status): \(fieldError(response.text, "year") ?? "")")
            let xml = try await Self.export(app)
            let doc = try Self.document(xml)
            let org = app.focalConfig.iatiReportingOrg
            let period = "//iati-activity[iati-identifier='\(org)-CC-1']/result/indicator/period[period-start/@iso-date='2023-01-01']"
            #expect(try Self.values(doc, period + "/actual/@value") == ["2"])
            #expect(try Self.values(doc, period + "/actual/dimension[@name='country']/@value") == ["MM"])
            try Self.expectValid(xml, "country dimension")
        }
    }

    @Test("An actual of a report that is not validated stays out of the export")
    func unvalidatedActualsLeftOut() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let activity = try await Plan.activity(app, "CC-1")
            let indicator = try await Plan.indicator(app, "CC-1.1")
            let myanmar = try await Plan.country(app, "MM")
            let response = try await postForm(
                app, "/action-plan/reports",
                fields: [
                    "activity_id": activity.id!.uuidString, "year": "2024", "country_id": myanmar.id!.uuidString,
                    "narrative_en": "Draft report", "narrative_zh": "", "actual__" + indicator.id!.uuidString: "7",
                ], headers: focalPoint)
            try #require(response.status == .seeOther)
            let doc = try Self.document(try await Self.export(app))
            #expect(try doc.nodes(forXPath: "//period[period-start/@iso-date='2024-01-01']/actual").isEmpty)
        }
    }
}
