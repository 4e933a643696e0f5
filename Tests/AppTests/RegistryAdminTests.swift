import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Registry administration")
struct RegistryAdminTests {
    static let newCountry = ["code": "JP", "name_en": "Japan", "name_zh": "日本", "group": "observer", "membership_since": "2020-01-02"]

    static func counts(_ app: Application) async throws -> [Int] {
        [
            try await Country.query(on: app.db).count(), try await Organisation.query(on: app.db).count(),
            try await Person.query(on: app.db).count(), try await Position.query(on: app.db).count(),
            try await AuditEntry.query(on: app.db).count(),
        ]
    }

    @Test("Creating a country stores it and audits who created it with the values")
    func createCountryAudited() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            // When the editor submits the new country form
            let response = try await postForm(app, "/admin/countries", fields: Self.newCountry, headers: editor)
            // Then it is stored and the change is audited
            #expect(response.status == .seeOther)
            let country = try #require(try await Country.query(on: app.db).filter(\.$code == "JP").first())
            #expect(country.nameEn == "Japan")
            #expect(country.nameZh == "日本")
            #expect(country.group == .observer)
            #expect(country.membershipSince == "2020-01-02")
            #expect(response.location == "/admin/countries/\(country.id!.uuidString)/edit?done=created")
            let entry = try #require(
                try await AuditEntry.query(on: app.db).filter(\.$entityType == "country").filter(\.$entityID == country.id!.uuidString)
                    .first())
            #expect(entry.actor == Demo.editor.email)
            #expect(entry.action == "create")
            #expect(AuditEntry.decode(entry.before) == [:])
            #expect(AuditEntry.decode(entry.after) == Self.newCountry)
        }
    }

    @Test(
        "A slug another record has, or a malformed one, is refused under the slug field and nothing is written",
        arguments: [
            ("meeting-series", "name_en", "asean-china-nfp-meetings", "Another record already uses this address name."),
            ("mailing-lists", "name_en", "newsletter", "Another record already uses this address name."),
            ("meeting-series", "name_en", "Not A Slug", nil),
        ])
    func slugRefused(resource: String, nameField: String, slug: String, message: String?) async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let audited = try await AuditEntry.query(on: app.db).count()
            let response = try await postForm(
                app, "/admin/\(resource)", fields: [nameField: "A second record", "slug": slug], headers: editor)
            #expect(response.status == .unprocessableEntity, "\(response.status)")
            let error = try #require(fieldError(response.text, "slug"), "no message under the slug field")
            if let message { #expect(error == message) } else { #expect(!error.isEmpty) }
            #expect(try await AuditEntry.query(on: app.db).count() == audited, "a refused form wrote an audit entry")
            #expect(try await MeetingSeries.query(on: app.db).filter(\.$nameEn == "A second record").count() == 0)
            #expect(try await MailingList.query(on: app.db).filter(\.$nameEn == "A second record").count() == 0)
        }
    }

    @Test("Editing a country records the values before and after")
    func editCountryAudited() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let myanmar = try #require(try await Country.query(on: app.db).filter(\.$code == "MM").first())
            var changed = CountryResource.values(of: myanmar)
            changed["name_en"] = "Republic of the Union of Myanmar"
            let response = try await postForm(app, "/admin/countries/\(myanmar.id!.uuidString)", fields: changed, headers: editor)
            #expect(response.status == .seeOther)
            let stored = try #require(try await Country.find(myanmar.id, on: app.db))
            #expect(stored.nameEn == "Republic of the Union of Myanmar")
            let entry = try #require(
                try await AuditEntry.query(on: app.db).filter(\.$entityID == myanmar.id!.uuidString).filter(\.$action == "update").first())
            #expect(entry.actor == Demo.editor.email)
            #expect(AuditEntry.decode(entry.before)["name_en"] == "Myanmar")
            #expect(AuditEntry.decode(entry.after)["name_en"] == "Republic of the Union of Myanmar")
            // and the form's history shows the change
            let form = try await app.testing().sendRequest(.GET, "/admin/countries/\(myanmar.id!.uuidString)/edit", headers: editor)
            #expect(form.text.contains("Republic of the Union of Myanmar"))
        }
    }

    @Test("A missing required field is refused with 422, a message next to the field, and nothing written")
    func missingRequiredField() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            var fields = Self.newCountry
            fields["name_en"] = "   "
            let response = try await postForm(app, "/admin/countries", fields: fields, headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "name_en") == "This field is required.")
            #expect(response.text.contains("aria-describedby=\"e-name_en\""))
            #expect(fieldError(response.text, "code") == nil)
            #expect(response.text.contains("value=\"JP\""), "the form keeps what was typed")
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test("A country code that is not two letters is refused", arguments: ["B1", "ABC", "1", "É1"])
    func badCode(code: String) async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            let response = try await postForm(
                app, "/admin/countries", fields: Self.newCountry.merging(["code": code]) { $1 }, headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "code") != nil)
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test("A code another country has is refused")
    func duplicateCode() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            let response = try await postForm(
                app, "/admin/countries", fields: Self.newCountry.merging(["code": "mm"]) { $1 }, headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "code") == "Another country already has this code.")
            #expect(try await Self.counts(app) == before)
        }
    }

    static func positionFields(_ app: Application) async throws -> [String: String] {
        let person = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
        let org = try #require(try await Organisation.query(on: app.db).filter(\.$nameEn == "ASEAN Secretariat").first())
        return [
            "person_id": person.id!.uuidString, "organisation_id": org.id!.uuidString, "title_en": "Adviser", "start_date": "2022-05-01",
        ]
    }

    @Test("A position ending before it starts is refused with the message on end_date")
    func positionEndBeforeStart() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            let fields = try await Self.positionFields(app).merging(["end_date": "2022-04-30"]) { $1 }
            let response = try await postForm(app, "/admin/positions", fields: fields, headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "end_date") == "The end is before the start.")
            #expect(try await Self.counts(app) == before)
            // a valid one goes through
            let ok = try await postForm(app, "/admin/positions", fields: try await Self.positionFields(app), headers: editor)
            #expect(ok.status == .seeOther)
        }
    }

    @Test("A select value that names no record is refused")
    func unknownReference() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await Self.counts(app)
            let fields = try await Self.positionFields(app).merging(["person_id": UUID().uuidString]) { $1 }
            let response = try await postForm(app, "/admin/positions", fields: fields, headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "person_id") == "Choose one of the listed options.")
            #expect(try await Self.counts(app) == before)
        }
    }

    @Test("An organisation cannot be made part of one of its own parts")
    func parentCycle() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let mee = try #require(try await Organisation.query(on: app.db).filter(\.$acronym == "MEE").first())
            let department = try #require(
                try await Organisation.query(on: app.db).filter(\.$nameEn == "Department of International Cooperation").first())
            let before = try await Self.counts(app)
            var fields = OrganisationResource.values(of: mee)
            fields["parent_id"] = department.id!.uuidString
            let response = try await postForm(app, "/admin/organisations/\(mee.id!.uuidString)", fields: fields, headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(fieldError(response.text, "parent_id") != nil)
            #expect(try await Organisation.find(mee.id, on: app.db)?.$parent.id == nil)
            #expect(try await Self.counts(app) == before)
            // itself as parent is refused too
            fields["parent_id"] = mee.id!.uuidString
            let selfParent = try await postForm(app, "/admin/organisations/\(mee.id!.uuidString)", fields: fields, headers: editor)
            #expect(selfParent.status == .unprocessableEntity)
        }
    }

    @Test("HTML typed into a field is stored as text and shown escaped")
    func htmlEscaped() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let script = "<script>alert(1)</script>"
            let response = try await postForm(
                app, "/admin/organisations", fields: ["name_en": script, "kind": "partner", "country_id": "", "parent_id": ""],
                headers: editor)
            #expect(response.status == .seeOther)
            #expect(try await Organisation.query(on: app.db).filter(\.$nameEn == script).count() == 1)
            for (path, headers) in [("/network", HTTPHeaders()), ("/network", editor), ("/admin/organisations", editor)] {
                let page = try await app.testing().sendRequest(.GET, path, headers: headers)
                #expect(page.status == .ok)
                #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path) does not show the name escaped")
                #expect(!page.text.contains(script), "\(path) contains raw markup")
            }
        }
    }

    @Test("Ending a position sets its end date and /network stops showing it")
    func endPosition() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let line = "Director, Department of International Cooperation, Ministry of Ecology and Environment"
            #expect(visibleText(try await app.testing().sendRequest(.GET, "/network").text).contains(line))
            let position = try #require(try await Position.query(on: app.db).filter(\.$titleEn == "Director").first())
            let response = try await postForm(app, "/admin/positions/\(position.id!.uuidString)/end", fields: [:], headers: editor)
            #expect(response.status == .seeOther)
            let stored = try #require(try await Position.find(position.id, on: app.db))
            #expect(stored.endDate == CalendarDate.today())
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityID == position.id!.uuidString).filter(\.$action == "end")
                .count()
            #expect(audit == 1)
            for headers in [HTTPHeaders(), editor] {
                let network = visibleText(try await app.testing().sendRequest(.GET, "/network", headers: headers).text)
                let stillShown = network.contains(line)
                #expect(!stillShown, "the ended position is still shown on /network (signed in: \(!headers.isEmpty))")
            }
            let api = try await app.testing().sendRequest(.GET, "/api/v1/people")
            let stillListed = api.text.contains("\"Director\"")
            #expect(!stillListed, "the ended position is still in /api/v1/people")
        }
    }

    @Test("The centre's telephone and fax must be numbers; a wrong one is refused under its field and nothing changes")
    func centrePhoneValidated() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let profile = try #require(try await CentreProfile.query(on: app.db).first())
            var fields = CentreProfileForm.values(of: profile)
            fields["fax"] = "call the front desk"
            let refused = try await postForm(app, "/admin/centre", fields: fields, headers: editor)
            #expect(refused.status == .unprocessableEntity, "\(refused.status)")
            #expect(fieldError(refused.text, "fax") != nil, "no message under the fax field")
            #expect(try await CentreProfile.query(on: app.db).first()?.fax == profile.fax)
            fields["fax"] = "+86-010-82200579"
            let saved = try await postForm(app, "/admin/centre", fields: fields, headers: editor)
            #expect(saved.status == .seeOther, "\(saved.status)")
        }
    }

    @Test("A country code that is not an assigned ISO 3166 code is refused under the code field", arguments: ["JJ", "ZZ", "XA"])
    func unassignedCountryCode(code: String) async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let countries = try await Country.query(on: app.db).count()
            let response = try await postForm(
                app, "/admin/countries", fields: Self.newCountry.merging(["code": code]) { $1 }, headers: editor)
            #expect(response.status == .unprocessableEntity, "\(code) answered \(response.status)")
            #expect(fieldError(response.text, "code")?.contains("ISO 3166-1") == true)
            #expect(try await Country.query(on: app.db).count() == countries)
        }
    }

}
