import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// One restricted record of each kind, each with a phrase found nowhere else; then, as each role,
/// every page, feed, calendar, export and API response reachable from the site's entry points
/// (following its links), each fetched twice so the cached copy is checked too: a phrase may
/// appear only where that role may see its record.
@Suite("Restricted records stay restricted everywhere")
struct VisibilityCrawlTests {
    struct Phrase {
        let text: String
        /// The least role that may see it.
        let seenBy: Role
    }

    static let entryPoints = [
        "/", "/network", "/contact", "/meetings", "/meetings.ics", "/documents", "/newsletters", "/newsletters/feed.atom",
        "/newsletters/feed.atom?lang=zh", "/action-plan", "/action-plan/dashboards", "/action-plan/export/activities.csv",
        "/action-plan/export/indicators.csv", "/action-plan/export/results.csv", "/action-plan/export/action-plan.json",
        "/action-plan/export/iati.xml", "/api/v1/countries", "/api/v1/organisations", "/api/v1/people", "/api/v1/meetings",
        "/api/v1/action-plan", "/api/v1/action-plan/export", "/api/v1/action-plan/dashboards", "/api/v1/action-plan/reports",
        "/api/v1/action-plan/indicators", "/meetings/zqx-public-child", "/meetings/zqx-public-child.ics",
        "/meetings/zqx-public-child/participants", "/api/v1/meetings/zqx-public-child", "/meetings/zqx-secret-meeting",
        "/meetings/zqx-network-meeting", "/api/v1/meetings/zqx-secret-meeting", "/api/v1/meetings/zqx-network-meeting",
    ]

    /// Links a crawler must not follow: state-changing, personal or slow (PDF rendering) addresses.
    static func skipped(_ path: String) -> Bool {
        ["/admin", "/login", "/logout", "/account", "/mail/", "/subscribe", "/rsvp", "/js/", "/css/", "/img/", "/fonts/"].contains {
            path.hasPrefix($0)
        } || path.hasSuffix(".pdf") || path.contains("/files/")
    }

    static func makeRestrictedRecords(_ app: Application) async throws -> [Phrase] {
        let editor = try await signIn(app, as: Demo.editor)
        let secret = try await createMeeting(
            app, headers: editor, slug: "zqx-secret-meeting", ["title_en": "Zqxsecret Meeting Alpha", "visibility": "secretariat"])
        try await createMeeting(
            app, headers: editor, slug: "zqx-network-meeting", ["title_en": "Zqxnetwork Meeting Beta", "visibility": "network"])
        let child = try await createMeeting(
            app, headers: editor, slug: "zqx-public-child",
            ["title_en": "Zqx Public Child", "visibility": "public", "parent_id": secret.id!.uuidString])
        let document = Document()
        document.slug = "zqx-secret-document"
        document.titleEn = "Zqxsecret Document Gamma"
        document.titleZh = ""
        document.type = .meetingReport
        document.lifecycle = .draft
        document.access = .secretariat
        document.descriptionEn = ""
        document.descriptionZh = ""
        try await document.save(on: app.db)
        try await DocumentLink(documentID: document.id!, target: .meeting, targetID: child.id!).save(on: app.db)
        let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
        let hidden = Person(nameEn: "Zqxhidden Delegate Delta", nameZh: "", honorific: "")
        try await hidden.save(on: app.db)
        // as the admin screens record it, so every output fed by the audit log is checked too
        try await AuditEntry(
            actor: nil, action: "create", entityType: "person", entityID: hidden.id!.uuidString, summary: hidden.nameEn, before: [:],
            after: [:]
        ).save(on: app.db)
        let participation = Participation(
            meetingID: child.id!, personID: hidden.id!, countryID: myanmar.id!, organisationID: nil, roles: [.delegate],
            registration: .registered)
        participation.attendance = .present
        try await participation.save(on: app.db)
        let zhou = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "Zhou Jun").first())
        try await ContactPoint(personID: zhou.id!, kind: .email, value: "zqxsecret.contact@example.org", visibility: .secretariat)
            .save(on: app.db)
        if let strategy = try await Strategy.query(on: app.db).first(), let framework = try await strategy.$document.get(on: app.db) {
            framework.titleEn = "Zqxsecret Strategy Epsilon"
            framework.access = .secretariat
            try await framework.save(on: app.db)
        }
        try app.siteCache.invalidate()
        return [
            Phrase(text: "Zqxsecret Meeting Alpha", seenBy: .editor), Phrase(text: "Zqxnetwork Meeting Beta", seenBy: .focalPoint),
            Phrase(text: "Zqxsecret Document Gamma", seenBy: .editor), Phrase(text: "Zqxhidden Delegate Delta", seenBy: .focalPoint),
            Phrase(text: "zqxsecret.contact@example.org", seenBy: .editor), Phrase(text: "Zqxsecret Strategy Epsilon", seenBy: .editor),
            Phrase(text: "zqx-secret-document", seenBy: .editor),
        ]
    }

    @Test("As anonymous reader and as focal point, no page, feed, calendar, export, API answer or cached copy shows what is above the role")
    func crawl() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let phrases = try await Self.makeRestrictedRecords(app)
            for (role, headers) in [(Role.anonymous, HTTPHeaders()), (.focalPoint, try await signIn(app, as: Demo.focalPoint))] {
                var queue = Self.entryPoints
                var seen = Set(queue)
                var fetched = 0
                while !queue.isEmpty, fetched < 400 {
                    let path = queue.removeFirst()
                    fetched += 1
                    for copy in ["first", "cached"] {
                        let response = try await app.testing().sendRequest(.GET, path, headers: headers)
                        #expect(response.status.code < 500, "\(role) GET \(path) answered \(response.status)")
                        let text = response.body.string
                        for phrase in phrases where role < phrase.seenBy && text.contains(phrase.text) {
                            Issue.record("\(role) sees '\(phrase.text)' at \(path) (\(copy) copy)")
                        }
                        guard copy == "first", response.headers.contentType?.subType == "html" else { continue }
                        for match in AdminFormFuzzTests.matches(##"href="(/[^"#]*)""##, in: text) {
                            let link = match[0].replacingOccurrences(of: "&amp;", with: "&")
                            if !Self.skipped(link), seen.insert(link).inserted { queue.append(link) }
                        }
                    }
                }
                #expect(fetched > 40, "the crawl as \(role) reached only \(fetched) addresses")
            }
            // staff see every one of them somewhere
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try await app.testing().sendRequest(.GET, "/meetings/zqx-public-child", headers: editor).body.string
            #expect(meeting.contains("Zqxsecret Meeting Alpha") && meeting.contains("Zqxsecret Document Gamma"))
        }
    }
}
