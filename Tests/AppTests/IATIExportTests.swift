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

    @Test("The demo's export passes the IATI Standard Ruleset 2.03, not only the schema")
    func demoPassesRuleset() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let failures = try IATIRuleset().failures(of: try Self.document(try await Self.export(app)))
            #expect(failures.isEmpty, "the export breaks the IATI ruleset:\n\(failures.map(\.description).joined(separator: "\n"))")
        }
    }

    @Test("The ruleset check evaluates every rule kind of the ruleset file and lists the cases it cannot decide")
    func rulesetCoverage() throws {
        let ruleset = try IATIRuleset()
        #expect(
            Set(ruleset.kinds.keys) == [
                "atleast_one", "between_dates", "date_now", "date_order", "if_then", "loop", "no_more_than_one", "no_spaces", "one_or_all",
                "range", "regex_matches", "startswith", "strict_sum", "time_limit", "unique",
            ], "the ruleset file uses other rule kinds than the ones this test knows: \(ruleset.kinds)")
        #expect(Set(ruleset.kinds.keys).isSubset(of: IATIRuleset.supported))
        // The only cases left undecided need org-id.guide's list of registration agencies.
        #expect(ruleset.unsupported.map { String($0.prefix(while: { $0 != ":" })) } == ["1.14.8 startswith", "1.18.8 startswith"])
    }

    /// A small activity that passes every rule; the ruleset test breaks it one rule at a time.
    static let minimalActivity = """
        <iati-activities version="2.03">
         <iati-activity last-updated-datetime="2020-01-01T00:00:00Z" xml:lang="en">
          <iati-identifier>XI-TEST-1</iati-identifier>
          <reporting-org ref="XI-TEST" type="10"><narrative>Test</narrative></reporting-org>
          <title><narrative>Title</narrative></title>
          <description><narrative>Description</narrative></description>
          <participating-org role="4" type="10"><narrative>Partner</narrative></participating-org>
          <activity-status code="2"/>
          <activity-date type="1" iso-date="2020-01-01"/>
          <activity-date type="3" iso-date="2021-01-01"/>
          <recipient-country code="MM"/>
          <sector vocabulary="1" code="41010"/>
          <result type="1"><title><narrative>Result</narrative></title>
           <indicator measure="1"><title><narrative>Indicator</narrative></title><baseline year="2020" value="0"/></indicator></result>
         </iati-activity>
        </iati-activities>
        """

    @Test("The ruleset check flags a document that breaks a rule, for each kind of rule")
    func rulesetFlagsBrokenDocuments() throws {
        let ruleset = try IATIRuleset()
        func failures(_ xml: String) throws -> Set<String> { Set(try ruleset.failures(of: try Self.document(xml)).map(\.id)) }
        #expect(try failures(Self.minimalActivity).isEmpty, "the minimal activity passes")
        let country = #"<recipient-country code="MM"/>"#
        let sector = #"<sector vocabulary="1" code="41010"/>"#
        let broken: [(String, String, String, String)] = [
            ("atleast_one: no sector", sector, "", "6.2.2"),
            ("atleast_one: a participant with neither identifier nor name", "<narrative>Partner</narrative>", "", "6.10.1"),
            ("if_then: two countries without percentages", country, country + #"<recipient-country code="TH"/>"#, "3.1.1"),
            (
                "strict_sum: percentages adding up to 90", country,
                #"<recipient-country code="MM" percentage="50"/><recipient-country code="TH" percentage="40"/>"#, "3.1.2"
            ),
            ("range: a percentage over 100", country, #"<recipient-country code="MM" percentage="150"/>"#, "12.1.1"),
            (
                "loop of if_then: sectors of one vocabulary, one without a percentage", sector,
                sector + #"<sector vocabulary="2" code="410" percentage="50"/><sector vocabulary="2" code="150"/>"#, "2.1.1"
            ),
            (
                "loop of strict_sum: a country and a region adding up to 90", country,
                #"<recipient-country code="MM" percentage="50"/><recipient-region code="789" vocabulary="1" percentage="40"/>"#, "3.4.2"
            ),
            ("date_order: planned end before the start", #"iso-date="2021-01-01""#, #"iso-date="2019-01-01""#, "11.1.2"),
            ("date_now: updated in the future", "2020-01-01T00:00:00Z", "2999-01-01T00:00:00Z", "11.1.1"),
            ("unique: the identifier is the organisation's", "<iati-identifier>XI-TEST-1<", "<iati-identifier>XI-TEST<", "1.1.3"),
            (
                "startswith: the identifier does not begin with the organisation's", "<iati-identifier>XI-TEST-1", "<iati-identifier>GB-1",
                "1.1.21"
            ),
            ("regex_matches: a slash in the identifier", "<iati-identifier>XI-TEST-1", "<iati-identifier>XI-TEST-1/2", "1.3.13"),
            ("no_spaces: spaces around the identifier", "<iati-identifier>XI-TEST-1<", "<iati-identifier> XI-TEST-1 <", "1.3.1"),
            ("one_or_all: no default language and a narrative without one", #" xml:lang="en""#, "", "4.1.1"),
            (
                "no_more_than_one: a reference on the result and on its indicator", #"<indicator measure="1">"#,
                #"<reference vocabulary="1" code="A"/><indicator measure="1"><reference vocabulary="1" code="B"/>"#, "8.11.1"
            ),
            (
                "time_limit: a budget of more than a year", "</result>",
                #"</result><budget><period-start iso-date="2020-01-01"/><period-end iso-date="2021-06-30"/><value currency="USD" value-date="2020-01-01">1</value></budget>"#,
                "7.5.3"
            ),
        ]
        for (what, original, replacement, id) in broken {
            let xml = Self.minimalActivity.replacingOccurrences(of: original, with: replacement)
            #expect(xml != Self.minimalActivity, "\(what): the change applies")
            let found = try failures(xml)
            #expect(found.contains(id), "\(what): rule \(id) is not flagged (\(found.sorted()))")
        }
        // between_dates is only used on organisation files.
        let organisation = """
            <iati-organisations version="2.03">
             <iati-organisation last-updated-datetime="2020-01-01T00:00:00Z" xml:lang="en" default-currency="USD">
              <organisation-identifier>XI-TEST</organisation-identifier>
              <reporting-org ref="XI-TEST" type="10"><narrative>Test</narrative></reporting-org>
              <recipient-country-budget><recipient-country code="MM"/><period-start iso-date="2020-01-01"/><period-end iso-date="2020-12-31"/>
               <value value-date="2020-01-01">1</value><budget-line ref="1"><value value-date="2020-06-01">1</value></budget-line></recipient-country-budget>
             </iati-organisation>
            </iati-organisations>
            """
        #expect(try failures(organisation).isEmpty)
        #expect(try failures(organisation.replacingOccurrences(of: "2020-06-01", with: "2022-06-01")) == ["11.3.1"])
    }

    @Test("Every activity has an OECD DAC sector derived from its priority area, with the area itself as the publisher's sector")
    func sectorsFromPriorityAreas() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await Plan.createActivity(app, headers: editor, code: "BD-2", areaCode: "BD")
            let org = try app.focalConfig.iatiReportingOrg
            let doc = try Self.document(try await Self.export(app))
            #expect(try doc.nodes(forXPath: "//iati-activity[not(sector[@vocabulary='1'])]").isEmpty, "every activity has a DAC sector")
            for (code, dac, area) in [("CC-1", "41010", "CC"), ("BD-1", "41030", "BD"), ("EX-1", "41010", "EX"), ("BD-2", "41030", "BD")] {
                let activity = "//iati-activity[iati-identifier='\(org)-\(code)']"
                #expect(try Self.values(doc, activity + "/sector[@vocabulary='1']/@code") == [dac], "\(code)")
                #expect(try Self.values(doc, activity + "/sector[@vocabulary='99']/@code") == [area], "\(code)")
                #expect(try doc.nodes(forXPath: activity + "/sector/@percentage").isEmpty, "one sector per vocabulary needs no percentage")
            }
            #expect(
                try Self.values(doc, "//iati-activity[iati-identifier='\(org)-BD-1']/sector[@vocabulary='99']/narrative[1]") == [
                    "Biodiversity conservation"
                ])
        }
    }

    @Test("Several recipient countries each carry a percentage: the activity split equally, adding up to exactly 100")
    func recipientCountryPercentages() async throws {
        #expect(IATIExport.equalShares(1) == [nil], "a single country needs no percentage")
        #expect(IATIExport.equalShares(3) == ["33.34", "33.33", "33.33"])
        #expect(IATIExport.equalShares(4) == ["25.00", "25.00", "25.00", "25.00"])
        try await withApp(loadDemo: true) { app async throws in
            let doc = try Self.document(try await Self.export(app))
            for activity in try doc.nodes(forXPath: "/iati-activities/iati-activity") {
                let countries = try activity.nodes(forXPath: "recipient-country")
                let percentages = try activity.nodes(forXPath: "recipient-country/@percentage").compactMap(\.stringValue)
                if countries.count > 1 {
                    #expect(percentages.count == countries.count, "each of several countries has a percentage")
                    let total = percentages.compactMap { Decimal(string: $0) }.reduce(Decimal(0), +)
                    #expect(total == 100, "the percentages add up to \(total)")
                }
            }
            let org = try app.focalConfig.iatiReportingOrg
            let cc = "//iati-activity[iati-identifier='\(org)-CC-1']/recipient-country"
            #expect(try Self.values(doc, cc + "/@code").count == 11)
            #expect(try Self.values(doc, cc + "/@percentage") == ["9.10"] + Array(repeating: "9.09", count: 10))
        }
    }

    /// IATI's OrganisationType codelist (IATI-Codelists-NonEmbedded, xml/OrganisationType.xml).
    static let organisationTypes: Set<String> = [
        "10", "11", "15", "21", "22", "23", "24", "30", "40", "60", "70", "71", "72", "73", "80", "90",
    ]

    @Test(
        "Every participating-org has an IATI role and organisation type and an identifier or a name; the reporting organisation its identifier"
    )
    func participatingOrganisations() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let org = try app.focalConfig.iatiReportingOrg
            let cc1 = try await Plan.activity(app, "CC-1")
            // A department of the ASEAN Secretariat taking part: multilateral, named, with no identifier in the data.
            let division = try #require(try await Organisation.query(on: app.db).filter(\.$nameEn == "Environment Division").first())
            let participant = ActivityParticipant()
            participant.$activity.id = cc1.id!
            participant.$organisation.id = division.id
            participant.role = .funding
            try await participant.save(on: app.db)
            let editor = try await signIn(app, as: Demo.editor)
            try await Plan.createActivity(app, headers: editor, code: "CC-2")

            let xml = try await Self.export(app)
            let doc = try Self.document(xml)
            let orgs = try doc.nodes(forXPath: "//participating-org")
            #expect(!orgs.isEmpty)
            for node in orgs {
                let ref = try node.nodes(forXPath: "@ref").first?.stringValue
                let name = try node.nodes(forXPath: "narrative[1]").first?.stringValue ?? ""
                #expect(try ["1", "2", "3", "4"].contains(node.nodes(forXPath: "@role").first?.stringValue ?? ""), "\(name): role")
                #expect(try Self.organisationTypes.contains(node.nodes(forXPath: "@type").first?.stringValue ?? ""), "\(name): type")
                #expect(ref?.isEmpty == false || !name.isEmpty, "an identifier or, where none is known, the name")
                if let ref { #expect(ref.range(of: #"^[^/&|?\s]+$"#, options: .regularExpression) != nil, "\(ref)") }
            }
            let activity = "//iati-activity[iati-identifier='\(org)-CC-1']"
            let centre = "China-ASEAN Environmental Cooperation Center"
            #expect(try Self.values(doc, activity + "/participating-org[@ref='\(org)']/narrative[1]") == [centre])
            #expect(try Self.values(doc, activity + "/participating-org[narrative='Myanmar']/@type") == ["10"], "a country's government")
            #expect(try Self.values(doc, activity + "/participating-org[narrative='Environment Division']/@type") == ["40"])
            #expect(try Self.values(doc, activity + "/participating-org[narrative='Environment Division']/@role") == ["1"])
            #expect(try doc.nodes(forXPath: activity + "/participating-org[narrative='Environment Division']/@ref").isEmpty)
            // With no lead organisation and no participants, the reporting organisation is accountable for the record.
            let cc2 = "//iati-activity[iati-identifier='\(org)-CC-2']/participating-org"
            #expect(try Self.values(doc, cc2 + "/@ref") == [org])
            #expect(try Self.values(doc, cc2 + "/@role") == ["2"])
            #expect(try Self.values(doc, cc2 + "/@type") == ["10"])
            try Self.expectValid(xml, "participating organisations")
        }
    }

    @Test("The export has one iati-activity per activity, with identifier, status, SDG tags and results with baseline, targets and actuals")
    func demoContents() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let org = try app.focalConfig.iatiReportingOrg
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
            let org = try app.focalConfig.iatiReportingOrg
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
            let org = try app.focalConfig.iatiReportingOrg
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
