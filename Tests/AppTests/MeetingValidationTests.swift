import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Meeting forms refuse what cannot be")
struct MeetingValidationTests {
    static func counts(_ app: Application) async throws -> [Int] {
        [
            try await Meeting.query(on: app.db).count(), try await Participation.query(on: app.db).count(),
            try await AuditEntry.query(on: app.db).count(),
        ]
    }

    @Test("An end before the start on the same day is refused with the message on end_time")
    func endBeforeStart() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            let response = try await postForm(
                app, "/admin/meetings", fields: MeetingForm.fields(slug: "backwards", ["start_time": "10:00", "end_time": "09:00"]),
                headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "end_time") == "The end is before the start.")
            #expect(fieldError(response.text, "start_time") == nil)
            #expect(try await Self.counts(app) == before)
            // an end date before the start date is refused too
            let days = try await postForm(
                app, "/admin/meetings",
                fields: MeetingForm.fields(
                    slug: "backwards-days", ["start_date": "2030-05-10", "end_date": "2030-05-09", "start_time": "", "end_time": ""]),
                headers: editor)
            #expect(days.status == .unprocessableEntity)
            #expect(fieldError(days.text, "end_date") == "The end is before the start.")
            // the same times the right way round are accepted
            try await createMeeting(app, headers: editor, slug: "forwards", ["start_time": "09:00", "end_time": "10:00"])
            #expect(try await Self.counts(app)[0] == before[0] + 1)
        }
    }

    @Test("An unknown time zone is refused on time_zone")
    func unknownTimeZone() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            for zone in ["Mars/Olympus", "CEST", "Asia/Nowhere"] {
                let response = try await postForm(
                    app, "/admin/meetings", fields: MeetingForm.fields(slug: "mars", ["time_zone": zone]), headers: editor)
                #expect(response.status == .unprocessableEntity, "\(zone) was accepted")
                #expect(fieldError(response.text, "time_zone") == "Not a known IANA time zone, as Asia/Shanghai.", "\(zone)")
            }
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test("A typed slug another meeting has is refused on slug; one made from a taken title gets the next number")
    func duplicateSlug() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            let response = try await postForm(app, "/admin/meetings", fields: MeetingForm.fields(slug: SeedMeeting.slug), headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "slug") == "Another record already uses this address name.")
            #expect(try await Self.counts(app) == before)
            // A slug made from a title that is already taken gets the next free number instead
            let first = try await createMeeting(
                app, headers: editor, slug: "regional-dialogue", ["slug": "", "title_en": "Regional Dialogue"])
            #expect(first.slug == "regional-dialogue")
            let second = try await postForm(
                app, "/admin/meetings", fields: MeetingForm.fields(slug: "", ["title_en": "Regional Dialogue"]), headers: editor)
            #expect(second.status == .seeOther)
            #expect(try await Meeting.query(on: app.db).filter(\.$slug == "regional-dialogue-2").count() == 1)
            // Editing a meeting and keeping its own slug is fine
            let kept = try await postForm(
                app, "/admin/meetings/\(first.id!.uuidString)",
                fields: MeetingForm.fields(slug: "regional-dialogue", ["title_en": "Regional Dialogue (renamed)"]), headers: editor)
            #expect(kept.status == .seeOther)
            #expect(try await Meeting.query(on: app.db).filter(\.$slug == "regional-dialogue").count() == 1)
        }
    }

    @Test("The same person cannot take part twice in one meeting")
    func duplicateParticipation() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try await createMeeting(app, headers: editor, slug: "twice")
            let person = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "Vong Sok").first())
            let fields = [
                "meeting_id": meeting.id!.uuidString, "person_id": person.id!.uuidString, "country_id": "", "organisation_id": "",
                "roles__speaker": "on", "registration": "invited", "attendance": "", "public_list_consent": "no", "illustrative": "no",
            ]
            let first = try await postForm(app, "/admin/participations", fields: fields, headers: editor)
            #expect(first.status == .seeOther, "the first participation answered \(first.status)")
            let before = try await Self.counts(app)
            let second = try await postForm(
                app, "/admin/participations", fields: fields.merging(["roles__delegate": "on", "registration": "registered"]) { $1 },
                headers: editor)
            #expect(second.status == .unprocessableEntity)
            #expect(fieldError(second.text, "person_id") == "This person already takes part in this meeting.")
            #expect(
                try await Participation.query(on: app.db).filter(\.$meeting.$id == meeting.id!).filter(\.$person.$id == person.id!).count()
                    == 1)
            #expect(try await Self.counts(app) == before)
            // the hub's "invite a person" refuses the same
            let invite = try await postForm(
                app, "/admin/meetings/\(meeting.id!.uuidString)/invite-person",
                fields: ["person_id": person.id!.uuidString, "role": "delegate"], headers: editor)
            #expect(invite.status == .unprocessableEntity)
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test("A meeting cannot be made part of itself through its parents")
    func parentCycle() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let week = try await createMeeting(app, headers: editor, slug: "cycle-week", ["type": "event"])
            let day = try await createMeeting(app, headers: editor, slug: "cycle-day", ["parent_id": week.id!.uuidString])
            let session = try await createMeeting(app, headers: editor, slug: "cycle-session", ["parent_id": day.id!.uuidString])
            #expect(session.$parent.id == day.id)
            let before = try await Self.counts(app)
            // week → part of session, whose parent chain leads back to week
            let cycle = try await postForm(
                app, "/admin/meetings/\(week.id!.uuidString)",
                fields: MeetingForm.fields(slug: "cycle-week", ["type": "event", "parent_id": session.id!.uuidString]), headers: editor)
            #expect(cycle.status == .unprocessableEntity, "a parent cycle was accepted")
            #expect(fieldError(cycle.text, "parent_id") != nil)
            // directly part of itself
            let itself = try await postForm(
                app, "/admin/meetings/\(week.id!.uuidString)",
                fields: MeetingForm.fields(slug: "cycle-week", ["type": "event", "parent_id": week.id!.uuidString]), headers: editor)
            #expect(itself.status == .unprocessableEntity)
            #expect(fieldError(itself.text, "parent_id") != nil)
            let reloaded = try #require(try await Meeting.find(week.id, on: app.db))
            #expect(reloaded.$parent.id == nil)
            #expect(try await Self.counts(app) == before)
            // the pages still render
            #expect(try await app.testing().sendRequest(.GET, "/meetings/cycle-week").status == .ok)
        }
    }

    @Test("A participant who declined cannot be recorded present, and a statement's speaker must take part in the meeting")
    func recordContradictionsRefused() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            let forum = try #require(try await Meeting.query(on: app.db).filter(\.$id != meeting.id!).filter(\.$parent.$id != nil).first())
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            let participations = try await Participation.query(on: app.db).count()
            let declined = try await postForm(
                app, "/admin/participations",
                fields: [
                    "meeting_id": forum.id!.uuidString, "person_id": sanOo.id!.uuidString, "roles__delegate": "on",
                    "registration": "declined",
                    "attendance": "present", "public_list_consent": "no", "illustrative": "no",
                ], headers: editor)
            #expect(declined.status == .unprocessableEntity, "\(declined.status)")
            #expect(fieldError(declined.text, "attendance")?.contains("declined or withdrew") == true)
            #expect(try await Participation.query(on: app.db).count() == participations)

            let statements = try await Statement.query(on: app.db).count()
            let stranger = try await postForm(
                app, "/admin/statements",
                fields: ["meeting_id": forum.id!.uuidString, "speaker_id": sanOo.id!.uuidString, "position": "1", "summary_en": "Words."],
                headers: editor)
            #expect(stranger.status == .unprocessableEntity, "\(stranger.status)")
            #expect(fieldError(stranger.text, "speaker_id")?.contains("does not take part") == true)
            #expect(try await Statement.query(on: app.db).count() == statements)
        }
    }

}
