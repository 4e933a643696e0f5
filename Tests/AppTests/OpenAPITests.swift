import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("OpenAPI document")
struct OpenAPITests {
    static func document(_ app: Application) async throws -> [String: Any] {
        let response = try await app.testing().sendRequest(.GET, "/api/v1/openapi.json")
        #expect(response.status == .ok)
        return try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
    }

    static func operations(_ document: [String: Any]) -> [(path: String, operation: [String: Any])] {
        ((document["paths"] as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.compactMap { path, item in
            ((item as? [String: Any])?["get"] as? [String: Any]).map { (path, $0) }
        }
    }

    static func schema(_ operation: [String: Any], status: String) -> [String: Any]? {
        (((((operation["responses"] as? [String: Any])?[status] as? [String: Any])?["content"] as? [String: Any])?["application/json"]
            as? [String: Any])?["schema"] as? [String: Any])
    }

    /// A documented path with its parameters filled from the demo: the seed's meeting, Issue 7, 2021, its article,
    /// the action plan's area CC and activity CC-1 (a report's id is filled in by the test from the database).
    static func concrete(_ path: String) -> String {
        if path.hasPrefix("/action-plan/areas/") { return path.replacingOccurrences(of: "{code}", with: "CC") }
        if path.hasPrefix("/action-plan/") { return path.replacingOccurrences(of: "{code}", with: "CC-1") }
        // The one operation with a required query parameter: a query that finds the seed's meeting.
        if path == "/search" { return "/search?q=biodiversity" }
        if path.hasPrefix("/articles/") { return path.replacingOccurrences(of: "{slug}", with: SeedNewsletter.articleSlug) }
        return path.replacingOccurrences(of: "{slug}", with: SeedMeeting.slug).replacingOccurrences(of: "{year}", with: "2021")
            .replacingOccurrences(of: "{number}", with: "7").replacingOccurrences(of: "{newsletter}", with: "newsletter")
    }

    /// How many links the document has and what is wrong with them: each must lead to a documented
    /// operation, give every path parameter of it and only parameters it takes, each from a pointer
    /// into the response body or from this request's path.
    static func linkProblems(_ document: [String: Any]) -> (links: Int, problems: [String]) {
        let all = operations(document).map(\.operation)
        var byID: [String: [String: Any]] = [:]
        var problems: [String] = []
        for operation in all {
            guard let id = operation["operationId"] as? String, byID[id] == nil else {
                problems.append("an operation without an operationId of its own: \(operation["summary"] ?? "")")
                continue
            }
            byID[id] = operation
        }
        var count = 0
        for operation in all {
            let ok = (operation["responses"] as? [String: Any])?["200"] as? [String: Any]
            for (name, value) in ((ok?["links"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
                count += 1
                let from = "\(operation["operationId"] ?? "?") link \(name)"
                let link = (value as? [String: Any]) ?? [:]
                guard let target = byID[(link["operationId"] as? String) ?? ""] else {
                    problems.append("\(from) leads to no documented operation")
                    continue
                }
                let parameters = (target["parameters"] as? [[String: Any]]) ?? []
                let taken = Set(parameters.compactMap { $0["name"] as? String })
                let inPath = Set(parameters.filter { $0["in"] as? String == "path" }.compactMap { $0["name"] as? String })
                let given = (link["parameters"] as? [String: String]) ?? [:]
                if given.isEmpty { problems.append("\(from) gives no parameter") }
                if !Set(given.keys).isSubset(of: taken) {
                    problems.append("\(from) gives \(given.keys.sorted()), its operation takes \(taken.sorted())")
                }
                if !inPath.isSubset(of: Set(given.keys)) {
                    problems.append("\(from) leaves out \(inPath.subtracting(given.keys).sorted())")
                }
                for (parameter, expression) in given.sorted(by: { $0.key < $1.key })
                where !expression.hasPrefix("$response.body#/") && !expression.hasPrefix("$request.path.") {
                    problems.append("\(from): \(parameter) = \(expression) is not a runtime expression of the response body or the path")
                }
            }
        }
        return (count, problems)
    }

    @Test("Every link leads to a documented operation with the parameters it takes, so the stateful fuzzer can follow it")
    func linksLeadToOperations() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let document = try await Self.document(app)
            let (links, problems) = Self.linkProblems(document)
            #expect(links >= 10)
            #expect(problems == [])
        }
    }

    @Test("The document is OpenAPI 3.1 and serves the API under /api/v1")
    func isOpenAPI31() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let document = try await Self.document(app)
            #expect((document["openapi"] as? String)?.hasPrefix("3.1") == true)
            let server = ((document["servers"] as? [[String: Any]])?.first?["url"] as? String) ?? ""
            #expect(server.hasSuffix("/api/v1"))
            #expect(
                Self.operations(document).map(\.path) == [
                    "/action-plan", "/action-plan/activities/{code}", "/action-plan/areas/{code}", "/action-plan/dashboards",
                    "/action-plan/export", "/action-plan/indicators", "/action-plan/reports", "/action-plan/reports/{id}",
                    "/articles/{slug}", "/consultations", "/consultations/{id}", "/countries", "/meetings",
                    "/meetings/{slug}",
                    "/newsletters", "/newsletters/{newsletter}/{year}/{number}", "/newsletters/{year}/{number}",
                    "/organisations", "/people", "/search",
                ])
        }
    }

    @Test("Every documented path answers, for anonymous callers and for staff, exactly the documented 200 schema")
    func responsesMatchSchemas() async throws {
        try await withApp(loadDemo: true) { app async throws in
            // Give the demo the optional values too, so nullable fields are exercised both ways.
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            sanOo.preferredLanguage = .en
            try await sanOo.save(on: app.db)
            let position = try #require(try await Position.query(on: app.db).filter(\.$person.$id == sanOo.id!).first())
            position.startDate = "2021-07-01"
            try await position.save(on: app.db)
            try await ContactPoint(personID: sanOo.id!, kind: .website, value: "https://ecd.example.org", visibility: .public).save(
                on: app.db)

            let validatedReport = try #require(
                try await ProgressReport.query(on: app.db).filter(\.$status == .validated).first(), "the demo has a validated report")

            let document = try await Self.document(app)
            let validator = JSONSchemaValidator(document: document)
            let editor = try await signIn(app, as: Demo.editor)
            let focalPoint = try await signIn(app, as: Demo.focalPoint)
            let round = try await Consult.round(app, 1)
            let operations = Self.operations(document)
            #expect(operations.count == 20)
            for (path, operation) in operations {
                let schema = try #require(Self.schema(operation, status: "200"), "\(path) documents no 200 JSON schema")
                // Path parameters take real values: the demo meeting, the seed's issue and its article.
                let isConsultation = path.hasPrefix("/consultations")
                let id = isConsultation ? round.savedID.uuidString : validatedReport.id!.uuidString
                let concrete = Self.concrete(path).replacingOccurrences(of: "{id}", with: id)
                #expect(!concrete.contains("{"), "\(path) has a path parameter the test cannot fill")
                // Consultations are the network's: anonymous callers get none (tested in ConsultationTests).
                let callers =
                    isConsultation
                    ? [("focal point", focalPoint), ("editor", editor)] : [("anonymous", HTTPHeaders()), ("editor", editor)]
                for (who, headers) in callers {
                    let response = try await app.testing().sendRequest(.GET, "/api/v1" + concrete, headers: headers)
                    #expect(response.status == .ok, "\(concrete) as \(who)")
                    let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
                    let hasContent = (body as? [Any]).map { !$0.isEmpty } ?? (body as? [String: Any]).map { !$0.isEmpty } ?? false
                    #expect(hasContent, "\(concrete) as \(who) returned nothing to check")
                    let errors = validator.validate(body, against: schema)
                    #expect(errors == [], "\(concrete) as \(who) differs from its schema")
                }
            }
        }
    }

    @Test("Without a strategy the action plan answers its documented schema, with no strategy and no areas")
    func actionPlanWithoutStrategy() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let document = try await Self.document(app)
            let validator = JSONSchemaValidator(document: document)
            let operation = try #require(Self.operations(document).first { $0.path == "/action-plan" }?.operation)
            let schema = try #require(Self.schema(operation, status: "200"))
            let response = try await app.testing().sendRequest(.GET, "/api/v1/action-plan")
            #expect(response.status == .ok)
            let body = try #require(try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: Any])
            #expect(body["strategy"] == nil || body["strategy"] is NSNull)
            #expect((body["priorityAreas"] as? [Any])?.isEmpty == true)
            #expect(validator.validate(body, against: schema) == [])
            let missing = try await app.testing().sendRequest(.GET, "/api/v1/action-plan/activities/CC-1")
            #expect(missing.status == .notFound)
        }
    }

    @Test("Every documented query parameter example and every error response the API gives is documented")
    func errorStatusDocumented() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let document = try await Self.document(app)
            let validator = JSONSchemaValidator(document: document)
            let organisations = try #require(Self.operations(document).first { $0.path == "/organisations" }?.operation)
            let response = try await app.testing().sendRequest(.GET, "/api/v1/organisations?country=%ff%fe")
            #expect(response.status.code >= 400)
            let status = String(response.status.code)
            let schema = Self.schema(organisations, status: status)
            #expect(
                schema != nil,
                "GET /organisations?country=%ff%fe answers \(status), which the document does not list (it lists \(((organisations["responses"] as? [String: Any]) ?? [:]).keys.sorted()))"
            )
            if let schema {
                let body = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
                #expect(validator.validate(body, against: schema) == [])
            }
            // A record that does not exist, or a malformed path parameter: a documented status with a Problem body.
            for (path, url) in [
                ("/meetings/{slug}", "/api/v1/meetings/no-such-meeting"), ("/meetings/{slug}", "/api/v1/meetings/BAD_SLUG"),
                ("/articles/{slug}", "/api/v1/articles/no-such-article"), ("/newsletters/{year}/{number}", "/api/v1/newsletters/1999/99"),
                ("/newsletters/{year}/{number}", "/api/v1/newsletters/abc/7"),
                ("/action-plan/activities/{code}", "/api/v1/action-plan/activities/NO-SUCH"),
                ("/action-plan/areas/{code}", "/api/v1/action-plan/areas/NO-SUCH"),
                ("/action-plan/reports/{id}", "/api/v1/action-plan/reports/\(UUID().uuidString)"),
                ("/action-plan/reports/{id}", "/api/v1/action-plan/reports/not-a-uuid"),
                ("/action-plan/indicators", "/api/v1/action-plan/indicators?activity=NO%20SUCH"),
                ("/action-plan/indicators", "/api/v1/action-plan/indicators?area=%ff"),
            ] {
                let operation = try #require(Self.operations(document).first { $0.path == path }?.operation, "\(path) is not documented")
                let answer = try await app.testing().sendRequest(.GET, url)
                let documented = Self.schema(operation, status: String(answer.status.code))
                #expect(answer.status.code >= 400 && documented != nil, "GET \(url) answers \(answer.status), which \(path) does not list")
                if let documented {
                    let body = try JSONSerialization.jsonObject(with: Data(answer.body.readableBytesView))
                    #expect(validator.validate(body, against: documented) == [], "GET \(url)")
                }
            }
        }
    }

    @Test("The schema validator refuses documents that do not match")
    func validatorIsStrict() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let document = try await Self.document(app)
            let validator = JSONSchemaValidator(document: document)
            let country = ["$ref": "#/components/schemas/Country"]
            let valid: [String: Any] = [
                "code": "MM", "name": ["en": "Myanmar", "zh": "缅甸"], "group": "asean_member_state", "membershipSince": "1997-07-23",
                "focalPoints": [
                    [
                        "personId": UUID().uuidString, "roleType": "national", "rank": "primary", "status": "active", "illustrative": true,
                    ]
                ],
            ]
            // documents go through JSON text, as real responses do
            func roundTrip(_ value: Any) -> Any {
                (try? JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: value), options: [.fragmentsAllowed]))
                    ?? value
            }
            #expect(validator.validate(roundTrip(valid), against: country) == [])
            func mutated(_ change: (inout [String: Any]) -> Void) -> [String: Any] {
                var copy = valid
                change(&copy)
                return copy
            }
            let wrong: [(String, Any)] = [
                ("unexpected property", mutated { $0["extra"] = 1 }),
                ("missing required", mutated { $0["code"] = nil }),
                ("wrong type", mutated { $0["code"] = 42 }),
                ("pattern", mutated { $0["code"] = "mm" }),
                ("enum", mutated { $0["group"] = "empire" }),
                ("date format", mutated { $0["membershipSince"] = "1997-02-30" }),
                ("nested unexpected property", mutated { $0["name"] = ["en": "Myanmar", "zh": "缅甸", "fr": "Birmanie"] }),
                (
                    "uuid format in array item",
                    mutated {
                        $0["focalPoints"] = [
                            ["personId": "nobody", "roleType": "national", "rank": "primary", "status": "active", "illustrative": true]
                        ]
                    }
                ),
                (
                    "boolean expected",
                    mutated {
                        $0["focalPoints"] = [
                            [
                                "personId": UUID().uuidString, "roleType": "national", "rank": "primary", "status": "active",
                                "illustrative": 1,
                            ]
                        ]
                    }
                ),
                ("array expected", [valid]),
            ]
            for (what, value) in wrong {
                #expect(!validator.validate(roundTrip(value), against: country).isEmpty, "the validator accepted a document with: \(what)")
            }
            #expect(!validator.validate(valid, against: ["$ref": "#/components/schemas/Nope"]).isEmpty)
            #expect(
                !validator.validate(valid, against: ["type": "object", "anyOf": []]).isEmpty, "unknown keywords must not pass silently")
            // oneOf: exactly one alternative must match, as ActionPlan.strategy (a Strategy or null) uses it
            let strategyOrNull: [String: Any] = ["oneOf": [["$ref": "#/components/schemas/Strategy"], ["type": "null"]]]
            let strategy: [String: Any] = [
                "slug": "s", "title": ["en": "Plan", "zh": ""], "firstYear": 2021, "lastYear": 2025, "adoptedOn": NSNull(), "version": "",
                "documentSlug": NSNull(),
            ]
            #expect(validator.validate(roundTrip(strategy), against: strategyOrNull) == [])
            #expect(validator.validate(NSNull(), against: strategyOrNull) == [])
            #expect(!validator.validate("a strategy", against: strategyOrNull).isEmpty, "a value matching no alternative passed")
            #expect(
                !validator.validate(roundTrip(strategy.merging(["extra": 1]) { $1 }), against: strategyOrNull).isEmpty,
                "an object matching neither alternative passed")
            #expect(
                !validator.validate("x", against: ["oneOf": [["type": "string"], ["type": "string", "pattern": "^x$"]]]).isEmpty,
                "a value matching two alternatives passed")
            #expect(!validator.validate("x", against: ["oneOf": [] as [Any]]).isEmpty, "an empty oneOf passed")
            // date-time and uri formats, as the meeting schemas use them
            #expect(validator.validate("2021-07-22T16:00:00Z", against: ["type": "string", "format": "date-time"]) == [])
            #expect(validator.validate("2021-07-22T16:00:00+08:00", against: ["type": "string", "format": "date-time"]) == [])
            for bad in ["2021-07-22", "2021-07-22 16:00:00Z", "2021-02-30T16:00:00Z", "2021-07-22T25:00:00Z", "yesterday"] {
                #expect(
                    !validator.validate(bad, against: ["type": "string", "format": "date-time"]).isEmpty,
                    "the validator accepted \(bad) as date-time")
            }
            #expect(validator.validate("http://127.0.0.1:8080/meetings/x", against: ["type": "string", "format": "uri"]) == [])
            for bad in ["/meetings/x", "not a uri", ""] {
                #expect(
                    !validator.validate(bad, against: ["type": "string", "format": "uri"]).isEmpty, "the validator accepted \(bad) as uri")
            }
            #expect(
                !validator.validate("x", against: ["type": "string", "format": "email"]).isEmpty, "unknown formats must not pass silently")
            // null is accepted only where the type lists it
            #expect(validator.validate(NSNull(), against: ["type": ["string", "null"]]) == [])
            #expect(!validator.validate(NSNull(), against: ["type": "string"]).isEmpty)
        }
    }
}
