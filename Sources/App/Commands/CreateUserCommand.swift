import Fluent
import Foundation
import Vapor

/// `focal create-user --email E --name N --role R`, the password read from standard input so it
/// never appears in the process list or shell history.
struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "Sign-in address") var email: String?
        @Option(name: "name", help: "Display name") var name: String?
        @Option(name: "role", help: "admin, editor or focal_point") var role: String?
        @Option(name: "person", help: "For focal points: the id of their person record") var person: String?
    }

    var help: String { "Creates an account; reads its password from standard input." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        var problems: [String] = []
        let email = User.normalise(signature.email ?? "")
        if !FormValidator.isEmail(email) { problems.append("--email: a valid address is required") }
        let name = (signature.name ?? "").trimmingCharacters(in: .whitespaces)
        if name.isEmpty || name.count > 120 { problems.append("--name: required, at most 120 characters") }
        let role = signature.role.flatMap(Role.init(rawValue:))
        if role == nil || role == .anonymous { problems.append("--role: one of admin, editor, focal_point") }
        let personID = signature.person.flatMap(UUID.init(uuidString:))
        if signature.person != nil, personID == nil { problems.append("--person: not a valid id") }
        if role == .focalPoint, personID == nil { problems.append("--person: a focal point account needs the id of its person record") }
        guard problems.isEmpty, let role else { throw CommandProblem(problems) }

        try await app.autoMigrate()
        if try await User.query(on: app.db).filter(\.$email == email).first() != nil {
            throw CommandProblem(["--email: \(email) already has an account"])
        }
        if let personID, try await Person.find(personID, on: app.db) == nil {
            throw CommandProblem(["--person: no person with id \(personID)"])
        }

        // At a terminal the password is typed without echo; piped in, it is read as a line.
        let password: String
        if isatty(STDIN_FILENO) == 1 {
            password = context.console.ask("Password (at least 10 characters):", isSecure: true)
        } else {
            password = readLine(strippingNewline: true) ?? ""
        }
        guard password.count >= 10 else { throw CommandProblem(["password: at least 10 characters are required on standard input"]) }

        let user = User(email: email, name: name, role: role, passwordHash: try app.password.hash(password), personID: personID)
        try await app.db.transaction { db in
            try await user.save(on: db)
            try await AuditEntry(
                actor: nil, actorLabel: "create-user command", action: "create", entityType: "user", entityID: user.savedID.uuidString,
                summary: email, before: [:], after: UserResource.values(of: user)
            ).save(on: db)
        }
        context.console.output("Created \(role.rawValue) \(email).", newLine: true)
    }
}

/// A command-line failure that names each argument at fault.
struct CommandProblem: Error, CustomStringConvertible {
    let problems: [String]
    init(_ problems: [String]) { self.problems = problems }
    var description: String { problems.joined(separator: "\n") }
}
