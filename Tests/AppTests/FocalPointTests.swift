import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Focal point appointments")
struct FocalPointTests {
    @Test("A second active primary National Focal Point for a country is refused by the form, naming the status field")
    func formRefusesSecondActivePrimary() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            let before = try await FocalPointAppointment.query(on: app.db).count()
            let audits = try await AuditEntry.query(on: app.db).count()
            let fields = [
                "country_id": myanmar.id!.uuidString, "role_type": "national", "rank": "primary", "person_id": sanOo.id!.uuidString,
                "status": "active", "illustrative": "no",
            ]
            // When the editor appoints a second active primary NFP for Myanmar
            let response = try await postForm(app, "/admin/focal-points", fields: fields, headers: editor)
            // Then the form says why, on the status field, and nothing is written
            #expect(response.status == .unprocessableEntity)
            let message = fieldError(response.text, "status")
            #expect(message?.contains("already has an active primary focal point") == true)
            #expect(message?.contains("Illustrative focal point, Myanmar") == true, "the message names the current holder")
            #expect(try await FocalPointAppointment.query(on: app.db).count() == before)
            #expect(try await AuditEntry.query(on: app.db).count() == audits)
            // As an alternate the same appointment is accepted
            let alternate = try await postForm(
                app, "/admin/focal-points", fields: fields.merging(["rank": "alternate"]) { $1 }, headers: editor)
            #expect(alternate.status == .seeOther)
            #expect(try await FocalPointAppointment.query(on: app.db).count() == before + 1)
        }
    }

    @Test("An active appointment must have begun and not ended; an appointment past its end is neither invited nor shown as current")
    func activeMeansServingToday() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let thailand = try #require(try await Country.query(on: app.db).filter(\.$code == "TH").first())
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            let before = try await FocalPointAppointment.query(on: app.db).count()
            let fields = [
                "country_id": thailand.id!.uuidString, "role_type": "national", "rank": "alternate", "person_id": sanOo.id!.uuidString,
                "status": "active", "illustrative": "no",
            ]
            let ended = try await postForm(
                app, "/admin/focal-points", fields: fields.merging(["start_date": "2019-01-01", "end_date": "2020-01-01"]) { $1 },
                headers: editor)
            #expect(ended.status == .unprocessableEntity, "\(ended.status)")
            #expect(fieldError(ended.text, "end_date")?.contains("this end date has passed") == true)
            let future = try await postForm(
                app, "/admin/focal-points", fields: fields.merging(["start_date": "2099-01-01"]) { $1 }, headers: editor)
            #expect(future.status == .unprocessableEntity, "\(future.status)")
            #expect(fieldError(future.text, "start_date")?.contains("start date is in the future") == true)
            #expect(try await FocalPointAppointment.query(on: app.db).count() == before)

            // One recorded as active long ago whose term has since run out: not current.
            let lapsed = FocalPointAppointment(
                countryID: thailand.id!, personID: sanOo.id!, roleType: .national, rank: .alternate, status: .active,
                startDate: "2019-01-01")
            lapsed.endDate = "2020-01-01"
            try await lapsed.save(on: app.db)
            let page = try await app.testing().sendRequest(.GET, "/network/countries/TH")
            #expect(!visibleText(page.text).contains("San Oo"), "a lapsed appointment is shown as current")
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            _ = try await MeetingInvitations.invite(countries: [thailand], to: meeting, by: nil, on: app.db)
            let invited = try await Participation.query(on: app.db).filter(\.$meeting.$id == meeting.id!).filter(\.$person.$id == sanOo.id!)
                .filter(\.$country.$id == thailand.id!).count()
            #expect(invited == 0, "a lapsed focal point was invited")
        }
    }

    @Test("Ending an appointment frees the country's primary seat")
    func endingFreesSeat() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            let current = try #require(
                try await FocalPointAppointment.query(on: app.db).filter(\.$country.$id == myanmar.id!).filter(\.$status == .active).first()
            )
            let end = try await postForm(app, "/admin/focal-points/\(current.id!.uuidString)/end", fields: [:], headers: editor)
            #expect(end.status == .seeOther)
            #expect(try await FocalPointAppointment.find(current.id, on: app.db)?.status == .ended)
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            let response = try await postForm(
                app, "/admin/focal-points",
                fields: [
                    "country_id": myanmar.id!.uuidString, "role_type": "national", "rank": "primary", "person_id": sanOo.id!.uuidString,
                    "status": "active", "illustrative": "no", "start_date": "2024-01-01",
                ], headers: editor)
            #expect(response.status == .seeOther)
        }
    }

    @Test("The database itself refuses a second active primary appointment, but accepts an alternate or an ended one")
    func databaseRefusesSecondActivePrimary() async throws {
        try await withApp(loadDemo: false) { app async throws in
            // Given a country and two people
            let country = Country(code: "MM", nameEn: "Myanmar", nameZh: "缅甸", group: .aseanMemberState, membershipSince: nil)
            try await country.save(on: app.db)
            let first = Person(nameEn: "First")
            let second = Person(nameEn: "Second")
            try await first.save(on: app.db)
            try await second.save(on: app.db)
            func appointment(_ person: Person, _ rank: FocalPointRank, _ status: AppointmentStatus, _ role: FocalPointRoleType = .national)
                -> FocalPointAppointment
            {
                FocalPointAppointment(countryID: country.id!, personID: person.id!, roleType: role, rank: rank, status: status)
            }
            try await appointment(first, .primary, .active).save(on: app.db)
            // When a second active primary is inserted directly, the unique index refuses it
            await #expect(throws: (any Error).self) {
                try await appointment(second, .primary, .active).save(on: app.db)
            }
            // Then only one active primary exists
            #expect(try await FocalPointAppointment.query(on: app.db).filter(\.$status == .active).filter(\.$rank == .primary).count() == 1)
            // while an alternate, an ended primary, a nominated primary and another role type are accepted
            try await appointment(second, .alternate, .active).save(on: app.db)
            try await appointment(second, .primary, .ended).save(on: app.db)
            try await appointment(second, .primary, .nominated).save(on: app.db)
            try await appointment(second, .primary, .active, .biodiversity).save(on: app.db)
            #expect(try await FocalPointAppointment.query(on: app.db).count() == 5)
        }
    }

    @Test("Focal points are subscribers of the focal-point list through their person record, from the demo on and when appointed")
    func focalPointsAreSubscribers() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let list = try #require(try await MailingList.query(on: app.db).filter(\.$focalPoints == true).first())
            let members = try await Subscription.query(on: app.db).filter(\.$list.$id == list.id!).count()
            let withEmail = try await FocalPointAppointment.query(on: app.db).filter(\.$status == .active).all().filter(\.isCurrent)
                .map(\.$person.id)
            let emails = try await ContactPoint.query(on: app.db).filter(\.$kind == .email).filter(\.$person.$id ~~ withEmail).all()
            #expect(
                members == Set(emails.map(\.$person.id)).count && members > 0, "\(members) members for \(emails.count) e-mail addresses")

            let editor = try await signIn(app, as: Demo.editor)
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            let contact = try await postForm(
                app, "/admin/contact-points",
                fields: ["person_id": sanOo.id!.uuidString, "kind": "email", "value": "san.oo@example.org", "visibility": "secretariat"],
                headers: editor)
            #expect(contact.status == .seeOther, "\(contact.status)")
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == "san.oo@example.org").count() == 0, "not a focal point yet")
            let appointed = try await postForm(
                app, "/admin/focal-points",
                fields: [
                    "country_id": myanmar.id!.uuidString, "role_type": "biodiversity", "rank": "primary", "person_id": sanOo.id!.uuidString,
                    "status": "active", "illustrative": "no",
                ], headers: editor)
            #expect(appointed.status == .seeOther, "\(appointed.status)")
            let subscriber = try #require(
                try await Subscriber.query(on: app.db).filter(\.$email == "san.oo@example.org").first(),
                "the new focal point is no subscriber")
            #expect(subscriber.status == .confirmed)
            #expect(
                try await Subscription.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).filter(\.$list.$id == list.id!).count()
                    == 1)
        }
    }

}
