import Crypto
import Fluent
import Vapor

/// New versions of a document: one file per language, each checked by its bytes, stored, then
/// recorded with its size and SHA-256 in one transaction.
struct DocumentUploadController: RouteCollection {
    struct UploadForm: Content {
        var change_note: String?
        var file_en: File?
        var file_zh: File?
    }

    func boot(routes: any RoutesBuilder) throws {
        let staff = routes.requiring(.editor).grouped("admin", "documents", ":id")
        staff.get("files", use: files)
        // Bodies are collected up to twice the file limit, so an oversized file still reaches the
        // handler and is refused with a message on its field; anything larger gets 413.
        staff.on(.POST, "versions", body: .collect(maxSize: ByteCount(value: bodyLimit)), use: upload).maximumBody = bodyLimit
    }

    let bodyLimit: Int

    func files(req: Request) async throws -> View {
        try await render(req, document: try await document(req), errors: [:], changeNote: "")
    }

    func upload(req: Request) async throws -> Response {
        let document = try await document(req)
        let form = try req.content.decode(UploadForm.self)
        let limit = try req.application.focalConfig.uploadMaxBytes
        var errors: [String: String] = [:]
        let changeNote = (form.change_note ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if changeNote.isEmpty {
            errors["change_note"] = req.t("validation.required")
        } else if changeNote.count > 500 {
            errors["change_note"] = req.t("validation.too_long").replacingOccurrences(of: "{max}", with: "500")
        }
        var accepted: [(Language, String, ContentSniffer.Kind, ByteBuffer)] = []
        for (language, file) in [(Language.en, form.file_en), (.zh, form.file_zh)] {
            guard let file, !file.filename.isEmpty || file.data.readableBytes > 0 else { continue }
            let field = "file_" + language.rawValue
            switch Self.check(file, limit: limit) {
            case .success(let kind): accepted.append((language, file.filename, kind, file.data))
            case .failure(let problem): errors[field] = req.t(problem.key, problem.arguments)
            }
        }
        if accepted.isEmpty, errors["file_en"] == nil, errors["file_zh"] == nil { errors["file_en"] = req.t("upload.no_file") }
        guard errors.isEmpty else {
            return try await render(req, document: document, errors: errors, changeNote: changeNote).encodeResponse(
                status: .unprocessableEntity, for: req)
        }

        let storage = try req.application.fileStorage
        var stored: [String] = []
        do {
            var files: [DocumentFile] = []
            for (language, filename, kind, bytes) in accepted {
                let key = try await storage.put(bytes)
                stored.append(key)
                let file = DocumentFile()
                file.language = language
                file.filename = filename
                file.contentType = kind.contentType
                file.size = bytes.readableBytes
                file.sha256 = SHA256.hash(data: Data(bytes.readableBytesView)).map { String(format: "%02x", $0) }.joined()
                file.storageKey = key
                files.append(file)
            }
            let prepared = files
            try await req.db.transaction { db in
                let number = (try await DocumentVersion.query(on: db).filter(\.$document.$id == document.savedID).max(\.$number) ?? 0) + 1
                let version = DocumentVersion()
                version.$document.id = document.savedID
                version.number = number
                version.changeNote = changeNote
                version.createdBy = req.currentUser?.email ?? ""
                try await version.save(on: db)
                for file in prepared {
                    file.$version.id = version.savedID
                    try await file.save(on: db)
                }
                try await AuditEntry(
                    actor: req.currentUser, action: "create", entityType: "document_version", entityID: version.savedID.uuidString,
                    summary: "\(document.titleEn) v\(number)", before: [:],
                    after: Dictionary(
                        uniqueKeysWithValues: prepared.map { ("file_" + $0.language.rawValue, "\($0.filename) \($0.sha256)") })
                ).save(on: db)
            }
            DocumentTextReading.start(prepared.compactMap(\.id), app: req.application)
        } catch {
            // Refused (the disk or the database): remove what was stored, so no file is left
            // without a record.
            for key in stored { try? await storage.delete(key) }
            if error is FileStorageFull {
                let errors = ["file_en": req.t("upload.storage_full")]
                return try await render(req, document: document, errors: errors, changeNote: changeNote).encodeResponse(
                    status: .insufficientStorage, for: req)
            }
            throw error
        }
        return req.redirect(to: "/admin/documents/\(document.savedID.uuidString)/files")
    }

    struct Problem: Error {
        let key: String
        var arguments: [String: String] = [:]
    }

    /// A file is accepted when its name is a plain name, its size within the limit and its bytes
    /// one of the accepted formats matching the name's extension.
    static func check(_ file: File, limit: Int) -> Result<ContentSniffer.Kind, Problem> {
        let name = file.filename
        if name.isEmpty || name.contains("/") || name.contains("\\") || name.contains("..") || name.hasPrefix(".")
            || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) || name.count > 200
        {
            return .failure(Problem(key: "upload.bad_name"))
        }
        if file.data.readableBytes == 0 { return .failure(Problem(key: "upload.empty")) }
        if file.data.readableBytes > limit {
            return .failure(Problem(key: "upload.too_large", arguments: ["max": ByteSize.format(limit)]))
        }
        guard let kind = ContentSniffer.sniff(file.data) else { return .failure(Problem(key: "upload.unknown_type")) }
        let ext = (name as NSString).pathExtension.lowercased()
        guard kind.extensions.contains(ext) else {
            return .failure(
                Problem(key: "upload.type_mismatch", arguments: ["type": kind.extensions[0].uppercased(), "ext": ext.isEmpty ? "—" : ext]))
        }
        return .success(kind)
    }

    private func document(_ req: Request) async throws -> Document {
        guard let id = req.parameters.get("id", as: UUID.self), let document = try await Document.find(id, on: req.db) else {
            throw Abort(.notFound, reason: req.t("error.not_found"))
        }
        return document
    }

    private func render(_ req: Request, document: Document, errors: [String: String], changeNote: String) async throws -> View {
        let id = document.savedID.uuidString
        let context = DocumentFilesContext(
            chrome: try await Chrome.make(for: req, title: document.title(req.language)), csrf: req.csrfToken(),
            title: document.title(req.language), editHref: "/admin/documents/\(id)/edit", publicHref: "/documents/" + document.slug,
            linkHref: "/admin/document-links/new?document_id=\(id)", action: "/admin/documents/\(id)/versions",
            versions: try await DocumentsController.versions(of: document, req: req, withAuthor: true),
            maxSize: ByteSize.format(try req.application.focalConfig.uploadMaxBytes), errors: errors, changeNote: changeNote)
        return try await req.view.render("documents/files", context)
    }
}
