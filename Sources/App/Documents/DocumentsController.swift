import Fluent
import Vapor

/// The public document library and downloads, each within the reader's access.
struct DocumentsController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.publicPages()
        pages.get("documents", use: index)
        pages.get("documents", ":slug", use: show)
        routes.requiring(.anonymous).get("documents", ":slug", "files", ":fileID", use: download)
    }

    func index(req: Request) async throws -> View {
        let query = ((try? req.query.get(String.self, at: "q")) ?? "").trimmingCharacters(in: .whitespaces)
        let documents = try await Document.query(on: req.db).filter(\.$access ~~ Visibility.visible(to: req.role)).sort(\.$titleEn).all()
            .filter {
                query.isEmpty || $0.titleEn.localizedCaseInsensitiveContains(query) || $0.titleZh.localizedCaseInsensitiveContains(query)
            }
        let presenter = MeetingPresenter(request: req)
        let groups = DocumentType.allCases.compactMap { type -> DocumentListContext.Group? in
            let ofType = documents.filter { $0.type == type }
            return ofType.isEmpty
                ? nil : .init(heading: req.t("document_type_plural." + type.rawValue), documents: ofType.map(presenter.document))
        }
        let context = DocumentListContext(
            chrome: try await Chrome.make(for: req, title: req.t("documents.title")), query: query, groups: groups, total: documents.count)
        return try await req.view.render("documents/index", context)
    }

    func show(req: Request) async throws -> View {
        let document = try await Self.visibleDocument(req)
        let versions = try await Self.versions(of: document, req: req, withAuthor: req.role.isStaff)
        let links = try await DocumentLink.query(on: req.db).filter(\.$document.$id == document.savedID).all()
        let meetingIDs = links.filter { $0.target == .meeting }.map(\.targetID)
        let itemMeetingIDs = try await AgendaItem.query(on: req.db).filter(
            \.$id ~~ links.filter { $0.target == .agendaItem }.map(\.targetID)
        ).all()
            .map(\.$meeting.id)
        let meetings = try await Meeting.query(on: req.db).filter(\.$id ~~ (meetingIDs + itemMeetingIDs))
            .filter(\.$visibility ~~ Visibility.visible(to: req.role)).sort(\.$startsAt).all()
        let l = req.language
        let other = document.title(l.other)
        let context = DocumentPageContext(
            chrome: try await Chrome.make(for: req, title: document.title(l)), title: document.title(l),
            otherTitle: other == document.title(l) ? nil : other, type: req.t("document_type." + document.type.rawValue),
            lifecycle: req.t("lifecycle." + document.lifecycle.rawValue), adoptedOn: LocalizedDate.format(document.adoptedOn, l),
            access: req.t("visibility." + document.access.rawValue),
            description: Bilingual.pick(en: document.descriptionEn, zh: document.descriptionZh, l), versions: versions,
            meetings: meetings.map(MeetingPresenter(request: req).summary), canManage: req.role.isStaff,
            adminHref: "/admin/documents/\(document.savedID.uuidString)/files",
            adoptedText: try await ConsultationIndex.adoptedText(of: document, on: req.db),
            consultationHref: try await ConsultationIndex.href(of: document, for: req))
        return try await req.view.render("documents/show", context)
    }

    /// Streams a stored file with its checked type, its name and its digest as the ETag.
    func download(req: Request) async throws -> Response {
        let document = try await Self.visibleDocument(req)
        guard let fileID = req.parameters.get("fileID", as: UUID.self),
            let file = try await DocumentFile.query(on: req.db).filter(\.$id == fileID).with(\.$version).first(),
            file.version.$document.id == document.id
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let etag = "\"" + file.sha256 + "\""
        if req.headers.first(name: .ifNoneMatch) == etag { return Response(status: .notModified, headers: ["ETag": etag]) }
        let response = try await req.application.fileStorage.response(for: file.storageKey, request: req)
        response.headers.replaceOrAdd(name: .contentType, value: file.contentType)
        response.headers.replaceOrAdd(name: .eTag, value: etag)
        response.headers.replaceOrAdd(name: .contentDisposition, value: Self.disposition(file.filename))
        response.headers.replaceOrAdd(name: .cacheControl, value: document.access == .public ? "public, max-age=3600" : "private, no-store")
        return response
    }

    /// `attachment` with an ASCII fallback and the UTF-8 name (RFC 6266 / RFC 5987).
    static func disposition(_ filename: String) -> String {
        let ascii = String(filename.map { $0.isASCII && !"\"\\;".contains($0) ? $0 : "_" })
        let encoded =
            filename.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: ".-_"))) ?? ascii
        return "attachment; filename=\"\(ascii)\"; filename*=UTF-8''\(encoded)"
    }

    static func visibleDocument(_ req: Request) async throws -> Document {
        guard let document = try await Document.query(on: req.db).filter(\.$slug == (req.parameters.get("slug") ?? "")).first(),
            Visibility.visible(to: req.role).contains(document.access)
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        return document
    }

    static func textStatus(_ file: DocumentFile, _ req: Request) -> String {
        switch file.textStatus {
        case "read": req.t("documents.text_read", ["count": String((file.extractedText ?? "").count)])
        case "failed": req.t("documents.text_failed", ["reason": req.t("documents.text_error." + (file.textError ?? "damaged"))])
        case "none": req.t("documents.text_none")
        default: req.t("documents.text_pending")
        }
    }

    static func versions(of document: Document, req: Request, withAuthor: Bool) async throws -> [VersionEntry] {
        let versions = try await DocumentVersion.query(on: req.db).filter(\.$document.$id == document.savedID).with(\.$files)
            .sort(\.$number, .descending).all()
        return versions.map { version in
            VersionEntry(
                number: version.number, date: version.createdAt.map { LocalizedDate.format($0, req.language) } ?? "",
                changeNote: version.changeNote, createdBy: withAuthor ? version.createdBy : nil,
                files: version.files.sorted { $0.language.rawValue < $1.language.rawValue }.map { file in
                    FileEntry(
                        language: req.t("language." + file.language.rawValue), filename: file.filename, contentType: file.contentType,
                        size: ByteSize.format(file.size), sha256: file.sha256,
                        href: "/documents/\(document.slug)/files/\(file.savedID.uuidString)",
                        textStatus: withAuthor ? Self.textStatus(file, req) : nil)
                })
        }
    }
}
