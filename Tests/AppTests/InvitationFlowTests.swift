import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Invitations: invite countries, answer by signed link, register the delegation, record attendance")
struct InvitationFlowTests {
    static let videoLink = "https://video.example.org/rooms/flow-test-7"

    struct Fixture {
        let meeting: Meeting
        let editor: HTTPHeaders
        let countries: [String: Country]
        let formerFocalPoint: Person
    }

    /// A planned meeting created as the editor, Myanmar, Thailand and Cambodia invited by country.
    /// Myanmar also has an ended appointment, whose holder must not be invited.
    static func inviteThree(_ app: Application) async throws -> Fixture {
        let editor = try await signIn(app, as: Demo.editor)
        let meeting = try await createMeeting(
            app, headers: editor, slug: "flow-meeting",
            ["title_en": "Flow test meeting", "video_link": videoLink, "status": "confirmed"])
        let countries = Dictionary(uniqueKeysWithValues: try await Country.query(on: app.db).all().map { ($0.code, $0) })
        let former = Person(nameEn: "Former focal point, Myanmar", illustrative: true)
        try await former.save(on: app.db)
        let ended = FocalPointAppointment(
            countryID: countries["MM"]!.id!, personID: former.id!, roleType: .national, rank: .alternate, status: .ended,
            startDate: "2015-01-01", illustrative: true)
        ended.endDate = "2020-12-31"
        try await ended.save(on: app.db)

        var fields: [String: String] = [:]
        for code in ["MM", "TH", "KH"] { fields["country__" + countries[code]!.id!.uuidString] = "on" }
        let response = try await postForm(
            app, "/admin/meetings/\(meeting.id!.uuidString)/invite-countries", fields: fields, headers: editor)
        #expect(response.status == .seeOther, "inviting countries answered \(response.status)")
        return Fixture(meeting: meeting, editor: editor, countries: countries, formerFocalPoint: former)
    }

    static func participation(_ app: Application, _ meeting: Meeting, personName: String) async throws -> Participation {
        try #require(
            try await Participation.query(on: app.db).filter(\.$meeting.$id == meeting.id!).join(
                Person.self, on: \Participation.$person.$id == \Person.$id
            )
            .filter(Person.self, \.$nameEn == personName).first(), "\(personName) has no participation")
    }

    static func snapshot(_ app: Application) async throws -> [String] {
        try await Participation.query(on: app.db).with(\.$person).all().map {
            "\($0.person.nameEn)|\($0.registration.rawValue)|\($0.attendance?.rawValue ?? "-")|\($0.publicListConsent)|\($0.$meeting.id)"
        }.sorted() + ["people \(try await Person.query(on: app.db).count())", "audit \(try await AuditEntry.query(on: app.db).count())"]
    }

    @Test("Inviting countries records them and invites their active focal points only")
    func inviteCountries() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let fixture = try await Self.inviteThree(app)
            let meetingID = fixture.meeting.id!
            let invited = try await InvitedCountry.query(on: app.db).filter(\.$meeting.$id == meetingID).with(\.$country).all()
            #expect(Set(invited.map(\.country.code)) == ["MM", "TH", "KH"])
            let participations = try await Participation.query(on: app.db).filter(\.$meeting.$id == meetingID).with(\.$person)
                .with(\.$country).all()
            #expect(
                Set(participations.map(\.person.nameEn)) == [
                    "Illustrative focal point, Myanmar", "Illustrative focal point, Thailand", "Illustrative focal point, Cambodia",
                ])
            #expect(participations.allSatisfy { $0.registration == .invited })
            #expect(participations.allSatisfy { $0.roles == [.headOfDelegation] }, "a primary national focal point heads the delegation")
            #expect(!participations.contains { $0.$person.id == fixture.formerFocalPoint.id }, "the ended appointment was invited")
            #expect(
                Dictionary(grouping: participations, by: { $0.country?.code ?? "-" }).mapValues(\.count) == ["MM": 1, "TH": 1, "KH": 1])

            // Inviting the same country again changes nothing
            let before = try await Self.snapshot(app)
            let again = try await postForm(
                app, "/admin/meetings/\(meetingID.uuidString)/invite-countries",
                fields: ["country__" + fixture.countries["MM"]!.id!.uuidString: "on"], headers: fixture.editor)
            #expect(again.status == .seeOther)
            #expect(try await InvitedCountry.query(on: app.db).filter(\.$meeting.$id == meetingID).count() == 3)
            let after = try await Self.snapshot(app)
            #expect(before.dropLast() == after.dropLast(), "a second invitation of Myanmar changed the participations")
            // An unknown country is refused and nothing is written
            let unknown = try await postForm(
                app, "/admin/meetings/\(meetingID.uuidString)/invite-countries", fields: ["country__" + UUID().uuidString: "on"],
                headers: fixture.editor)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try await InvitedCountry.query(on: app.db).filter(\.$meeting.$id == meetingID).count() == 3)
        }
    }

    @Test("A focal point answers by the signed link: registered with consent; forged and expired links change nothing")
    func rsvpByLink() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let fixture = try await Self.inviteThree(app)
            let secret = try app.focalConfig.sessionSecret
            let myanmar = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Myanmar")
            let link = MeetingLinks.rsvp(for: myanmar, meeting: fixture.meeting, secret: secret)

            // The hub offers exactly this kind of link for the participant
            let hub = try await app.testing().sendRequest(
                .GET, "/admin/meetings/\(fixture.meeting.id!.uuidString)", headers: fixture.editor)
            #expect(hub.status == .ok)
            #expect(hub.text.contains("http://127.0.0.1:8080/rsvp/"))

            let page = try await app.testing().sendRequest(.GET, link)
            #expect(page.status == .ok)
            #expect(page.text.contains("Illustrative focal point, Myanmar"))
            #expect(page.text.contains("value=\"register\""))
            #expect(page.headers.first(name: .cacheControl) == "no-store")

            // Forged and expired links are refused and change nothing
            let before = try await Self.snapshot(app)
            let forged = SignedToken.make(
                purpose: "rsvp", subject: myanmar.id!, expires: Date().addingTimeInterval(86_400),
                secret: Array("not-the-site-secret-not-the-site-secret".utf8))
            let expired = SignedToken.make(
                purpose: "rsvp", subject: myanmar.id!, expires: Date().addingTimeInterval(-3_600), secret: secret)
            let answer = ["answer": "register", "consent": "yes"]
            #expect(try await app.testing().sendRequest(.GET, "/rsvp/" + forged).status == .forbidden)
            #expect(try await postForm(app, "/rsvp/" + forged, fields: answer).status == .forbidden)
            #expect(
                try await postForm(
                    app, "/rsvp/" + forged + "/delegation", fields: ["name_en": "X", "email": "x@example.org", "role": "delegate"]
                ).status == .forbidden)
            #expect(try await app.testing().sendRequest(.GET, "/rsvp/" + expired).status == .gone)
            #expect(try await postForm(app, "/rsvp/" + expired, fields: answer).status == .gone)
            #expect(try await postForm(app, "/rsvp/not-a-token", fields: answer).status == .forbidden)
            // a calendar token does not answer invitations
            let calendarToken = SignedToken.make(
                purpose: "calendar", subject: myanmar.id!, expires: Date().addingTimeInterval(86_400), secret: secret)
            #expect(try await postForm(app, "/rsvp/" + calendarToken, fields: answer).status == .forbidden)
            #expect(try await Self.snapshot(app) == before, "a refused link changed something")

            // The real link registers, with consent
            let saved = try await postForm(app, link, fields: answer)
            #expect(saved.status == .ok)
            #expect(saved.text.contains("Your answer is recorded."))
            let registered = try #require(try await Participation.find(myanmar.id, on: app.db))
            #expect(registered.registration == .registered)
            #expect(registered.publicListConsent)
            #expect(registered.respondedAt != nil)
            // and the page now offers the personal calendar entry
            #expect(saved.text.contains("/meetings/flow-meeting/my-calendar/"))
            // the answer is audited
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == myanmar.id!.uuidString).filter(
                \.$entityType == "participation"
            )
            .all()
            #expect(!audit.isEmpty)

            // Thailand declines
            let thailand = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Thailand")
            let declined = try await postForm(
                app, MeetingLinks.rsvp(for: thailand, meeting: fixture.meeting, secret: secret),
                fields: ["answer": "decline", "consent": "yes"])
            #expect(declined.status == .ok)
            let thailandAfter = try #require(try await Participation.find(thailand.id, on: app.db))
            #expect(thailandAfter.registration == .declined)
            #expect(!thailandAfter.publicListConsent, "declining does not put the person on the public list")
            // no answer is refused
            let none = try await postForm(app, MeetingLinks.rsvp(for: thailand, meeting: fixture.meeting, secret: secret), fields: [:])
            #expect(none.status == .unprocessableEntity)
        }
    }

    @Test("The focal point registers a member of the delegation; a second registration of the same person is refused")
    func delegation() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let fixture = try await Self.inviteThree(app)
            let secret = try app.focalConfig.sessionSecret
            let myanmar = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Myanmar")
            let link = MeetingLinks.rsvp(for: myanmar, meeting: fixture.meeting, secret: secret)
            let organisation = try #require(
                try await Organisation.query(on: app.db).filter(\.$nameEn == "Environmental Conservation Department").first())
            let member = [
                "name_en": "Aung Test", "name_zh": "", "honorific": "Ms", "email": "Aung.Test@Example.org", "role": "delegate",
                "organisation_id": organisation.id!.uuidString,
            ]
            let added = try await postForm(app, link + "/delegation", fields: member)
            #expect(added.status == .ok, "registering a delegate answered \(added.status)")
            #expect(added.text.contains("The member of your delegation is registered."))
            let person = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "Aung Test").first())
            #expect(person.honorific == "Ms")
            let participation = try await Self.participation(app, fixture.meeting, personName: "Aung Test")
            #expect(participation.$registeredBy.id == myanmar.id)
            #expect(participation.registration == .registered)
            #expect(participation.$country.id == fixture.countries["MM"]!.id)
            #expect(participation.$organisation.id == organisation.id)
            #expect(participation.roles == [.delegate])
            let email = try await ContactPoint.query(on: app.db).filter(\.$person.$id == person.id!).filter(\.$kind == .email).all()
            #expect(email.map(\.value) == ["aung.test@example.org"])
            #expect(email.first?.visibility == .secretariat, "a delegate's address is not published")
            // the member is listed on the focal point's page
            let page = try await app.testing().sendRequest(.GET, link)
            #expect(page.text.contains("Aung Test"))

            // the same person again (the address differently written) is refused and nothing is written
            let before = try await Self.snapshot(app)
            let contacts = try await ContactPoint.query(on: app.db).count()
            let duplicate = try await postForm(
                app, link + "/delegation", fields: member.merging(["email": "aung.test@example.org", "name_en": "Aung Again"]) { $1 })
            #expect(duplicate.status == .unprocessableEntity)
            #expect(fieldError(duplicate.text, "email") == "This person already takes part in this meeting.")
            #expect(try await Self.snapshot(app) == before)
            #expect(try await ContactPoint.query(on: app.db).count() == contacts)
            // an invalid form is refused too
            let invalid = try await postForm(app, link + "/delegation", fields: ["name_en": "", "email": "nope", "role": "delegate"])
            #expect(invalid.status == .unprocessableEntity)
            #expect(fieldError(invalid.text, "name_en") != nil)
            #expect(fieldError(invalid.text, "email") != nil)
            #expect(try await Self.snapshot(app) == before)

            // Only active focal points may register a delegation: the new member's own link may not
            let memberLink = MeetingLinks.rsvp(for: participation, meeting: fixture.meeting, secret: secret)
            let refused = try await postForm(app, memberLink + "/delegation", fields: member.merging(["email": "other@example.org"]) { $1 })
            #expect(refused.status == .forbidden)
            #expect(try await Self.snapshot(app) == before)
        }
    }

    @Test("Registering a delegate with an address someone else uses attaches nobody from the registry and shows no one's name")
    func delegationAddressOfAnother() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let fixture = try await Self.inviteThree(app)
            let myanmar = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Myanmar")
            let link = MeetingLinks.rsvp(for: myanmar, meeting: fixture.meeting, secret: try app.focalConfig.sessionSecret)
            // an existing person of the registry, of another country, with an address
            let other = Person(nameEn: "Registry Person Secret", nameZh: "", honorific: "")
            try await other.save(on: app.db)
            try await ContactPoint(personID: other.id!, kind: .email, value: "shared@example.org", visibility: .secretariat).save(
                on: app.db)
            let added = try await postForm(
                app, link + "/delegation",
                fields: ["name_en": "Typed Name", "name_zh": "", "honorific": "", "email": "shared@example.org", "role": "delegate"])
            #expect(added.status == .ok, "\(added.status)")
            #expect(!added.text.contains("Registry Person Secret"), "the page shows the name of whoever had the address")
            let participants = try await Participation.query(on: app.db).filter(\.$meeting.$id == fixture.meeting.id!)
                .filter(\.$registeredBy.$id == myanmar.id!).with(\.$person).all()
            #expect(participants.map(\.person.nameEn) == ["Typed Name"])
            #expect(!participants.contains { $0.$person.id == other.id }, "the existing person was attached to the delegation")
        }
    }

    @Test("The video link is shown to registered participants and staff, never to anonymous readers or the merely invited")
    func videoLinkVisibility() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let fixture = try await Self.inviteThree(app)
            let path = "/meetings/flow-meeting"
            let anonymous = try await app.testing().sendRequest(.GET, path)
            #expect(anonymous.status == .ok)
            #expect(!anonymous.text.contains("video.example.org"), "anonymous readers see the video link")
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let invitedOnly = try await app.testing().sendRequest(.GET, path, headers: focalPoint)
            #expect(invitedOnly.status == .ok)
            #expect(!invitedOnly.text.contains("video.example.org"), "an invited, not yet registered participant sees the video link")
            #expect(invitedOnly.text.contains("href=\"/meetings/flow-meeting/rsvp\""), "the invited focal point is offered their answer")
            // the focal point answers signed in
            let answered = try await postForm(app, path + "/rsvp", fields: ["answer": "register"], headers: focalPoint)
            #expect(answered.status == .ok)
            let registered = try await app.testing().sendRequest(.GET, path, headers: focalPoint)
            #expect(
                registered.text.contains("<a href=\"\(Self.videoLink)\" rel=\"noopener\">"),
                "the registered participant does not see the link")
            #expect(registered.text.contains("/meetings/flow-meeting/my-calendar/"))
            let staff = try await app.testing().sendRequest(.GET, path, headers: fixture.editor)
            #expect(staff.text.contains(Self.videoLink))
            // and still not anonymous readers after all this
            let later = try await app.testing().sendRequest(.GET, path)
            #expect(!later.text.contains("video.example.org"))
            // nor in the public API
            let api = try await app.testing().sendRequest(.GET, "/api/v1/meetings/flow-meeting")
            #expect(api.status == .ok)
            #expect(!api.text.contains("video.example.org"))
        }
    }

    @Test("Recorded attendance gives the summary: delegates present and member states represented of those invited")
    func attendance() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let fixture = try await Self.inviteThree(app)
            let secret = try app.focalConfig.sessionSecret
            let meetingID = fixture.meeting.id!.uuidString
            let myanmar = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Myanmar")
            let thailand = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Thailand")
            let cambodia = try await Self.participation(app, fixture.meeting, personName: "Illustrative focal point, Cambodia")
            let link = MeetingLinks.rsvp(for: myanmar, meeting: fixture.meeting, secret: secret)
            #expect(try await postForm(app, link, fields: ["answer": "register", "consent": "yes"]).status == .ok)
            #expect(
                try await postForm(
                    app, link + "/delegation", fields: ["name_en": "Aung Test", "email": "aung@example.org", "role": "delegate"]
                )
                .status == .ok)
            let member = try await Self.participation(app, fixture.meeting, personName: "Aung Test")

            // before anything is recorded
            let unrecorded = try await app.testing().sendRequest(.GET, "/meetings/flow-meeting")
            #expect(unrecorded.text.contains("Attendance has not been recorded yet."))

            // the sheet offers a field per participant
            let sheet = try await app.testing().sendRequest(.GET, "/admin/meetings/\(meetingID)/attendance", headers: fixture.editor)
            #expect(sheet.status == .ok)
            #expect(sheet.text.contains("a__" + member.id!.uuidString))

            // an unknown value refuses the whole sheet
            let before = try await Self.snapshot(app)
            let invalid = try await postForm(
                app, "/admin/meetings/\(meetingID)/attendance",
                fields: ["a__" + myanmar.id!.uuidString: "present", "a__" + thailand.id!.uuidString: "maybe"], headers: fixture.editor)
            #expect(invalid.status == .unprocessableEntity)
            #expect(try await Self.snapshot(app) == before, "a refused sheet changed something")
            // the sheet comes back as submitted, with the refused row named under its field
            let message = try #require(fieldError(invalid.text, "a__" + thailand.id!.uuidString), "no message on the refused row")
            #expect(message.contains("Choose one of the listed options."), "\(message)")
            #expect(invalid.text.contains("form-error"), "no summary above the sheet")

            let saved = try await postForm(
                app, "/admin/meetings/\(meetingID)/attendance",
                fields: [
                    "a__" + myanmar.id!.uuidString: "present", "a__" + member.id!.uuidString: "present",
                    "a__" + cambodia.id!.uuidString: "present", "a__" + thailand.id!.uuidString: "absent",
                ], headers: fixture.editor)
            #expect(saved.status == .seeOther)
            #expect(try await Participation.find(thailand.id, on: app.db)?.attendance == .absent)
            #expect(try await Participation.find(member.id, on: app.db)?.attendance == .present)
            // a refused value is not shown back as "—", which saved again would erase what is stored
            let refusedAgain = try await postForm(
                app, "/admin/meetings/\(meetingID)/attendance", fields: ["a__" + thailand.id!.uuidString: "maybe"], headers: fixture.editor)
            #expect(refusedAgain.status == .unprocessableEntity)
            let thailandSelect = try #require(
                refusedAgain.text.range(of: #"name="a__\#(thailand.id!.uuidString)""#).map {
                    String(refusedAgain.text[$0.lowerBound...].prefix(600))
                })
            #expect(thailandSelect.contains(#"<option value="absent" selected>"#), "the stored value is not shown again")

            let page = try await app.testing().sendRequest(.GET, "/meetings/flow-meeting")
            let section = try #require(MeetingsDemoTests.section(page.text, "Attendance"))
            let text = visibleText(section)
            #expect(text.contains("3 delegates present"), "\(text.prefix(200))")
            #expect(text.contains("2 / 3 member states represented of those invited"))
            #expect(text.contains("Represented: Cambodia, Myanmar"))
            #expect(text.contains("Invited, not represented: Thailand"))
            let rows = section.matches(#"<th scope="row">([^<]+)</th><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>"#, groups: 5)
            #expect(rows.first { $0[0] == "Myanmar" }.map { Array($0[1...]) } == ["2", "2", "0", "0"])
            #expect(rows.first { $0[0] == "Thailand" }.map { Array($0[1...]) } == ["1", "0", "1", "0"])
            // the staff hub shows the same figures
            let hub = try await app.testing().sendRequest(.GET, "/admin/meetings/\(meetingID)", headers: fixture.editor)
            #expect(visibleText(hub.text).contains("3 delegates present · 2 / 3 member states"))
            // the API agrees
            let api = try await app.testing().sendRequest(.GET, "/api/v1/meetings/flow-meeting")
            let json = try JSONSerialization.jsonObject(with: Data(api.body.readableBytesView)) as? [String: Any]
            let attendance = json?["attendance"] as? [String: Any]
            #expect(attendance?["delegatesPresent"] as? Int == 3)
            #expect(attendance?["statesRepresented"] as? Int == 2)
            #expect(attendance?["statesInvited"] as? Int == 3)
        }
    }

    @Test("An answer by link empties the cached meeting pages, which show it at once, and keeps the plan's pages cached")
    func answerEmptiesOnlyMeetingPages() async throws {
        let token = String(repeating: "m", count: 32)
        try await withApp(loadDemo: true, environment: ["FOCAL_METRICS_TOKEN": token, "FOCAL_PAGE_CACHE_SECONDS": "3600"]) {
            app async throws in
            let fixture = try await Self.inviteThree(app)
            let name = "Illustrative focal point, Myanmar"
            let before = try await app.testing().sendRequest(.GET, "/meetings/flow-meeting/participants")
            #expect(before.status == .ok)
            #expect(!before.text.contains(name))
            #expect(try await app.testing().sendRequest(.GET, "/action-plan").status == .ok)
            let misses = try await pageCacheLookups(app, "miss", token: token)

            let myanmar = try await Self.participation(app, fixture.meeting, personName: name)
            let link = MeetingLinks.rsvp(for: myanmar, meeting: fixture.meeting, secret: try app.focalConfig.sessionSecret)
            #expect(try await postForm(app, link, fields: ["answer": "register", "consent": "yes"]).status == .ok)

            let hits = try await pageCacheLookups(app, "hit", token: token)
            #expect(try await app.testing().sendRequest(.GET, "/action-plan").status == .ok)
            #expect(try await pageCacheLookups(app, "hit", token: token) == hits + 1, "the answer emptied the action plan's cached page")
            let after = try await app.testing().sendRequest(.GET, "/meetings/flow-meeting/participants")
            #expect(after.text.contains(name), "the cached list of participants outlived the answer")
            #expect(try await pageCacheLookups(app, "miss", token: token) == misses + 1)
        }
    }
}
