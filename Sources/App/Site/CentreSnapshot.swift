import Fluent
import Vapor

/// The centre's profile as plain values, cached between changes.
struct CentreSnapshot: Codable, Sendable {
    var nameEn = ""
    var nameZh = ""
    var affiliationEn = ""
    var affiliationZh = ""
    var addressEn = ""
    var addressZh = ""
    var postalCode = ""
    var telephone = ""
    var fax = ""
    var email = ""
    var website = ""
    var wechat = ""
    var missionEn = ""
    var missionZh = ""

    init() {}

    init(_ profile: CentreProfile) {
        (nameEn, nameZh, affiliationEn, affiliationZh) = (profile.nameEn, profile.nameZh, profile.affiliationEn, profile.affiliationZh)
        (addressEn, addressZh, postalCode) = (profile.addressEn, profile.addressZh, profile.postalCode)
        (telephone, fax, email, website, wechat) = (profile.telephone, profile.fax, profile.email, profile.website, profile.wechat)
        (missionEn, missionZh) = (profile.missionEn, profile.missionZh)
    }

    static func current(_ request: Request) async throws -> CentreSnapshot {
        if let cached = try request.application.siteCache.profile() { return cached }
        let snapshot = try await CentreProfile.query(on: request.db).first().map(CentreSnapshot.init) ?? CentreSnapshot()
        try request.application.siteCache.store(snapshot)
        return snapshot
    }
}

/// The contact block and footer, in the reader's language.
struct CentreContext: Encodable {
    let name: String
    let otherName: String
    let affiliationLines: [String]
    let address: String
    let postalCode: String
    let telephone: String
    let fax: String
    let email: String
    let website: String
    let websiteIsLink: Bool
    let wechat: String
    let mission: String
    let missionIsFallback: Bool

    init(_ centre: CentreSnapshot, _ language: Language) {
        name = Bilingual.pick(en: centre.nameEn, zh: centre.nameZh, language)
        otherName = Bilingual.pick(en: centre.nameEn, zh: centre.nameZh, language.other)
        affiliationLines = Bilingual.pick(en: centre.affiliationEn, zh: centre.affiliationZh, language)
            .split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        address = Bilingual.pick(en: centre.addressEn, zh: centre.addressZh, language)
        (postalCode, telephone, fax, email, wechat) = (centre.postalCode, centre.telephone, centre.fax, centre.email, centre.wechat)
        website = centre.website
        websiteIsLink = centre.website.hasPrefix("http://") || centre.website.hasPrefix("https://")
        mission = Bilingual.pick(en: centre.missionEn, zh: centre.missionZh, language)
        missionIsFallback = Bilingual.isFallback(en: centre.missionEn, zh: centre.missionZh, language)
    }
}
