import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Who sees which contact points")
struct ContactVisibilityTests {
    /// In the demo, focal points' e-mails are network-visible and their phones secretariat-only.
    static let networkEmail = "nfp.mm@example.org"
    static let secretariatPhone = "+00 000 0000"

    static func pages(_ app: Application, _ headers: HTTPHeaders) async throws -> [(String, String)] {
        var result: [(String, String)] = []
        for path in ["/network", "/network/countries/MM", "/api/v1/people"] {
            let response = try await app.testing().sendRequest(.GET, path, headers: headers)
            #expect(response.status == .ok, "\(path)")
            result.append((path, response.text))
        }
        return result
    }

    @Test("Anonymous readers see no network or secretariat contact points")
    func anonymous() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let visibilities = try await ContactPoint.query(on: app.db).filter(\.$value == Self.networkEmail).all().map(\.visibility)
            #expect(visibilities == [.network], "the demo data this test relies on changed")
            for (path, body) in try await Self.pages(app, [:]) {
                #expect(!body.contains(Self.networkEmail), "\(path) shows a network contact")
                #expect(!body.contains(Self.secretariatPhone), "\(path) shows a secretariat contact")
                #expect(!body.contains("\"visibility\":\"network\"") && !body.contains("\"visibility\":\"secretariat\""), "\(path)")
            }
        }
    }

    @Test("A signed-in focal point sees network contact points but not secretariat ones")
    func focalPoint() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.focalPoint)
            for (path, body) in try await Self.pages(app, headers) {
                #expect(body.contains(Self.networkEmail), "\(path) hides a network contact from a focal point")
                #expect(!body.contains(Self.secretariatPhone), "\(path) shows a secretariat contact to a focal point")
            }
        }
    }

    @Test("An editor sees every contact point")
    func editor() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let headers = try await signIn(app, as: Demo.editor)
            for (path, body) in try await Self.pages(app, headers) {
                #expect(body.contains(Self.networkEmail), "\(path)")
                #expect(body.contains(Self.secretariatPhone), "\(path)")
            }
        }
    }

    @Test("A public contact point is shown to everyone, and an anonymous page cached earlier does not leak to a member or back")
    func publicContactAndCache() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let sanOo = try #require(try await Person.query(on: app.db).filter(\.$nameEn == "San Oo").first())
            try await ContactPoint(personID: sanOo.id!, kind: .website, value: "https://ecd.example.org", visibility: .public).save(
                on: app.db)
            let anonymous = try await app.testing().sendRequest(.GET, "/network")
            #expect(anonymous.text.contains("https://ecd.example.org"))
            let member = try await signIn(app, as: Demo.focalPoint)
            #expect(try await app.testing().sendRequest(.GET, "/network", headers: member).text.contains(Self.networkEmail))
            #expect(!(try await app.testing().sendRequest(.GET, "/network").text.contains(Self.networkEmail)))
        }
    }
}
