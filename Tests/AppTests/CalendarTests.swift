import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Calendars (RFC 5545)")
struct CalendarTests {
    static let demoPath = "/meetings/\(SeedMeeting.slug).ics"
    static let videoLink = "https://video.example.org/rooms/focal-test-4242"

    /// Checks the structure RFC 5545 requires and returns the unfolded lines of each VEVENT.
    @discardableResult
    static func checkCalendar(_ response: TestingHTTPResponse, _ what: String) -> [[String]] {
        #expect(response.status == .ok, "\(what) answered \(response.status)")
        #expect(response.headers.contentType?.type == "text" && response.headers.contentType?.subType == "calendar", "\(what) content type")
        let text = response.text
        #expect(text.hasSuffix("\r\n"), "\(what) does not end with CRLF")
        // every line ends in CRLF: no bare LF or CR anywhere
        let bytes = response.bytes
        for (index, byte) in bytes.enumerated() {
            if byte == 0x0A, index == 0 || bytes[index - 1] != 0x0D {
                Issue.record("\(what) has a bare LF at byte \(index)")
                break
            }
            if byte == 0x0D, index + 1 >= bytes.count || bytes[index + 1] != 0x0A {
                Issue.record("\(what) has a bare CR at byte \(index)")
                break
            }
        }
        let physical = text.components(separatedBy: "\r\n").dropLast()
        for line in physical where line.utf8.count > 75 {
            Issue.record("\(what): a line is \(line.utf8.count) octets: \(line.prefix(40))…")
        }
        let lines = unfoldedICSLines(text)
        #expect(lines.first == "BEGIN:VCALENDAR", "\(what) does not begin with BEGIN:VCALENDAR")
        #expect(lines.last == "END:VCALENDAR", "\(what) does not end with END:VCALENDAR")
        #expect(lines.contains("VERSION:2.0"))
        #expect(lines.contains { $0.hasPrefix("PRODID:") && $0.count > "PRODID:".count })
        var events: [[String]] = []
        var current: [String]?
        for line in lines {
            if line == "BEGIN:VEVENT" {
                #expect(current == nil, "\(what): nested VEVENT")
                current = []
            } else if line == "END:VEVENT" {
                events.append(current ?? [])
                current = nil
            } else {
                current?.append(line)
            }
        }
        #expect(current == nil, "\(what): an unclosed VEVENT")
        for event in events {
            for name in ["UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "URL", "ORGANIZER"] {
                let count = event.filter { $0.hasPrefix(name + ":") || $0.hasPrefix(name + ";") }.count
                #expect(count == 1, "\(what): a VEVENT has \(count) \(name) properties")
            }
            if let stamp = event.first(where: { $0.hasPrefix("DTSTAMP:") }) {
                #expect(stamp.range(of: #"^DTSTAMP:\d{8}T\d{6}Z$"#, options: .regularExpression) != nil, "\(what): \(stamp)")
            }
        }
        return events
    }

    static let icalendarScript = #"""
        import json, sys
        try:
            import icalendar
        except ImportError:
            print("MISSING")
            sys.exit(3)
        data = open(sys.argv[1], "rb").read()
        cal = icalendar.Calendar.from_ical(data)
        out = {"version": str(cal.get("VERSION")), "prodid": str(cal.get("PRODID")), "events": []}
        for ev in cal.walk("VEVENT"):
            start = ev.decoded("DTSTART")
            end = ev.decoded("DTEND")
            out["events"].append({
                "uid": str(ev.get("UID")), "summary": str(ev.get("SUMMARY")), "url": str(ev.get("URL")),
                "organizer": str(ev.get("ORGANIZER")), "description": str(ev.get("DESCRIPTION", "")),
                "start": start.isoformat(), "end": end.isoformat(),
                "start_kind": type(start).__name__, "stamp": ev.decoded("DTSTAMP").isoformat(),
            })
        print(json.dumps(out))
        """#

    /// Parses the calendar with Python's `icalendar`; a missing package fails the test, it never skips it.
    static func parseWithICalendar(_ text: String) throws -> [String: Any]? {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("focal-\(UUID().uuidString).ics")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runPython(icalendarScript, arguments: [file.path])
        if result.status == 3 || result.stdout.hasPrefix("MISSING") {
            Issue.record(
                "The Python package icalendar is not installed; install it with `scripts/install-system-packages test` (Debian's python3-icalendar)."
            )
            return nil
        }
        if result.status == 127 {
            Issue.record("/usr/bin/python3 was not found; run `scripts/install-system-packages test`.")
            return nil
        }
        guard result.status == 0 else {
            Issue.record("icalendar refused the calendar: \(result.stderr)")
            return nil
        }
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    }

    @Test("The demo meeting's calendar is valid RFC 5545 with an all-day DTSTART of 23 July 2021")
    func demoMeetingCalendar() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, Self.demoPath)
            let events = Self.checkCalendar(response, Self.demoPath)
            #expect(events.count == 1)
            let event = try #require(events.first)
            #expect(event.contains("DTSTART;VALUE=DATE:20210723"))
            #expect(event.contains("DTEND;VALUE=DATE:20210724"), "DTEND of an all-day event is the day after (exclusive)")
            #expect(event.contains("SUMMARY:ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021"))
            #expect(event.contains("URL:http://127.0.0.1:8080/meetings/\(SeedMeeting.slug)"))
            #expect(event.contains { $0.hasPrefix("ORGANIZER") && $0.hasSuffix(":mailto:li.xia@fecomee.org.cn") })
            #expect(event.contains { $0.hasPrefix("UID:meeting-") })

            let parsed = try #require(try Self.parseWithICalendar(response.text))
            #expect(parsed["version"] as? String == "2.0")
            let parsedEvents = parsed["events"] as? [[String: Any]] ?? []
            #expect(parsedEvents.count == 1)
            #expect(parsedEvents.first?["start"] as? String == "2021-07-23")
            #expect(parsedEvents.first?["start_kind"] as? String == "date")
            #expect(parsedEvents.first?["end"] as? String == "2021-07-24")
            #expect(parsedEvents.first?["organizer"] as? String == "mailto:li.xia@fecomee.org.cn")
        }
    }

    @Test("The feed of all public meetings is valid RFC 5545 and parses with icalendar")
    func feed() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/meetings.ics")
            let events = Self.checkCalendar(response, "/meetings.ics")
            // only the demo meeting has a date; the week and the forum have none
            #expect(events.count == 1)
            #expect(events.first?.contains("DTSTART;VALUE=DATE:20210723") == true)
            let parsed = try #require(try Self.parseWithICalendar(response.text))
            #expect((parsed["events"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("A meeting at 09:00–11:00 Asia/Jakarta is 02:00–04:00 UTC in its calendar; the public calendar never carries the video link")
    func timedMeeting() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            // a long title with Chinese characters, so lines must be folded without splitting a character
            let title = "Expert workshop on regional hotspot environmental issues 区域热点环境问题专家研讨会 with a deliberately long title"
            try await createMeeting(
                app, headers: editor, slug: "jakarta-workshop",
                ["title_en": title, "video_link": Self.videoLink, "time_zone": "Asia/Jakarta", "start_time": "09:00", "end_time": "11:00"])
            for path in ["/meetings/jakarta-workshop.ics", "/meetings.ics"] {
                let response = try await app.testing().sendRequest(.GET, path)
                let events = Self.checkCalendar(response, path)
                let event = try #require(events.first { $0.contains("URL:http://127.0.0.1:8080/meetings/jakarta-workshop") })
                #expect(event.contains("DTSTART:20300510T020000Z"), "\(path): \(event.filter { $0.hasPrefix("DT") })")
                #expect(event.contains("DTEND:20300510T040000Z"))
                #expect(event.contains("SUMMARY:" + title))
                #expect(!response.text.contains("video.example.org"), "\(path) carries the video link")
                #expect(!unfoldedICSLines(response.text).joined().contains(Self.videoLink), "\(path) carries the video link")
                let parsed = try #require(try Self.parseWithICalendar(response.text))
                let parsedEvent = (parsed["events"] as? [[String: Any]])?.first {
                    ($0["url"] as? String)?.hasSuffix("jakarta-workshop") == true
                }
                #expect(parsedEvent?["start"] as? String == "2030-05-10T02:00:00+00:00")
                #expect(parsedEvent?["end"] as? String == "2030-05-10T04:00:00+00:00")
                #expect(parsedEvent?["summary"] as? String == title)
            }
            // the editor, too, gets the public calendar without the link
            let asEditor = try await app.testing().sendRequest(.GET, "/meetings/jakarta-workshop.ics", headers: editor)
            #expect(!asEditor.text.contains("video.example.org"))
        }
    }

    @Test("A registered participant's personal calendar carries the video link; forged, expired and other-purpose links are refused")
    func personalCalendar() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try await createMeeting(app, headers: editor, slug: "video-call", ["video_link": Self.videoLink])
            let person = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "Vong Sok").first())
            let participation = Participation(
                meetingID: meeting.id!, personID: person.id!, countryID: nil, organisationID: nil, roles: [.speaker],
                registration: .registered)
            try await participation.save(on: app.db)
            let secret = try app.focalConfig.sessionSecret

            let link = MeetingLinks.calendar(for: participation, meeting: meeting, secret: secret)
            let response = try await app.testing().sendRequest(.GET, link)
            let events = Self.checkCalendar(response, "personal calendar")
            let event = try #require(events.first)
            #expect(event.contains("CONFERENCE;VALUE=URI;FEATURE=VIDEO:" + Self.videoLink))
            #expect(event.contains { $0.hasPrefix("DESCRIPTION:") && $0.contains(Self.videoLink) })
            #expect(event.contains("DTSTART:20300510T020000Z"))
            let parsed = try #require(try Self.parseWithICalendar(response.text))
            #expect(((parsed["events"] as? [[String: Any]])?.first?["description"] as? String)?.contains(Self.videoLink) == true)

            // the link shown to that participant on the meeting page is this kind of link
            let token = String(link.dropFirst("/meetings/video-call/my-calendar/".count).dropLast(4))
            // forged: signed with another secret
            let forged =
                "/meetings/video-call/my-calendar/"
                + SignedToken.make(
                    purpose: "calendar", subject: participation.id!, expires: Date().addingTimeInterval(86_400),
                    secret: Array("another-secret-another-secret-another".utf8)) + ".ics"
            #expect(try await app.testing().sendRequest(.GET, forged).status == .forbidden)
            // tampered: the payload changed, the signature kept
            let parts = token.split(separator: ".")
            let first = parts[0].first == "Z" ? "Y" : "Z"
            let tampered = "/meetings/video-call/my-calendar/" + first + String(parts[0].dropFirst()) + "." + parts[1] + ".ics"
            #expect(try await app.testing().sendRequest(.GET, tampered).status == .forbidden)
            // expired
            let expired =
                "/meetings/video-call/my-calendar/"
                + SignedToken.make(purpose: "calendar", subject: participation.id!, expires: Date().addingTimeInterval(-60), secret: secret)
                + ".ics"
            let expiredResponse = try await app.testing().sendRequest(.GET, expired)
            #expect(expiredResponse.status == .gone)
            #expect(!expiredResponse.text.contains(Self.videoLink))
            // an invitation (rsvp) token is not a calendar token
            let rsvpToken = SignedToken.make(
                purpose: "rsvp", subject: participation.id!, expires: Date().addingTimeInterval(86_400), secret: secret)
            #expect(try await app.testing().sendRequest(.GET, "/meetings/video-call/my-calendar/\(rsvpToken).ics").status == .forbidden)
            // a valid token under another meeting's address
            #expect(
                try await app.testing().sendRequest(.GET, "/meetings/\(SeedMeeting.slug)/my-calendar/\(token).ics").status == .notFound)

            // once the participant declines, the link no longer gives the video link
            participation.registration = .declined
            try await participation.save(on: app.db)
            let declined = try await app.testing().sendRequest(.GET, link)
            #expect(declined.status == .notFound)
            #expect(!declined.text.contains(Self.videoLink))
        }
    }

    @Test("Calendar UIDs and Atom ids do not change when the site moves to another FOCAL_BASE_URL")
    func identifiersIndependentOfBaseURL() async throws {
        var seen: [[String]] = []
        for base in ["http://127.0.0.1:8080", "https://focal.example.org"] {
            try await withApp(loadDemo: true, environment: ["FOCAL_BASE_URL": base]) { app async throws in
                let calendar = try await app.testing().sendRequest(.GET, "/meetings.ics")
                let uids = unfoldedICSLines(calendar.text).filter { $0.hasPrefix("UID:") }
                #expect(!uids.isEmpty)
                #expect(!uids.contains { $0.contains("127.0.0.1") || $0.contains("focal.example.org") }, "\(uids)")
                let feed = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=en").text
                let ids = feed.components(separatedBy: "<id>").dropFirst().compactMap { $0.components(separatedBy: "</id>").first }
                #expect(ids.count >= 2)
                #expect(ids.allSatisfy { $0.hasPrefix("urn:uuid:") }, "\(ids)")
                seen.append(uids.sorted() + ids)
            }
        }
        // Each app loads the demo afresh, so record ids differ between the two; what must not
        // appear in them is the address, checked above. Within one site the ids are stable:
        try await withApp(loadDemo: true) { app async throws in
            let first = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=zh").text
            let second = try await app.testing().sendRequest(.GET, "/newsletters/feed.atom?lang=zh").text
            #expect(first == second)
        }
        #expect(seen.count == 2)
    }

    @Test("The Chinese calendar names an online meeting's place as the Chinese page does")
    func chineseLocation() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            let page = try await app.testing().sendRequest(.GET, "/meetings/\(SeedMeeting.slug)?lang=zh")
            let chinese = try await app.testing().sendRequest(.GET, Self.demoPath + "?lang=zh")
            let english = try await app.testing().sendRequest(.GET, Self.demoPath + "?lang=en")
            let location = { (text: String) in unfoldedICSLines(text).first { $0.hasPrefix("LOCATION") } ?? "" }
            if meeting.venueZh.isEmpty, meeting.mode == .online {
                #expect(location(chinese.text) == "LOCATION:视频会议", "\(location(chinese.text))")
                #expect(page.text.contains("视频会议"))
                #expect(location(english.text) == "LOCATION:Video conference", "\(location(english.text))")
            } else {
                #expect(location(chinese.text) == "LOCATION:" + meeting.venueZh, "\(location(chinese.text))")
            }
        }
    }
}
