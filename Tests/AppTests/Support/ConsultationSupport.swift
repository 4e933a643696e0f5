import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// The demo's illustrative consultation and what tests do with it.
enum Consult {
    static func document(_ app: Application) async throws -> Document {
        try #require(try await Document.query(on: app.db).filter(\.$slug == SeedConsultation.slug).first(), "the demo has its consultation")
    }

    static func round(_ app: Application, _ number: Int) async throws -> ConsultationRound {
        let document = try await document(app)
        return try #require(
            try await ConsultationRound.query(on: app.db).filter(\.$document.$id == document.savedID).filter(\.$number == number).first())
    }

    static func country(_ app: Application, _ code: String) async throws -> Country {
        try #require(try await Country.query(on: app.db).filter(\.$code == code).first())
    }

    /// Signs in a new focal point account for the demo's illustrative focal point of a country.
    static func focalPoint(_ app: Application, _ code: String) async throws -> HTTPHeaders {
        let country = try await country(app, code)
        let appointment = try #require(
            try await FocalPointAppointment.query(on: app.db).filter(\.$country.$id == country.savedID).filter(\.$rank == .primary).first())
        let email = "nfp-account.\(code.lowercased())@test.example"
        let password = "test-focal-point-\(code.lowercased())"
        try await User(
            email: email, name: "Focal point \(code)", role: .focalPoint, passwordHash: try app.password.hash(password),
            personID: appointment.$person.id
        ).save(on: app.db)
        return try await signIn(app, email: email, password: password)
    }

    static func path(_ round: ConsultationRound, _ suffix: String = "") -> String {
        "/consultations/rounds/" + round.savedID.uuidString + suffix
    }

    /// Posts an answer action for a country and returns the response.
    @discardableResult
    static func act(
        _ app: Application, _ round: ConsultationRound, _ action: String, country: Country, headers: HTTPHeaders,
        _ fields: [String: String] = [:]
    ) async throws -> TestingHTTPResponse {
        try await postForm(
            app, path(round, "/" + action), fields: fields.merging(["country": country.savedID.uuidString]) { $1 }, headers: headers)
    }

    /// Moves a round's deadline, as if time had passed.
    static func setDeadline(_ app: Application, _ round: ConsultationRound, _ deadline: Date) async throws {
        round.deadline = deadline
        try await round.save(on: app.db)
    }

    /// A DOCX with a title-styled heading and numbered paragraphs, as Word writes them.
    static func docx(heading: String, paragraphs: [String]) -> [UInt8] {
        let body =
            "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>\(heading)</w:t></w:r></w:p>"
            + paragraphs.map { "<w:p><w:r><w:t xml:space=\"preserve\">\($0)</w:t></w:r></w:p><w:p/>" }.joined()
        return ZipWriter.stored([
            (
                "[Content_Types].xml",
                Array(
                    #"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#
                        .utf8)
            ),
            (
                "word/document.xml",
                Array(
                    (#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>"#
                        + body + "</w:body></w:document>").utf8)
            ),
        ])
    }

    /// Creates a document with a draft text of a heading and three paragraphs as the editor.
    static func draftedDocument(_ app: Application, editor: HTTPHeaders, slug: String) async throws -> Document {
        let document = try await DocumentTests.createDocument(
            app, headers: editor, slug: slug, access: "network", title: "Joint statement " + slug)
        let saved = try await postForm(
            app, "/consultations/documents/\(document.savedID.uuidString)/draft",
            fields: [
                "text_en": "# Preamble\n\nWelcome the cooperation.\n\nAgree to meet again.\n\nThank the host.", "text_zh": "",
                "note": "First",
            ], headers: editor)
        try #require(saved.status == .seeOther, "saving the draft answered \(saved.status): \(visibleText(saved.text).prefix(300))")
        return document
    }

    /// Circulates the latest version through the form; returns the round.
    static func circulate(
        _ app: Application, _ document: Document, editor: HTTPHeaders, mode: RoundMode, deadline: Date,
        visibility: AnswerVisibility = .memberStates,
        countries: [Country]
    ) async throws -> ConsultationRound {
        let local = MeetingTime.local(deadline, in: .gmt)
        var fields = [
            "mode": mode.rawValue, "deadline_date": local.date, "deadline_time": local.time, "time_zone": "UTC",
            "visibility": visibility.rawValue,
        ]
        for country in countries { fields["countries__" + country.savedID.uuidString] = "on" }
        let response = try await postForm(
            app, "/consultations/documents/\(document.savedID.uuidString)/circulate", fields: fields, headers: editor)
        try #require(response.status == .seeOther, "circulating answered \(response.status): \(visibleText(response.text).prefix(400))")
        return try #require(
            try await ConsultationRound.query(on: app.db).filter(\.$document.$id == document.savedID).sort(\.$number, .descending).first())
    }
}
