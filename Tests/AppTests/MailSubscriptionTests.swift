import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

/// Double opt-in, preferences and unsubscribing by signed links, with the confirmation mail going
/// through a real SMTP server (the recorder) and every step in the consent ledger.
@Suite("Mail subscriptions: double opt-in, preferences, one-click unsubscribe, consent ledger")
struct MailSubscriptionTests {
    static let address = "new.reader@example.org"

    /// Subscribes through the public form like a browser: GET /subscribe for the CSRF token, then POST.
    @discardableResult
    static func subscribe(_ app: Application, email: String = address, name: String = "New Reader", language: String = "en") async throws
        -> TestingHTTPResponse
    {
        let token = try await csrfToken(app, page: "/subscribe")
        var headers = cookieHeader([(CSRFMiddleware.cookieName, token.cookie)])
        headers.contentType = .urlEncodedForm
        return try await app.testing().sendRequest(
            .POST, "/subscribe", headers: headers,
            body: formBody(["_csrf": token.field, "email": email, "name": name, "language": language, "lists__newsletter": "on"]))
    }

    static func subscriber(_ app: Application, _ email: String = address) async throws -> Subscriber {
        try #require(try await Subscriber.query(on: app.db).filter(\.$email == email).first(), "no subscriber \(email)")
    }

    static func events(_ app: Application, _ subscriber: Subscriber) async throws -> [ConsentEvent] {
        try await ConsentEvent.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).sort(\.$occurredAt).all()
    }

    /// The path of the confirmation link in the one mail the recorder got for `email`.
    static func confirmationPath(_ recorder: SMTPRecorder, _ email: String = address) throws -> String {
        let mails = try recorder.messages(to: email)
        try #require(mails.count == 1, "\(mails.count) confirmation mails for \(email)")
        let text = try #require(mails[0].part("text/plain")?.text, "the confirmation has no text part")
        let link = try #require(
            firstMatch(#"https?://[^\s]+(/subscribe/confirm/[A-Za-z0-9_\-.]+)"#, in: text), "no confirmation link in: \(text)")
        return link
    }

    static func token(_ app: Application, _ purpose: String, _ subscriber: Subscriber, expires: Date = Date().addingTimeInterval(3600))
        throws -> String
    {
        SignedToken.make(purpose: purpose, subject: subscriber.id!, expires: expires, secret: try app.focalConfig.sessionSecret)
    }

    @Test("Subscribing creates a pending subscriber with its consent and mails a link that only a POST confirms")
    func doubleOptIn() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let response = try await Self.subscribe(app, email: "New.Reader@Example.org")
            #expect(response.status == .ok, "\(response.status)")
            let subscriber = try await Self.subscriber(app)
            #expect(subscriber.status == .pending)
            #expect(subscriber.name == "New Reader")
            let lists = try await Subscription.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).with(\.$list).all().map(
                \.list.slug)
            #expect(lists == ["newsletter"])
            let events = try await Self.events(app, subscriber)
            #expect(events.map(\.action) == ["subscribe"])
            #expect(events.first?.textVersion == SubscriptionController.consentTextVersion)
            #expect(events.first?.source == "subscribe-form")
            #expect(events.first?.detail == "newsletter")
            // The client address may be unknown in tests; the field is there and never holds an address in clear.
            #expect(events.first.map { !$0.ipHash.contains(".") && !$0.ipHash.contains(":") } == true)

            let path = try Self.confirmationPath(recorder)
            // A link scanner's GET shows the page and confirms nothing.
            let page = try await app.testing().sendRequest(.GET, path)
            #expect(page.status == .ok)
            #expect(page.text.contains("method=\"post\""), "the confirmation page has no form to post")
            #expect(try await Self.subscriber(app).status == .pending, "a GET confirmed the subscription")
            #expect(try await Self.events(app, subscriber).count == 1)

            let confirmed = try await postForm(app, path, fields: [:])
            #expect(confirmed.status == .ok, "\(confirmed.status)")
            let after = try await Self.subscriber(app)
            #expect(after.status == .confirmed)
            #expect(after.confirmedAt != nil)
            let actions = try await Self.events(app, subscriber)
            #expect(actions.map(\.action) == ["subscribe", "confirm"])
            #expect(actions.last?.source == "confirmation-link")
        }
    }

    @Test("A forged confirmation link is refused with 403 and an expired one with 410, changing nothing")
    func forgedAndExpiredLinks() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            try await Self.subscribe(app)
            let subscriber = try await Self.subscriber(app)
            let path = try Self.confirmationPath(recorder)
            // Another signature on the same payload.
            let parts = path.split(separator: ".", maxSplits: 1)
            let forgedSignature = String(parts[1].reversed())
            let forged = try await postForm(app, String(parts[0]) + "." + forgedSignature, fields: [:])
            #expect(forged.status == .forbidden, "\(forged.status)")
            // Signed for another purpose (an unsubscribe token is not a confirmation).
            let otherPurpose = try await postForm(app, "/subscribe/confirm/" + Self.token(app, "unsubscribe", subscriber), fields: [:])
            #expect(otherPurpose.status == .forbidden || otherPurpose.status == .badRequest, "\(otherPurpose.status)")
            let expired = try await postForm(
                app, "/subscribe/confirm/" + Self.token(app, "confirm", subscriber, expires: Date().addingTimeInterval(-60)), fields: [:])
            #expect(expired.status == .gone, "\(expired.status)")
            #expect(try await Self.subscriber(app).status == .pending)
            #expect(try await Self.events(app, subscriber).map(\.action) == ["subscribe"])
        }
    }

    @Test("The preferences page changes language and lists by POST and records it; GET changes nothing")
    func preferences() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let events = MailingList()
            events.slug = "events"
            events.nameEn = "Events"
            events.nameZh = ""
            events.focalPoints = false
            try await events.save(on: app.db)
            let reader = try await Self.subscriber(app, "reader.en@example.org")
            let path = try "/mail/preferences/" + Self.token(app, "preferences", reader)
            let page = try await app.testing().sendRequest(.GET, path)
            #expect(page.status == .ok)
            #expect(page.text.contains("lists__events"), "the page offers no choice of lists")
            #expect(try await Self.subscriber(app, "reader.en@example.org").language == .en)
            let before = try await Self.events(app, reader).count

            let saved = try await postForm(app, path, fields: ["name": "Reader", "language": "zh", "lists__events": "on"])
            #expect(saved.status == .seeOther, "\(saved.status)")
            let after = try await Self.subscriber(app, "reader.en@example.org")
            #expect(after.language == .zh)
            #expect(after.name == "Reader")
            let lists = try await Subscription.query(on: app.db).filter(\.$subscriber.$id == reader.id!).with(\.$list).all().map(
                \.list.slug)
            #expect(lists == ["events"])
            let ledger = try await Self.events(app, reader)
            #expect(ledger.count == before + 1)
            #expect(ledger.last?.action == "preferences")
            #expect(ledger.last?.detail == "language=zh; lists=events")

            // Without the CSRF token the form is refused.
            let noToken = try await postForm(app, path, fields: ["language": "en"], withCSRF: false)
            #expect(noToken.status == .forbidden)
            #expect(try await Self.subscriber(app, "reader.en@example.org").language == .zh)
        }
    }

    @Test("Unsubscribing: GET only shows the page; the RFC 8058 one-click POST without cookies unsubscribes")
    func oneClickUnsubscribe() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let reader = try await Self.subscriber(app, "reader.en@example.org")
            let path = try "/mail/unsubscribe/" + Self.token(app, "unsubscribe", reader)
            let page = try await app.testing().sendRequest(.GET, path)
            #expect(page.status == .ok)
            #expect(try await Self.subscriber(app, "reader.en@example.org").status == .confirmed, "a GET unsubscribed")

            // A forged token is refused.
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let forged = try await app.testing().sendRequest(
                .POST, "/mail/unsubscribe/" + String(Self.token(app, "unsubscribe", reader).dropLast(3)) + "AAA", headers: headers,
                body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(forged.status == .forbidden, "\(forged.status)")
            #expect(try await Self.subscriber(app, "reader.en@example.org").status == .confirmed)

            let response = try await app.testing().sendRequest(
                .POST, path, headers: headers, body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(response.status == .ok, "\(response.status)")
            let after = try await Self.subscriber(app, "reader.en@example.org")
            #expect(after.status == .unsubscribed)
            let last = try await Self.events(app, reader).last
            #expect(last?.action == "unsubscribe")
            #expect(last?.source == "list-unsubscribe-one-click")
            // The other reader is untouched.
            #expect(try await Self.subscriber(app, "reader.zh@example.org").status == .confirmed)
        }
    }

    @Test("The consent ledger export lists every event of a subscriber in order, for editors only")
    func consentLedgerExport() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            try await Self.subscribe(app)
            let subscriber = try await Self.subscriber(app)
            try await postForm(app, try Self.confirmationPath(recorder), fields: [:])
            try await postForm(
                app, "/mail/preferences/" + Self.token(app, "preferences", subscriber),
                fields: ["language": "both", "lists__newsletter": "on"])
            var headers = HTTPHeaders()
            headers.contentType = .urlEncodedForm
            let unsubscribed = try await app.testing().sendRequest(
                .POST, "/mail/unsubscribe/" + Self.token(app, "unsubscribe", subscriber), headers: headers,
                body: ByteBuffer(string: "List-Unsubscribe=One-Click"))
            #expect(unsubscribed.status == .ok, "the one-click unsubscribe answered \(unsubscribed.status)")

            let path = "/admin/subscribers/\(subscriber.id!.uuidString)/consent.csv"
            let anonymous = try await app.testing().sendRequest(.GET, path)
            #expect(anonymous.status != .ok, "the ledger was shown without signing in")
            let editor = try await signIn(app, as: Demo.editor)
            let csv = try await app.testing().sendRequest(.GET, path, headers: editor)
            #expect(csv.status == .ok)
            #expect(csv.headers.contentType?.description.hasPrefix("text/csv") == true)
            let rows = csv.text.split(whereSeparator: \.isNewline).map(String.init)
            #expect(rows.first == "email,occurred_at,action,text_version,language,source,ip_hash,detail")
            let actions = rows.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            #expect(actions.map { $0.count > 2 ? $0[2] : "?" } == ["subscribe", "confirm", "preferences", "unsubscribe"], "\(rows)")
            #expect(actions.allSatisfy { $0.first == Self.address })
            #expect(
                actions.map { $0.count > 5 ? $0[5] : "?" } == [
                    "subscribe-form", "confirmation-link", "preference-page", "list-unsubscribe-one-click",
                ])
        }
    }

    @Test("A name with a line break is refused with 422 and neither stored nor mailed")
    func headerInjection() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            let response = try await Self.subscribe(app, name: "Eve\r\nBcc: victim@example.org")
            #expect(response.status == .unprocessableEntity, "\(response.status)")
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == Self.address).count() == 0, "the subscriber was stored")
            #expect(recorder.received.isEmpty, "a confirmation was sent")
        }
    }

    @Test("Editing a subscriber shows their lists ticked; saving the form unchanged keeps them and the ledger records the lists")
    func adminEditKeepsLists() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let editor = try await signIn(app, as: Demo.editor)
            let subscriber = try await Self.subscriber(app, "reader.en@example.org")
            let newsletter = try #require(try await MailingList.query(on: app.db).filter(\.$slug == "newsletter").first())
            let before = try await Subscription.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).all().map(\.$list.id)
            #expect(before == [newsletter.id!], "the demo reader is not on the newsletter list")
            let path = "/admin/subscribers/\(subscriber.id!.uuidString)/edit"
            let form = try await app.testing().sendRequest(.GET, path, headers: editor)
            #expect(form.text.contains(#"name="lists__\#(newsletter.id!.uuidString)" value="on" checked"#), "the list is not ticked")
            #expect(form.text.contains("/admin/subscribers/\(subscriber.id!.uuidString)/consent.csv"), "no link to the consent ledger")

            // Post back exactly what the form shows.
            var fields = [
                "email": subscriber.email, "name": subscriber.name, "language": subscriber.language.rawValue,
                "status": subscriber.status.rawValue,
            ]
            fields["lists__" + newsletter.id!.uuidString] = "on"
            let saved = try await postForm(app, "/admin/subscribers/\(subscriber.id!.uuidString)", fields: fields, headers: editor)
            #expect(saved.status == .seeOther, "\(saved.status)")
            let after = try await Subscription.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).all().map(\.$list.id)
            #expect(after == [newsletter.id!], "saving the unchanged form changed the lists")
            let staffChanges = {
                try await ConsentEvent.query(on: app.db).filter(\.$subscriber.$id == subscriber.id!).filter(\.$action == "staff-change")
                    .all()
            }
            #expect(try await staffChanges().isEmpty, "an unchanged form wrote to the consent ledger")

            // A real change is recorded, with the lists.
            fields["language"] = "both"
            let changed = try await postForm(app, "/admin/subscribers/\(subscriber.id!.uuidString)", fields: fields, headers: editor)
            #expect(changed.status == .seeOther, "\(changed.status)")
            #expect(try await staffChanges().map(\.detail) == ["status=confirmed; lists=newsletter"])
        }
    }

    @Test(
        "The public form cannot undo an unsubscribe, a complaint or a bounce: only the link sent to the person does; one mail per 10 minutes"
    )
    func optOutsStay() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            for (index, status) in [SubscriberStatus.unsubscribed, .complained, .bounced].enumerated() {
                let email = "left.\(index)@example.org"
                let person = Subscriber(email: email, name: "Original Name", language: .zh, status: status)
                try await person.save(on: app.db)
                let known = try await Self.subscribe(app, email: email, name: "Someone Else", language: "en")
                let unknown = try await Self.subscribe(app, email: "never.seen.\(index)@example.org", name: "Someone", language: "en")
                #expect(known.status == unknown.status, "the answer tells a known address from an unknown one")
                let notice = app.localizer.text("subscribe.check_mail", .en)
                #expect(known.text.contains(notice) && unknown.text.contains(notice), "the two answers differ")
                let after = try await Self.subscriber(app, email)
                #expect(after.status == status, "the form turned \(status) into \(after.status)")
                #expect(after.name == "Original Name")
                #expect(after.language == .zh)
                // more requests for the same address send no more mail
                for _ in 0..<5 { try await Self.subscribe(app, email: email) }
                let mails = try recorder.messages(to: email).count
                #expect(mails == 1, "\(mails) mails to \(email)")
                // the person, through the link sent to them, is the one who can come back
                let confirmed = try await postForm(app, try Self.confirmationPath(recorder, email), fields: [:])
                #expect(confirmed.status == .ok)
                #expect(try await Self.subscriber(app, email).status == .confirmed)
            }
        }
    }

    @Test("Confirmation mails carry distinct Message-IDs")
    func distinctMessageIDs() async throws {
        let recorder = try SMTPRecorder.start()
        defer { recorder.stop() }
        try await withApp(loadDemo: true, environment: recorder.environment) { app async throws in
            for index in 0..<4 { try await Self.subscribe(app, email: "id.\(index)@example.org") }
            let ids = recorder.received.map(\.messageID)
            #expect(ids.count == 4)
            #expect(Set(ids).count == 4, "Message-IDs repeat: \(ids)")
        }
    }

    @Test(
        "An address with a non-ASCII local part is refused with the reason where the mail server lacks SMTPUTF8, and taken where it has it")
    func internationalAddresses() async throws {
        let plain = try SMTPRecorder.start(["--no-smtputf8"])
        defer { plain.stop() }
        try await withApp(loadDemo: true, environment: plain.environment) { app async throws in
            let response = try await Self.subscribe(app, email: "读者@example.org")
            #expect(response.status == .unprocessableEntity, "\(response.status)")
            #expect(response.body.string.contains("cannot deliver to an address"), "the page does not say why")
            #expect(!response.body.string.contains(app.localizer.text("subscribe.check_mail", .en)), "the page promises a link")
            #expect(try await Subscriber.query(on: app.db).filter(\.$email == "读者@example.org").count() == 0, "a record was kept")
            #expect(plain.received.isEmpty)
            // An ASCII address on the same server is unaffected.
            #expect(try await Self.subscribe(app, email: "ascii.reader@example.org").status == .ok)
            #expect(plain.received.count == 1)
        }
        let international = try SMTPRecorder.start()
        defer { international.stop() }
        try await withApp(loadDemo: true, environment: international.environment) { app async throws in
            #expect(try await Self.subscribe(app, email: "读者@example.org").status == .ok)
            #expect(international.received.map(\.recipient) == ["读者@example.org"])
        }
    }
}
