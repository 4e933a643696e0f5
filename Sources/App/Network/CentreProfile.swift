import Fluent
import Foundation

/// The secretariat itself: its names, address and mission drive the footer and /contact.
final class CentreProfile: Model, @unchecked Sendable {
    static let schema = "centre_profile"

    // managed fields
    @ID(key: .id) var id: UUID?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    // data fields
    @Field(key: "name_en") var nameEn: String
    @Field(key: "name_zh") var nameZh: String
    /// Lines under the name in the contact block (parent bodies), one per line.
    @Field(key: "affiliation_en") var affiliationEn: String
    @Field(key: "affiliation_zh") var affiliationZh: String
    @Field(key: "address_en") var addressEn: String
    @Field(key: "address_zh") var addressZh: String
    @Field(key: "postal_code") var postalCode: String
    @Field(key: "telephone") var telephone: String
    @Field(key: "fax") var fax: String
    @Field(key: "email") var email: String
    @Field(key: "website") var website: String
    @Field(key: "wechat") var wechat: String
    @Field(key: "mission_en") var missionEn: String
    @Field(key: "mission_zh") var missionZh: String
    /// A one-person secretariat may publish the issues it submitted for review itself.
    @Field(key: "issues_self_approval") var issuesSelfApproval: Bool

    init() {}

    /// An empty profile, every text field blank.
    static func blank() -> CentreProfile {
        let profile = CentreProfile()
        CentreProfileForm.apply([:], to: profile)
        return profile
    }
}
