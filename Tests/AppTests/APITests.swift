import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("JSON API")
struct APITests {
    static func json(_ response: TestingHTTPResponse) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView), options: [.fragmentsAllowed])
    }

    @Test("The registry endpoints answer JSON", arguments: ["/api/v1/countries", "/api/v1/organisations", "/api/v1/people"])
    func answersJSON(path: String) async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, path)
            #expect(response.status == .ok)
            #expect(response.headers.contentType?.description.hasPrefix("application/json") == true)
            let items = try #require(try Self.json(response) as? [[String: Any]])
            #expect(!items.isEmpty)
        }
    }

    @Test("/api/v1/countries lists the eleven countries with their focal points")
    func countries() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let items = try #require(try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/countries")) as? [[String: Any]])
            #expect(items.count == 11)
            let myanmar = try #require(items.first { $0["code"] as? String == "MM" })
            #expect((myanmar["name"] as? [String: String]) == ["en": "Myanmar", "zh": "缅甸"])
            #expect(myanmar["membershipSince"] as? String == "1997-07-23")
            let focalPoints = try #require(myanmar["focalPoints"] as? [[String: Any]])
            #expect(focalPoints.count == 1)
            #expect(focalPoints.first?["illustrative"] as? Bool == true)
            #expect(items.first { $0["code"] as? String == "CN" }?["membershipSince"] == nil)
        }
    }

    @Test("?country= limits organisations to that country")
    func organisationsOfCountry() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let response = try await app.testing().sendRequest(.GET, "/api/v1/organisations?country=mm")
            #expect(response.status == .ok)
            let items = try #require(try Self.json(response) as? [[String: Any]])
            #expect(items.compactMap { ($0["name"] as? [String: String])?["en"] } == ["Environmental Conservation Department"])
            #expect(items.allSatisfy { $0["countryCode"] as? String == "MM" })
            let china = try #require(
                try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/organisations?country=CN")) as? [[String: Any]])
            #expect(china.count == 4)
        }
    }

    @Test(
        "?country= that cannot be read or lacks two letters is a 422 naming it; a well-formed unknown code gives none; empty is no filter")
    func countryFilter() async throws {
        try await withApp(loadDemo: true) { app async throws in
            for query in ["%ff%fe", "ABC", "1", "%00"] {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/organisations?country=" + query)
                #expect(response.status == .unprocessableEntity, "?country=\(query) answered \(response.status)")
                let problem = try #require(try Self.json(response) as? [String: Any])
                #expect(problem["status"] as? Int == 422)
                let fields = try #require(problem["fields"] as? [[String: String]])
                #expect(fields.map { $0["field"] } == ["country"])
            }
            let unknown = try #require(
                try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/organisations?country=AA")) as? [Any])
            #expect(unknown.isEmpty)
            let all = try #require(try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/organisations")) as? [Any])
            let empty = try #require(try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/organisations?country=")) as? [Any])
            #expect(empty.count == all.count && !all.isEmpty)
        }
    }

    @Test("/api/v1/people gives current positions with their organisation ids")
    func people() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let people = try #require(try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/people")) as? [[String: Any]])
            let organisations = try #require(
                try Self.json(try await app.testing().sendRequest(.GET, "/api/v1/organisations")) as? [[String: Any]])
            let zhou = try #require(people.first { ($0["name"] as? [String: String])?["en"] == "Zhou Jun" })
            #expect(zhou["illustrative"] as? Bool == false)
            let position = try #require((zhou["positions"] as? [[String: Any]])?.first)
            #expect((position["title"] as? [String: String])?["en"] == "Director")
            let org = organisations.first { $0["id"] as? String == position["organisationId"] as? String }
            #expect((org?["name"] as? [String: String])?["en"] == "Department of International Cooperation")
        }
    }

    @Test("/api/v1/people lists to the public only the people the public network shows; staff see every person")
    func peopleWithoutConsentAreNotListed() async throws {
        try await withApp(loadDemo: true) { app async throws in
            func names(_ headers: HTTPHeaders) async throws -> [String] {
                let response = try await app.testing().sendRequest(.GET, "/api/v1/people", headers: headers)
                let items = try #require(try Self.json(response) as? [[String: Any]])
                return items.compactMap { ($0["name"] as? [String: String])?["en"] }
            }
            let delegates = try await Person.query(on: app.db).all().map(\.nameEn).filter { $0.hasPrefix("Illustrative delegate") }
            #expect(delegates.count >= 20, "the demo's delegates are people of the registry")
            let network = visibleText(try await app.testing().sendRequest(.GET, "/network").text)
            for (role, headers) in [("anonymous", HTTPHeaders()), ("focal point", try await signIn(app, as: Demo.focalPoint))] {
                let listed = try await names(headers)
                #expect(listed.contains("Zhou Jun"), "\(role) does not see Zhou Jun")
                let leaked = listed.filter { $0.hasPrefix("Illustrative delegate") }
                #expect(leaked.isEmpty, "\(role) sees \(leaked.count) delegates who did not consent, e.g. \(leaked.prefix(2))")
                for name in listed { #expect(network.contains(name), "\(role) gets \(name), whom /network does not show") }
            }
            let staff = try await names(try await signIn(app, as: Demo.editor))
            #expect(Set(delegates).isSubset(of: Set(staff)), "staff see every person of the registry")
        }
    }
}
