import Fluent
import Foundation

final class Document: Model, @unchecked Sendable {
    static let schema = "documents"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "slug") var slug: String
    @Field(key: "title_en") var titleEn: String
    @Field(key: "title_zh") var titleZh: String
    @Field(key: "type") var type: DocumentType
    @Field(key: "lifecycle") var lifecycle: DocumentLifecycle
    @OptionalField(key: "adopted_on") var adoptedOn: String?
    @Field(key: "access") var access: Visibility
    @Field(key: "description_en") var descriptionEn: String
    @Field(key: "description_zh") var descriptionZh: String

    // relationships
    @Children(for: \.$document) var versions: [DocumentVersion]

    init() {}

    func title(_ language: Language) -> String { Bilingual.pick(en: titleEn, zh: titleZh, language) }
}

final class DocumentVersion: Model, @unchecked Sendable {
    static let schema = "document_versions"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "number") var number: Int
    @Field(key: "change_note") var changeNote: String
    @Field(key: "created_by") var createdBy: String

    // relationships
    @Parent(key: "document_id") var document: Document
    @Children(for: \.$version) var files: [DocumentFile]

    init() {}
}

/// One file of a version, in one language, with what its bytes were checked to be.
final class DocumentFile: Model, @unchecked Sendable {
    static let schema = "document_files"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    // data fields
    @Field(key: "language") var language: Language
    @Field(key: "filename") var filename: String
    @Field(key: "content_type") var contentType: String
    @Field(key: "size") var size: Int
    @Field(key: "sha256") var sha256: String
    @Field(key: "storage_key") var storageKey: String
    /// The text read from the file for search: `read`, `failed` (with `textError`), or nil while
    /// it is being read.
    @OptionalField(key: "text_status") var textStatus: String?
    @OptionalField(key: "extracted_text") var extractedText: String?
    @OptionalField(key: "text_error") var textError: String?

    // relationships
    @Parent(key: "version_id") var version: DocumentVersion

    init() {}
}

/// A document attached to a meeting or an agenda item.
final class DocumentLink: Model, @unchecked Sendable {
    static let schema = "document_links"

    // managed fields
    @ID(key: .id) var id: UUID?

    // data fields
    @Field(key: "target") var target: DocumentLinkTarget
    @Field(key: "target_id") var targetID: UUID

    // relationships
    @Parent(key: "document_id") var document: Document

    init() {}

    init(documentID: UUID, target: DocumentLinkTarget, targetID: UUID) {
        self.$document.id = documentID
        self.target = target
        self.targetID = targetID
    }
}
