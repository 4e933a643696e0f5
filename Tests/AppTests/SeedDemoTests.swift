import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Demo loaded from the seed newsletter")
struct SeedDemoTests {
    static let seedPath = TestTools.fixtures + "/seed/newsletter-2021-issue-7.md"

    /// The seed's "Contact Us" block as plain lines (markdown emphasis and link syntax removed).
    static func contactLines() throws -> [String] {
        let text = try String(contentsOfFile: seedPath, encoding: .utf8)
        let block = try #require(text.components(separatedBy: "## Contact Us").last)
        return block.components(separatedBy: "\n").map { line in
            var line = line.replacingOccurrences(of: "**", with: "")
            line = line.replacingOccurrences(of: #"\[([^\]]+)\]\([^)]+\)"#, with: "$1", options: .regularExpression)
            line = line.replacingOccurrences(of: #"<(https?://[^>]+)>"#, with: "$1", options: .regularExpression)
            return collapsed(line)
        }.filter { !$0.isEmpty }
    }

    @Test("The centre profile is exactly the seed's")
    func centreProfile() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let profiles = try await CentreProfile.query(on: app.db).all()
            #expect(profiles.count == 1)
            let p = try #require(profiles.first)
            #expect(p.nameEn == "China-ASEAN Environmental Cooperation Center")
            #expect(p.nameZh == "中国-东盟环境保护合作中心")
            #expect(p.addressEn == "5 Houyingfang Hutong, Xicheng District, Beijing")
            #expect(p.postalCode == "100035")
            #expect(p.telephone == "+86-010-82268221")
            #expect(p.fax == "+86-010-82200579")
            #expect(p.email == "li.xia@fecomee.org.cn")
            #expect(p.website == "http://www.chinaaseanenv.org")
            #expect(p.wechat == "China-ASEAN Environmental Cooperation Center")
            #expect(
                p.affiliationEn.components(separatedBy: "\n") == [
                    "Foreign Environmental Cooperation Center", "Ministry of Ecology and Environment, PRC",
                ])
            let seed = try String(contentsOfFile: Self.seedPath, encoding: .utf8)
            #expect(p.missionEn.hasPrefix("China-ASEAN Environmental Cooperation Center is committed"))
            #expect(seed.contains(p.missionEn), "the about paragraph differs from the seed")
        }
    }

    @Test("The demo has the ten ASEAN member states and China")
    func countries() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let countries = try await Country.query(on: app.db).all()
            #expect(countries.count == 11)
            #expect(
                Set(countries.filter { $0.group == .aseanMemberState }.map(\.code)) == [
                    "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN",
                ])
            #expect(countries.filter { $0.group == .dialoguePartner }.map(\.code) == ["CN"])
        }
    }

    @Test("The seed's organisations exist with their parents and countries")
    func organisations() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let orgs = try await Organisation.query(on: app.db).with(\.$parent).with(\.$country).all()
            func org(_ name: String) -> Organisation? { orgs.first { $0.nameEn == name } }
            #expect(org("Ministry of Ecology and Environment")?.acronym == "MEE")
            #expect(org("Department of International Cooperation")?.parent?.nameEn == "Ministry of Ecology and Environment")
            #expect(org("Foreign Environmental Cooperation Center") != nil)
            #expect(org("China-ASEAN Environmental Cooperation Center") != nil)
            #expect(org("ASEAN Secretariat") != nil)
            #expect(org("Environment Division")?.parent?.nameEn == "ASEAN Secretariat")
            #expect(org("Environmental Conservation Department")?.country?.code == "MM")
        }
    }

    @Test("Zhou Jun, Vong Sok and San Oo hold the positions the seed gives them, and are not illustrative")
    func seedPeople() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let positions = try await Position.query(on: app.db).with(\.$person).with(\.$organisation).all()
            func holds(_ name: String, _ title: String, _ org: String) -> Bool {
                positions.contains { $0.person.nameEn == name && $0.titleEn == title && $0.organisation.nameEn == org }
            }
            #expect(holds("Zhou Jun", "Director", "Department of International Cooperation"))
            #expect(holds("Vong Sok", "Head", "Environment Division"))
            #expect(holds("San Oo", "Deputy Director General", "Environmental Conservation Department"))
            let seedPeople = try await Person.query(on: app.db).filter(\.$nameEn ~~ ["Zhou Jun", "Vong Sok", "San Oo"]).all()
            #expect(seedPeople.count == 3)
            #expect(seedPeople.allSatisfy { !$0.illustrative })
        }
    }

    @Test("Every focal point the seed does not give is marked illustrative")
    func illustrativeMarked() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let appointments = try await FocalPointAppointment.query(on: app.db).with(\.$person).all()
            #expect(appointments.count == 11)
            #expect(appointments.allSatisfy { $0.illustrative && $0.person.illustrative })
            let people = try await Person.query(on: app.db).all()
            let seedNames: Set = ["Zhou Jun", "Vong Sok", "San Oo"]
            let others = people.filter { !seedNames.contains($0.nameEn) }
            // The illustrative focal points, one per country, and the demo meeting's illustrative
            // delegates beyond the seed's named speakers.
            let delegates = SeedMeeting.illustrativeDelegates.values.reduce(0) { $0 + $1 - 1 }
            #expect(delegates > 0)
            #expect(others.count == 11 + delegates)
            let notMarked = others.filter { !$0.illustrative }.map(\.nameEn)
            #expect(notMarked == [], "people the seed does not give must be marked illustrative")
            // and every participation of a non-seed person is marked illustrative too
            let participations = try await Participation.query(on: app.db).with(\.$person).all()
            let unmarked = participations.filter { !seedNames.contains($0.person.nameEn) && !$0.illustrative && !$0.person.illustrative }
            #expect(unmarked.map(\.person.nameEn) == [])
        }
    }

    @Test("/network shows the seed's people with their positions, and badges illustrative records")
    func networkPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let page = try await app.testing().sendRequest(.GET, "/network")
            #expect(page.status == .ok)
            let text = visibleText(page.text)
            for expected in [
                "Zhou Jun", "Director, Department of International Cooperation, Ministry of Ecology and Environment", "Vong Sok",
                "Head, Environment Division, ASEAN Secretariat", "San Oo", "Deputy Director General, Environmental Conservation Department",
            ] {
                #expect(text.contains(expected), "/network lacks \(expected)")
            }
            #expect(page.text.contains("<span class=\"badge illustrative\">illustrative</span>"))
            let zhou = try #require(page.text.range(of: "<strong>Zhou Jun</strong>"))
            let after = page.text[zhou.upperBound...].prefix(300)
            #expect(!after.contains("badge illustrative"), "a seed person is badged illustrative")
        }
    }

    @Test("/contact shows every line of the seed's Contact Us block")
    func contactPage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let lines = try Self.contactLines()
            #expect(lines.count == 11, "the seed's block has ten contact lines and the about paragraph")
            let page = try await app.testing().sendRequest(.GET, "/contact")
            #expect(page.status == .ok)
            let text = visibleText(page.text)
            for line in lines {
                #expect(text.contains(line), "/contact lacks: \(line)")
            }
        }
    }

    @Test("The home page shows the centre's Chinese and English names")
    func homePage() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let page = try await app.testing().sendRequest(.GET, "/")
            #expect(page.status == .ok)
            #expect(page.text.contains("中国-东盟环境保护合作中心"))
            #expect(page.text.contains("China-ASEAN Environmental Cooperation Center"))
        }
    }

    @Test("The Chinese network page uses Chinese names")
    func chineseNetwork() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let page = try await app.testing().sendRequest(.GET, "/network?lang=zh")
            #expect(page.text.contains("<html lang=\"zh-Hans\""))
            #expect(page.text.contains("缅甸"))
            #expect(page.text.contains("生态环境部"))
            // The seed gives no Chinese title for Zhou Jun: his position stays whole in English rather than half and half.
            #expect(page.text.contains("Director, Department of International Cooperation, Ministry of Ecology and Environment"))
            #expect(!page.text.contains("国际合作司 Director"), "a position line mixes Chinese and English")
        }
    }

    @Test("Loading the demo into a loaded database does nothing")
    func loadTwice() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let before = (
                try await Country.query(on: app.db).count(), try await Person.query(on: app.db).count(),
                try await User.query(on: app.db).count(), try await AuditEntry.query(on: app.db).count()
            )
            let loaded = try await DemoLoader.loadIfEmpty(on: app.db, hasher: app.password)
            #expect(loaded == false)
            let after = (
                try await Country.query(on: app.db).count(), try await Person.query(on: app.db).count(),
                try await User.query(on: app.db).count(), try await AuditEntry.query(on: app.db).count()
            )
            #expect(before == after)
        }
    }
}
