import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Meetings API")
struct MeetingAPITests {
    static func json(_ app: Application, _ path: String, headers: HTTPHeaders = [:]) async throws -> (HTTPStatus, Any?) {
        let response = try await app.testing().sendRequest(.GET, path, headers: headers)
        return (response.status, try? JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)))
    }

    @Test("The demo meeting's attendance: 40 delegates present, 9 of 10 member states")
    func demoAttendance() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let (status, body) = try await Self.json(app, "/api/v1/meetings/\(SeedMeeting.slug)")
            #expect(status == .ok)
            let detail = try #require(body as? [String: Any])
            let attendance = try #require(detail["attendance"] as? [String: Any])
            #expect(attendance["delegatesPresent"] as? Int == 40)
            #expect(attendance["statesRepresented"] as? Int == 9)
            #expect(attendance["statesInvited"] as? Int == 10)
            let byCountry = attendance["byCountry"] as? [[String: Any]] ?? []
            #expect(byCountry.count == 10)
            #expect(byCountry.reduce(0) { $0 + ($1["present"] as? Int ?? 0) } == 40)
            #expect(byCountry.first { $0["countryCode"] as? String == "LA" }?["present"] as? Int == 0)
            let meeting = try #require(detail["meeting"] as? [String: Any])
            #expect(meeting["startsAt"] as? String == "2021-07-22T16:00:00Z")
            #expect(meeting["allDay"] as? Bool == true)
            #expect(meeting["mode"] as? String == "online")
            #expect(meeting["parentSlug"] as? String == "asean-china-environmental-cooperation-week-2021")
            #expect((detail["statements"] as? [Any])?.count == 3)
            #expect(
                detail["documents"] as? [String] == ["framework-asean-china-environmental-cooperation-strategy-action-plan-2021-2025"])
            #expect((detail["hosts"] as? [Any])?.count == 1)
            #expect((detail["organisers"] as? [Any])?.count == 2)
        }
    }

    @Test("Anonymous callers see only participants who consented to the public list; staff see all")
    func participantsByConsent() async throws {
        try await withApp(loadDemo: true) { app async throws in
            func names(_ body: Any?) -> [String] {
                (((body as? [String: Any])?["participants"] as? [[String: Any]]) ?? []).compactMap {
                    ($0["name"] as? [String: Any])?["en"] as? String
                }
            }
            let (_, anonymous) = try await Self.json(app, "/api/v1/meetings/\(SeedMeeting.slug)")
            #expect(Set(names(anonymous)) == ["Zhou Jun", "Vong Sok", "San Oo"])
            #expect(names(anonymous).count == 3)
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let (_, asFocalPoint) = try await Self.json(app, "/api/v1/meetings/\(SeedMeeting.slug)", headers: focalPoint)
            #expect(names(asFocalPoint).count == 3, "a focal point is not staff")
            let editor = try await signIn(app, as: Demo.editor)
            let (_, asEditor) = try await Self.json(app, "/api/v1/meetings/\(SeedMeeting.slug)", headers: editor)
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            let all = try await Participation.query(on: app.db).filter(\.$meeting.$id == meeting.id!).count()
            #expect(all == 43, "3 named, 10 invited focal points, 30 illustrative delegates")
            #expect(names(asEditor).count == all)
            #expect(names(asEditor).contains("Illustrative focal point, Lao PDR"))
        }
    }

    @Test("A network meeting is absent from the list and 404 for anonymous callers, present for the network")
    func networkMeetingHidden() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            try await createMeeting(
                app, headers: editor, slug: "network-only", ["visibility": "network", "title_en": "Network-only meeting"])
            try await createMeeting(app, headers: editor, slug: "secretariat-only", ["visibility": "secretariat"])
            func slugs(_ body: Any?) -> [String] { ((body as? [[String: Any]]) ?? []).compactMap { $0["slug"] as? String } }

            let (listStatus, list) = try await Self.json(app, "/api/v1/meetings")
            #expect(listStatus == .ok)
            #expect(slugs(list).contains(SeedMeeting.slug))
            #expect(!slugs(list).contains("network-only"))
            #expect(!slugs(list).contains("secretariat-only"))
            let (detailStatus, _) = try await Self.json(app, "/api/v1/meetings/network-only")
            #expect(detailStatus == .notFound)
            // nor on the public pages and calendars
            #expect(try await app.testing().sendRequest(.GET, "/meetings/network-only").status == .notFound)
            #expect(try await app.testing().sendRequest(.GET, "/meetings/network-only.ics").status == .notFound)
            #expect(!(try await app.testing().sendRequest(.GET, "/meetings.ics").text.contains("network-only")))
            #expect(!(try await app.testing().sendRequest(.GET, "/meetings").text.contains("Network-only meeting")))

            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let (_, fpList) = try await Self.json(app, "/api/v1/meetings", headers: focalPoint)
            #expect(slugs(fpList).contains("network-only"))
            #expect(!slugs(fpList).contains("secretariat-only"))
            #expect(try await Self.json(app, "/api/v1/meetings/network-only", headers: focalPoint).0 == .ok)
            #expect(try await Self.json(app, "/api/v1/meetings/secretariat-only", headers: focalPoint).0 == .notFound)
            let (_, staffList) = try await Self.json(app, "/api/v1/meetings", headers: editor)
            #expect(slugs(staffList).contains("secretariat-only"))
        }
    }
}
