import Fluent
import Vapor

/// Loads the demo network: everything the seed newsletter (Issue 7, 2021) says about the network,
/// exactly, plus clearly marked illustrative focal points so the registry's features can be tried.
enum DemoLoader {
    struct Login {
        let email: String
        let password: String
        let role: Role
    }

    static let logins = [
        Login(email: "admin@demo.focal.example", password: "focal-demo-admin", role: .admin),
        Login(email: "editor@demo.focal.example", password: "focal-demo-editor", role: .editor),
        Login(email: "focalpoint.mm@demo.focal.example", password: "focal-demo-focalpoint", role: .focalPoint),
    ]

    /// Returns true when it loaded the demo, false when the database already had a network.
    @discardableResult
    static func loadIfEmpty(on db: any Database, hasher: any PasswordHasher) async throws -> Bool {
        guard try await Country.query(on: db).count() == 0 else { return false }
        try await db.transaction { db in try await load(on: db, hasher: hasher) }
        return true
    }

    static func load(on db: any Database, hasher: any PasswordHasher) async throws {
        let recorder = DemoRecorder(db: db)
        try await recorder.save(SeedNetwork.centreProfile(), entity: "centre", summary: "China-ASEAN Environmental Cooperation Center")

        var countries: [String: Country] = [:]
        for country in SeedNetwork.countries() {
            try await recorder.save(country, entity: "country", summary: country.nameEn)
            countries[country.code] = country
        }
        // Illustrative records first, so the seed's own people are the newest changes on the home page.
        let illustrative = try await IllustrativeFocalPoints.load(countries: countries, recorder: recorder)
        let organisations = try await SeedNetwork.organisations(countries: countries, recorder: recorder)
        let people = try await SeedNetwork.people(organisations: organisations, recorder: recorder)
        try await SeedMeeting.load(
            countries: countries, organisations: organisations, people: Dictionary(uniqueKeysWithValues: people.map { ($0.nameEn, $0) }),
            recorder: recorder)
        try await SeedNewsletter.load(recorder: recorder)
        try await SeedActionPlan.load(countries: countries, organisations: organisations, recorder: recorder)
        try await SeedMail.load(recorder: recorder)
        let meeting = try await Meeting.query(on: db).filter(\.$slug == SeedMeeting.slug).first()
        try await SeedConsultation.load(countries: countries, meetingID: meeting?.id, recorder: recorder)

        for login in logins {
            let personID: UUID? = login.role == .focalPoint ? illustrative["MM"]?.id : nil
            let name = login.role == .focalPoint ? "Illustrative focal point, Myanmar" : "Demo " + login.role.rawValue
            let user = User(
                email: login.email, name: name, role: login.role, passwordHash: try hasher.hash(login.password), personID: personID)
            try await recorder.save(user, entity: "user", summary: user.email)
        }
    }

    static func banner(baseURL: URL, freshlyLoaded: Bool) -> String {
        var lines = [
            "",
            "Focal demo " + (freshlyLoaded ? "loaded from the seed newsletter (Issue 7, 2021)" : "database already loaded") + ".",
            "Open \(baseURL.absoluteString) and sign in at \(baseURL.absoluteString.trimmingSuffix("/"))/login with:",
        ]
        for login in logins {
            lines.append(
                "  \(login.role.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)) \(login.email)  password: \(login.password)")
        }
        lines.append("")
        return lines.joined(separator: "\n")
    }
}

/// Saves demo records and writes an audit entry for each, as if entered by the demo loader.
struct DemoRecorder {
    let db: any Database

    func save<M: Model>(_ model: M, entity: String, summary: String, values: [String: String] = [:]) async throws where M.IDValue == UUID {
        try await model.save(on: db)
        try await AuditEntry(
            actor: nil, actorLabel: "demo loader", action: "create", entityType: entity, entityID: model.savedID.uuidString,
            summary: summary,
            before: [:], after: values
        ).save(on: db)
    }
}
