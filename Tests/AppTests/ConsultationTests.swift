import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Consultations")
struct ConsultationTests {
    @Test("No country reads another's answer before the round closes, as each role; after it, as the round's visibility says")
    func answersHiddenUntilClose() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let round = try await Consult.round(app, 2)
            let cambodia = try await Consult.country(app, "KH")
            let kh = try await Consult.focalPoint(app, "KH")
            let mm = try await signIn(app, as: Demo.focalPoint)
            let editor = try await signIn(app, as: Demo.editor)
            let secret = "Cambodia asks for a reference to mangroves"
            var response = try await Consult.act(
                app, round, "comments", country: cambodia, headers: kh, ["paragraph": "4", "comment": secret])
            #expect(response.status == .seeOther)
            response = try await Consult.act(app, round, "submit", country: cambodia, headers: kh)
            #expect(response.status == .seeOther)
            let answer = try #require(try await Answering.answer(round: round.savedID, country: cambodia.savedID, on: app.db))
            #expect(answer.status == .submitted && answer.submittedBy == "nfp-account.kh@test.example" && !answer.late)

            // Before the deadline: Cambodia and the secretariat read it, Myanmar and the public do not.
            #expect(visibleText(try await app.testing().sendRequest(.GET, Consult.path(round), headers: kh).text).contains(secret))
            #expect(visibleText(try await app.testing().sendRequest(.GET, Consult.path(round), headers: editor).text).contains(secret))
            #expect(
                visibleText(try await app.testing().sendRequest(.GET, Consult.path(round, "/matrix"), headers: editor).text).contains(
                    secret))
            let mmPage = try await app.testing().sendRequest(.GET, Consult.path(round), headers: mm)
            #expect(mmPage.status == .ok)
            #expect(!mmPage.text.contains(secret))
            #expect(
                visibleText(mmPage.text).contains("Cambodia not disclosed until the round closes"),
                "Myanmar does not even learn that Cambodia answered")
            for suffix in ["/matrix", "/matrix.csv", "/matrix.pdf"] {
                let hidden = try await app.testing().sendRequest(.GET, Consult.path(round, suffix), headers: mm)
                #expect(hidden.status == .forbidden, "\(suffix) as Myanmar answered \(hidden.status)")
                #expect(!hidden.text.contains(secret))
            }
            let anonymous = try await app.testing().sendRequest(.GET, Consult.path(round))
            #expect(anonymous.status == .seeOther && !anonymous.text.contains(secret))
            let api = try await app.testing().sendRequest(.GET, "/api/v1/consultations/" + round.savedID.uuidString, headers: mm)
            #expect(api.status == .ok)
            #expect(!api.text.contains(secret), "the API hides it too")
            #expect(api.text.contains("\"state\":\"undisclosed\""))
            let staffAPI = try await app.testing().sendRequest(.GET, "/api/v1/consultations/" + round.savedID.uuidString, headers: editor)
            #expect(staffAPI.text.contains(secret))
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/consultations").text == "[]", "none for anonymous callers")
            #expect(try await app.testing().sendRequest(.GET, "/api/v1/consultations/" + round.savedID.uuidString).status == .notFound)

            // After the deadline the answers are shared with member states (the demo round's setting).
            try await Consult.setDeadline(app, round, Date().addingTimeInterval(-60))
            #expect(visibleText(try await app.testing().sendRequest(.GET, Consult.path(round), headers: mm).text).contains(secret))
            #expect(try await app.testing().sendRequest(.GET, Consult.path(round, "/matrix.csv"), headers: mm).text.contains(secret))

            // … unless the round keeps them for the secretariat.
            round.answerVisibility = .secretariat
            try await round.save(on: app.db)
            let closedHidden = try await app.testing().sendRequest(.GET, Consult.path(round), headers: mm)
            #expect(!closedHidden.text.contains(secret))
            #expect(visibleText(closedHidden.text).contains("Cambodia not disclosed"), "not even whether it answered")
            #expect(try await app.testing().sendRequest(.GET, Consult.path(round, "/matrix"), headers: mm).status == .forbidden)
            #expect(visibleText(try await app.testing().sendRequest(.GET, Consult.path(round), headers: editor).text).contains(secret))
        }
    }

    @Test("A focal point answers only for their own country and only while the round is open for it; late answers only when reopened")
    func ownCountryOnlyWhileOpen() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let round = try await Consult.round(app, 2)
            let myanmar = try await Consult.country(app, "MM")
            let cambodia = try await Consult.country(app, "KH")
            let mm = try await signIn(app, as: Demo.focalPoint)
            let editor = try await signIn(app, as: Demo.editor)
            let before = try await AnswerComment.query(on: app.db).count()

            var response = try await Consult.act(
                app, round, "comments", country: cambodia, headers: mm, ["paragraph": "1", "comment": "For Cambodia"])
            #expect(response.status == .forbidden)
            #expect(visibleText(response.text).contains("You answer only for your own country."))
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: editor, ["paragraph": "1", "comment": "Staff"])
            #expect(response.status == .forbidden, "the secretariat does not answer for a country")
            #expect(try await AnswerComment.query(on: app.db).count() == before)

            try await Consult.setDeadline(app, round, Date().addingTimeInterval(-60))
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "1", "comment": "Too late"])
            #expect(response.status == .conflict)
            #expect(try await AnswerComment.query(on: app.db).count() == before)

            // The secretariat reopens for Myanmar alone; its answer is then accepted and marked late.
            let until = Date().addingTimeInterval(2 * 86_400)
            let local = MeetingTime.local(until, in: TimeZone(identifier: round.timeZone) ?? .gmt)
            response = try await postForm(
                app, Consult.path(round, "/reopen"),
                fields: ["country": myanmar.savedID.uuidString, "until_date": local.date, "until_time": local.time], headers: editor)
            #expect(response.status == .seeOther)
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "2", "comment": "Late but welcome"])
            #expect(response.status == .seeOther)
            response = try await Consult.act(app, round, "submit", country: myanmar, headers: mm)
            #expect(response.status == .seeOther)
            let answer = try #require(try await Answering.answer(round: round.savedID, country: myanmar.savedID, on: app.db))
            #expect(answer.status == .submitted && answer.late)
            let kh = try await Consult.focalPoint(app, "KH")
            response = try await Consult.act(
                app, round, "comments", country: cambodia, headers: kh, ["paragraph": "1", "comment": "Not reopened"])
            #expect(response.status == .conflict, "the round stays closed for the others")
            // Round 1 has a later round: it is not reopened.
            let round1 = try await Consult.round(app, 1)
            response = try await postForm(
                app, Consult.path(round1, "/reopen"),
                fields: ["country": myanmar.savedID.uuidString, "until_date": local.date, "until_time": local.time], headers: editor)
            #expect(response.status == .conflict)
            let round1Myanmar = try await RoundCountry.query(on: app.db).filter(\.$round.$id == round1.savedID)
                .filter(\.$country.$id == myanmar.savedID).first()
            #expect(round1Myanmar?.reopenedUntil == nil)
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entityType ~~ ["country_answer", "consultation_round"]).all().map(
                \.action)
            #expect(audit.contains("reopen") && audit.contains("submit") && audit.contains("comment"))
        }
    }

    @Test("Bad answers are refused with the field and the reason, and nothing is written")
    func badAnswers() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let round = try await Consult.round(app, 2)
            let myanmar = try await Consult.country(app, "MM")
            let mm = try await signIn(app, as: Demo.focalPoint)
            let before = try await AnswerComment.query(on: app.db).count()
            for (fields, status, message) in [
                (
                    ["paragraph": "99", "comment": "Where?"], HTTPStatus.unprocessableEntity,
                    "There is no paragraph 99 in the circulated text."
                ),
                (["paragraph": "1", "comment": " ", "proposed_wording": ""], .unprocessableEntity, "Write a comment or propose wording."),
                (
                    ["paragraph": "", "comment": "", "proposed_wording": "New text"], .unprocessableEntity,
                    "Proposed wording needs a paragraph"
                ),
                (["paragraph": "1", "comment": String(repeating: "x", count: 10_001)], .unprocessableEntity, "At most 10000 characters."),
            ] {
                let response = try await Consult.act(app, round, "comments", country: myanmar, headers: mm, fields)
                #expect(response.status == status, "\(fields.mapValues { $0.prefix(20) }) answered \(response.status)")
                #expect(visibleText(response.text).contains(message), "\(visibleText(response.text).prefix(200))")
            }
            #expect(try await AnswerComment.query(on: app.db).count() == before)
            // The typed comment is kept in the form that refuses it.
            let kept = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "99", "comment": "Keep me typed"])
            #expect(kept.text.contains(">Keep me typed</textarea>"))

            var response = try await Consult.act(app, round, "submit", country: myanmar, headers: mm)
            #expect(response.status == .unprocessableEntity, "nothing to submit")
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "3", "comment": "A comment"])
            #expect(response.status == .seeOther)
            response = try await Consult.act(app, round, "no-comments", country: myanmar, headers: mm)
            #expect(response.status == .conflict, "\"no comments\" with a comment in the answer")
            response = try await Consult.act(app, round, "submit", country: myanmar, headers: mm)
            #expect(response.status == .seeOther)
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "3", "comment": "Another"])
            #expect(response.status == .conflict, "a submitted answer is withdrawn before it changes")
            response = try await Consult.act(app, round, "withdraw", country: myanmar, headers: mm)
            #expect(response.status == .seeOther)
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "3", "comment": "Another"])
            #expect(response.status == .seeOther)
            response = try await Consult.act(app, round, "submit", country: myanmar, headers: mm)
            #expect(response.status == .seeOther)
            let answer = try #require(try await Answering.answer(round: round.savedID, country: myanmar.savedID, on: app.db))
            #expect(answer.status == .submitted)
            #expect(try await AnswerComment.query(on: app.db).filter(\.$answer.$id == answer.savedID).count() == 2)
            response = try await Consult.act(app, round, "break-silence", country: myanmar, headers: mm, ["reason": "No"])
            #expect(response.status == .conflict, "silence is broken only in a silence procedure")

            // A comment the secretariat has answered stays in the answer, even once it is withdrawn.
            let answered = try #require(try await AnswerComment.query(on: app.db).filter(\.$answer.$id == answer.savedID).first())
            try await CommentResponding.respond(
                answered.savedID, response: .noted, reason: "", seenRevision: 0, actor: nil, actorLabel: "test", on: app.db)
            response = try await Consult.act(app, round, "withdraw", country: myanmar, headers: mm)
            #expect(response.status == .seeOther)
            response = try await Consult.act(app, round, "comments/\(answered.savedID.uuidString)/delete", country: myanmar, headers: mm)
            #expect(response.status == .conflict)
            #expect(try await AnswerComment.find(answered.savedID, on: app.db) != nil)
            let status = visibleText(try await app.testing().sendRequest(.GET, Consult.path(round), headers: mm).text)
            #expect(status.contains("Myanmar answer withdrawn"))

            // Wording is one paragraph: line breaks and a leading "#" do not make new ones.
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm,
                ["paragraph": "2", "proposed_wording": "# First half\n\nsecond half"])
            #expect(response.status == .seeOther)
            #expect(try await AnswerComment.query(on: app.db).filter(\.$proposedWording == "First half second half").count() == 1)
            let paragraph2 = try #require(
                try await DraftParagraph.query(on: app.db).filter(\.$version.$id == round.$version.id).filter(\.$number == "2").first())
            response = try await Consult.act(
                app, round, "comments", country: myanmar, headers: mm, ["paragraph": "2", "proposed_wording": paragraph2.textEn])
            #expect(response.status == .unprocessableEntity, "wording that changes nothing")
        }
    }

    @Test("Draft text: numbered paragraphs in both languages, DOCX import for review, and a circulated version never changes")
    func draftText() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Consult.draftedDocument(app, editor: editor, slug: "draft-text-test")
            let version = try #require(try await DraftEditing.latestVersion(of: document.savedID, on: app.db))
            var paragraphs = try await DraftEditing.paragraphs(of: version.savedID, on: app.db)
            #expect(paragraphs.map(\.kind) == [.heading, .paragraph, .paragraph, .paragraph])
            #expect(paragraphs.compactMap(\.number) == ["1", "2", "3"])
            #expect(paragraphs.last?.textEn == "Thank the host.")
            let draftPath = "/consultations/documents/\(document.savedID.uuidString)/draft"

            // Chinese with a paragraph missing is refused and names the field.
            var response = try await postForm(
                app, draftPath, fields: ["text_en": "One.\n\nTwo.", "text_zh": "一。", "note": ""], headers: editor)
            #expect(response.status == .unprocessableEntity)
            #expect(visibleText(response.text).contains("2 paragraphs in English, 1 in Chinese"))
            #expect(try await DraftEditing.paragraphs(of: version.savedID, on: app.db).count == 4, "nothing changed")

            // A DOCX fills the form for review; nothing is saved until the form is.
            var form = Multipart()
            form.field("_csrf", try #require(cookieValue(CSRFMiddleware.cookieName, in: editor)))
            form.field("text_en", "")
            form.file(
                "docx", filename: "statement.docx",
                Consult.docx(heading: "Operative part", paragraphs: ["1. Decide to act.", "2. Invite partners."]))
            var headers = editor
            headers.replaceOrAdd(name: .contentType, value: form.contentType)
            response = try await app.testing().sendRequest(.POST, draftPath, headers: headers, body: form.finished())
            #expect(response.status == .ok)
            #expect(
                response.text.contains("# Operative part\n\n1. Decide to act.\n\n2. Invite partners.</textarea>"),
                "\(response.text.prefix(100))")
            #expect(visibleText(response.text).contains("Paragraphs read from statement.docx: 2"))
            #expect(try await DraftEditing.paragraphs(of: version.savedID, on: app.db).count == 4)
            var bad = Multipart()
            bad.field("_csrf", try #require(cookieValue(CSRFMiddleware.cookieName, in: editor)))
            bad.file("docx", filename: "fake.docx", SampleFiles.pdf)
            headers.replaceOrAdd(name: .contentType, value: bad.contentType)
            response = try await app.testing().sendRequest(.POST, draftPath, headers: headers, body: bad.finished())
            #expect(response.status == .unprocessableEntity)
            #expect(visibleText(response.text).contains("The file is not a Word (DOCX) document that can be read."))

            // Circulated, the version is frozen.
            let mm = try await Consult.country(app, "MM")
            _ = try await Consult.circulate(
                app, document, editor: editor, mode: .comments, deadline: Date().addingTimeInterval(7 * 86_400), countries: [mm])
            response = try await postForm(app, draftPath, fields: ["text_en": "Changed.", "text_zh": "", "note": ""], headers: editor)
            #expect(response.status == .conflict)
            paragraphs = try await DraftEditing.paragraphs(of: version.savedID, on: app.db)
            #expect(paragraphs.last?.textEn == "Thank the host.", "a circulated version's text never changes")
            let refreshed = try #require(try await Document.find(document.savedID, on: app.db))
            #expect(refreshed.lifecycle == .forComment)
            #expect(try #require(try await DraftVersion.find(version.savedID, on: app.db)).isFrozen)
        }
    }

    @Test("Two editors responding to the same comment at once: the second is refused, not silently overwritten")
    func responsesDoNotOverwrite() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let admin = try await signIn(app, as: Demo.admin)
            let round = try await Consult.round(app, 1)
            let comment = try #require(try await AnswerComment.query(on: app.db).filter(\.$response == .noted).first())
            let seen = "\(comment.responseRevision)"
            let path = "/consultations/comments/\(comment.savedID.uuidString)/response"
            var response = try await postForm(
                app, path, fields: ["response": "not_accepted", "reason": "Outside the document's scope", "revision": seen], headers: editor
            )
            #expect(response.status == .seeOther)
            response = try await postForm(app, path, fields: ["response": "accepted", "reason": "", "revision": seen], headers: admin)
            #expect(response.status == .conflict)
            #expect(visibleText(response.text).contains("Someone else (editor@demo.focal.example) responded to this comment"))
            let stored = try #require(try await AnswerComment.find(comment.savedID, on: app.db))
            #expect(stored.response == .notAccepted && stored.responseReason == "Outside the document's scope")
            #expect(stored.responseRevision == comment.responseRevision + 1)
            response = try await postForm(
                app, path, fields: ["response": "not_accepted", "reason": "", "revision": "\(stored.responseRevision)"], headers: admin)
            #expect(response.status == .unprocessableEntity, "a refusal needs its reason")
            let mm = try await signIn(app, as: Demo.focalPoint)
            response = try await postForm(
                app, path, fields: ["response": "accepted", "revision": "\(stored.responseRevision)"], headers: mm)
            #expect(response.status == .forbidden, "focal points do not respond")
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$entityID == comment.savedID.uuidString).filter(\.$action == "respond")
                    .count() >= 2)
            #expect(round.number == 1)
        }
    }

    @Test("The matrix PDF opens in pdftotext with every comment of the round in it; the CSV has them too")
    func matrixPDF() async throws {
        try await withApp(loadDemo: true) { app async throws in
            if let reason = try app.pdfRenderer.unavailableReason {
                Issue.record("Chromium is needed: \(reason)")
                return
            }
            let editor = try await signIn(app, as: Demo.editor)
            let round = try await Consult.round(app, 1)
            let comments = try await AnswerComment.query(on: app.db).join(
                CountryAnswer.self, on: \AnswerComment.$answer.$id == \CountryAnswer.$id
            )
            .filter(CountryAnswer.self, \.$round.$id == round.savedID).all()
            #expect(comments.count == 4)
            let pdf = try await app.testing().sendRequest(.GET, Consult.path(round, "/matrix.pdf"), headers: editor)
            #expect(pdf.status == .ok)
            #expect(pdf.headers.contentType?.description.hasPrefix("application/pdf") == true)
            let text = try await DocumentText.pdf(Data(buffer: pdf.body), executable: DocumentText.pdftotextPath)
                .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
            for comment in comments {
                // Table cells wrap lines: compare the words, not the line breaks.
                #expect(text.contains(comment.comment), "the PDF lacks \(comment.comment)")
                if !comment.responseReason.isEmpty { #expect(text.contains(comment.responseReason)) }
            }
            for country in ["Cambodia", "Myanmar", "Viet Nam"] { #expect(text.contains(country)) }
            let csv = try await app.testing().sendRequest(.GET, Consult.path(round, "/matrix.csv"), headers: editor)
            #expect(csv.status == .ok)
            for comment in comments { #expect(csv.text.contains(comment.comment)) }
            let zh = try await app.testing().sendRequest(.GET, Consult.path(round, "/matrix?lang=zh"), headers: editor)
            #expect(zh.text.contains("意见汇总表"))
        }
    }

    @Test("A revision applies the accepted wording, and tracked changes show each change with the comment that led to it")
    func revisionAndTrackedChanges() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let document = try await Consult.document(app)
            let page = try await app.testing().sendRequest(
                .GET, "/consultations/documents/\(document.savedID.uuidString)/compare?from=1&to=2", headers: editor)
            #expect(page.status == .ok)
            #expect(
                page.text.contains("<ins>,</ins>") || page.text.contains("<ins>, </ins>") || page.text.contains("<ins>"),
                "insertions are marked")
            #expect(page.text.contains("other key regional environmental issues"))
            #expect(visibleText(page.text).contains("From the comment of Cambodia, round 1, ¶3"))

            // Only accepted wording on a paragraph can be applied; one wording per paragraph.
            let document2 = try await Consult.draftedDocument(app, editor: editor, slug: "revision-test")
            let mm = try await Consult.country(app, "MM")
            let round = try await Consult.circulate(
                app, document2, editor: editor, mode: .comments, deadline: Date().addingTimeInterval(86_400 * 5), countries: [mm])
            let fp = try await signIn(app, as: Demo.focalPoint)
            try await Consult.act(
                app, round, "comments", country: mm, headers: fp,
                ["paragraph": "2", "comment": "Firmer", "proposed_wording": "Decide to meet again."])
            try await Consult.act(app, round, "submit", country: mm, headers: fp)
            let comment = try #require(
                try await AnswerComment.query(on: app.db).filter(\.$proposedWording == "Decide to meet again.").first())
            let revisionPath = "/consultations/documents/\(document2.savedID.uuidString)/revision"
            var response = try await postForm(app, revisionPath, fields: ["apply__" + comment.savedID.uuidString: "on"], headers: editor)
            #expect(response.status == .unprocessableEntity, "not yet accepted")
            try await Consult.setDeadline(app, round, Date().addingTimeInterval(-1))
            try await postForm(
                app, "/consultations/comments/\(comment.savedID.uuidString)/response",
                fields: ["response": "accepted", "reason": "", "revision": "0"],
                headers: editor)
            response = try await postForm(
                app, revisionPath, fields: ["apply__" + comment.savedID.uuidString: "on", "note": "After round 1"], headers: editor)
            #expect(response.status == .seeOther)
            let next = try #require(try await DraftEditing.latestVersion(of: document2.savedID, on: app.db))
            #expect(next.number == 2 && !next.isFrozen)
            let texts = try await DraftEditing.paragraphs(of: next.savedID, on: app.db)
            #expect(texts.first { $0.number == "2" }?.textEn == "Decide to meet again.")
            #expect(texts.first { $0.number == "2" }?.commentIDs == [comment.savedID])
            let compare = try await app.testing().sendRequest(
                .GET, "/consultations/documents/\(document2.savedID.uuidString)/compare?from=1&to=2", headers: editor)
            #expect(compare.text.contains("<del>Agree</del>") && compare.text.contains("<ins>Decide</ins>"))
            #expect(visibleText(compare.text).contains("From the comment of Myanmar, round 1, ¶2"))
        }
    }

    @Test(
        "Silence procedure with the clock moved: adopted once at the deadline, even with two clocks; broken silence is not adopted and tells who and why"
    )
    func silenceProcedure() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fp = try await signIn(app, as: Demo.focalPoint)
            let mm = try await Consult.country(app, "MM")
            let kh = try await Consult.country(app, "KH")
            let deadline = Date().addingTimeInterval(3 * 86_400).addingTimeInterval(3600)
            let document = try await Consult.draftedDocument(app, editor: editor, slug: "silence-kept")
            // To every member state and partner with a focal point, as the form proposes.
            let everyone = try await ConsultationRules.defaultCountries(on: app.db)
            #expect(everyone.count == 11)
            let round = try await Consult.circulate(app, document, editor: editor, mode: .silence, deadline: deadline, countries: everyone)
            #expect(try await RoundCountry.query(on: app.db).filter(\.$round.$id == round.savedID).count() == 11)
            #expect(try #require(try await Document.find(document.savedID, on: app.db)).lifecycle == .final)
            var outcome = try await ConsultationClock.tick(app, now: round.deadline.addingTimeInterval(-60))
            #expect(outcome.adopted == 0, "nothing before the deadline")
            let after = round.deadline.addingTimeInterval(60)
            // On SQLite the two clocks take turns: SQLiteNIO waits for a lock by spinning on one of
            // the process's two database threads, and many test apps at once would spin on both.
            let both: [ConsultationClock.Outcome]
            if TestEngine.isPostgres {
                async let first = ConsultationClock.tick(app, now: after)
                async let second = ConsultationClock.tick(app, now: after)
                both = try await [first, second]
            } else {
                both = [try await ConsultationClock.tick(app, now: after), try await ConsultationClock.tick(app, now: after)]
            }
            #expect(both.map(\.adopted).reduce(0, +) == 1, "two instances adopt it once")
            outcome = try await ConsultationClock.tick(app, now: after.addingTimeInterval(600))
            #expect(outcome.adopted == 0)
            let adopted = try #require(try await Document.find(document.savedID, on: app.db))
            #expect(adopted.lifecycle == .adopted)
            #expect(adopted.adoptedOn == MeetingTime.local(round.deadline, in: .gmt).date)
            #expect(
                try await AuditEntry.query(on: app.db).filter(\.$action == "adopt").filter(\.$entityID == document.savedID.uuidString)
                    .count() == 1)
            let page = try await app.testing().sendRequest(.GET, Consult.path(round), headers: fp)
            #expect(
                visibleText(page.text).contains("Adopted by silence procedure on " + (LocalizedDate.format(adopted.adoptedOn, .en) ?? "-")))
            var response = try await Consult.act(app, round, "break-silence", country: mm, headers: fp, ["reason": "Too late"])
            #expect(response.status == .conflict)

            // Silence broken: not adopted, and the secretariat sees who and why.
            let other = try await Consult.draftedDocument(app, editor: editor, slug: "silence-broken")
            let round2 = try await Consult.circulate(app, other, editor: editor, mode: .silence, deadline: deadline, countries: [mm, kh])
            response = try await Consult.act(app, round2, "break-silence", country: mm, headers: fp, ["reason": ""])
            #expect(response.status == .unprocessableEntity)
            response = try await Consult.act(app, round2, "comments", country: mm, headers: fp, ["paragraph": "1", "comment": "A comment"])
            #expect(response.status == .conflict, "a silence procedure takes no comments")
            response = try await Consult.act(
                app, round2, "break-silence", country: mm, headers: fp, ["reason": "Paragraph 2 needs our ministry's review"])
            #expect(response.status == .seeOther)
            response = try await Consult.act(app, round2, "break-silence", country: mm, headers: fp, ["reason": "Again"])
            #expect(response.status == .conflict)
            #expect(visibleText(response.text).contains("Your country has already broken silence in this round."))
            outcome = try await ConsultationClock.tick(app, now: after)
            #expect(outcome.notAdopted == 1 && outcome.adopted == 0)
            #expect(try #require(try await Document.find(other.savedID, on: app.db)).lifecycle == .forComment, "back to comments")
            let status = visibleText(try await app.testing().sendRequest(.GET, Consult.path(round2), headers: editor).text)
            #expect(status.contains("Not adopted: silence was broken"))
            #expect(status.contains("Myanmar broke silence"))
            #expect(status.contains("Paragraph 2 needs our ministry's review"))
            #expect(status.contains("Cambodia silent"))
            #expect(!status.contains("not disclosed"), "the secretariat sees every country")
        }
    }

    @Test("Reminders go three days and one day before the deadline, once each, to countries that have not answered")
    func reminders() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let fp = try await signIn(app, as: Demo.focalPoint)
            let mm = try await Consult.country(app, "MM")
            let kh = try await Consult.country(app, "KH")
            let th = try await Consult.country(app, "TH")
            let document = try await Consult.draftedDocument(app, editor: editor, slug: "reminders")
            let round = try await Consult.circulate(
                app, document, editor: editor, mode: .comments, deadline: Date().addingTimeInterval(10 * 86_400), countries: [mm, kh, th])
            try await Consult.act(app, round, "no-comments", country: mm, headers: fp)
            // The demo's own open round is also due reminders at these moments; count this round's alone.
            func reminded(_ column: KeyPath<RoundCountry, OptionalFieldProperty<RoundCountry, Date>>) async throws -> Int {
                try await RoundCountry.query(on: app.db).filter(\.$round.$id == round.savedID).all().filter {
                    $0[keyPath: column].wrappedValue != nil
                }.count
            }
            try await ConsultationClock.tick(app, now: round.deadline.addingTimeInterval(-5 * 86_400))
            #expect(try await reminded(\.$reminded3dAt) == 0)
            try await ConsultationClock.tick(app, now: round.deadline.addingTimeInterval(-2.5 * 86_400))
            #expect(try await reminded(\.$reminded3dAt) == 2, "Cambodia and Thailand, not Myanmar which answered")
            try await ConsultationClock.tick(app, now: round.deadline.addingTimeInterval(-2 * 86_400))
            let oneDay = try await reminded(\.$reminded1dAt)
            #expect(try await reminded(\.$reminded3dAt) == 2 && oneDay == 0)
            try await ConsultationClock.tick(app, now: round.deadline.addingTimeInterval(-3600))
            #expect(try await reminded(\.$reminded1dAt) == 2)
            let recipients = try await ConsultationMail.focalPoints(of: [kh.savedID, th.savedID], on: app.db)
            #expect(Set(recipients.map(\.address)) == ["nfp.kh@example.org", "nfp.th@example.org"])
        }
    }

    @Test("The demo's consultation is illustrative everywhere: round 1 closed with its matrix answered, round 2 open")
    func demo() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let round1 = try await Consult.round(app, 1)
            let round2 = try await Consult.round(app, 2)
            #expect(round1.illustrative && round2.illustrative)
            #expect(!round1.isOpen() && round2.isOpen())
            let answers = try await CountryAnswer.query(on: app.db).filter(\.$round.$id == round1.savedID).all()
            #expect(answers.count == 4 && answers.allSatisfy(\.illustrative))
            let comments = try await AnswerComment.query(on: app.db).filter(\.$answer.$id ~~ answers.map(\.savedID)).all()
            #expect(comments.allSatisfy { $0.response != nil }, "the matrix is answered")
            let editor = try await signIn(app, as: Demo.editor)
            for path in [Consult.path(round1), Consult.path(round2), Consult.path(round1, "/matrix"), "/consultations"] {
                let page = try await app.testing().sendRequest(.GET, path, headers: editor)
                #expect(page.status == .ok)
                #expect(visibleText(page.text).contains("illustrative"), "\(path) says it is illustrative")
            }
            let zh = try await app.testing().sendRequest(.GET, Consult.path(round2) + "?lang=zh", headers: editor)
            #expect(zh.text.contains("成员国答复情况"))
        }
    }
}
