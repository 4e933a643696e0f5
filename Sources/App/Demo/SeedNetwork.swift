import Fluent
import Foundation

/// The network as the seed newsletter gives it. Names and positions are quoted from the seed;
/// Chinese names are given only where certain, otherwise left empty (the pages fall back to
/// English visibly).
enum SeedNetwork {
    static func centreProfile() -> CentreProfile {
        let profile = CentreProfile.blank()
        profile.nameEn = "China-ASEAN Environmental Cooperation Center"
        profile.nameZh = "中国-东盟环境保护合作中心"
        profile.affiliationEn = "Foreign Environmental Cooperation Center\nMinistry of Ecology and Environment, PRC"
        profile.addressEn = "5 Houyingfang Hutong, Xicheng District, Beijing"
        profile.postalCode = "100035"
        profile.telephone = "+86-010-82268221"
        profile.fax = "+86-010-82200579"
        profile.email = "li.xia@fecomee.org.cn"
        profile.website = "http://www.chinaaseanenv.org"
        profile.wechat = "China-ASEAN Environmental Cooperation Center"
        profile.missionEn =
            "China-ASEAN Environmental Cooperation Center is committed to implementing China-ASEAN Environmental Cooperation Strategy and promoting China-ASEAN exchange and cooperation in the field of environment. It is an important platform of foreign environmental cooperation."
        return profile
    }

    /// The ten ASEAN member states and China (ISO 3166 codes and standard Chinese names).
    /// Dates of joining ASEAN are public record; China's dialogue relations date from 1991, the
    /// seed's "30th Anniversary of ASEAN-China Dialogue Relations" in 2021.
    static func countries() -> [Country] {
        [
            Country(code: "BN", nameEn: "Brunei Darussalam", nameZh: "文莱", group: .aseanMemberState, membershipSince: "1984-01-07"),
            Country(code: "KH", nameEn: "Cambodia", nameZh: "柬埔寨", group: .aseanMemberState, membershipSince: "1999-04-30"),
            Country(code: "ID", nameEn: "Indonesia", nameZh: "印度尼西亚", group: .aseanMemberState, membershipSince: "1967-08-08"),
            Country(code: "LA", nameEn: "Lao PDR", nameZh: "老挝", group: .aseanMemberState, membershipSince: "1997-07-23"),
            Country(code: "MY", nameEn: "Malaysia", nameZh: "马来西亚", group: .aseanMemberState, membershipSince: "1967-08-08"),
            Country(code: "MM", nameEn: "Myanmar", nameZh: "缅甸", group: .aseanMemberState, membershipSince: "1997-07-23"),
            Country(code: "PH", nameEn: "Philippines", nameZh: "菲律宾", group: .aseanMemberState, membershipSince: "1967-08-08"),
            Country(code: "SG", nameEn: "Singapore", nameZh: "新加坡", group: .aseanMemberState, membershipSince: "1967-08-08"),
            Country(code: "TH", nameEn: "Thailand", nameZh: "泰国", group: .aseanMemberState, membershipSince: "1967-08-08"),
            Country(code: "VN", nameEn: "Viet Nam", nameZh: "越南", group: .aseanMemberState, membershipSince: "1995-07-28"),
            Country(code: "CN", nameEn: "China", nameZh: "中国", group: .dialoguePartner, membershipSince: nil),
        ]
    }

    struct Organisations {
        let mee: Organisation
        let internationalCooperation: Organisation
        let feco: Organisation
        let centre: Organisation
        let aseanSecretariat: Organisation
        let environmentDivision: Organisation
        let myanmarConservation: Organisation
    }

    static func organisations(countries: [String: Country], recorder: DemoRecorder) async throws -> Organisations {
        let china = countries["CN"]?.id
        func save(_ org: Organisation) async throws -> Organisation {
            try await recorder.save(org, entity: "organisation", summary: org.nameEn)
            return org
        }
        let mee = try await save(
            Organisation(nameEn: "Ministry of Ecology and Environment", nameZh: "生态环境部", acronym: "MEE", kind: .ministry, countryID: china))
        let cooperation = try await save(
            Organisation(
                nameEn: "Department of International Cooperation", nameZh: "国际合作司", kind: .department, countryID: china, parentID: mee.id))
        let feco = try await save(
            Organisation(
                nameEn: "Foreign Environmental Cooperation Center", acronym: "", kind: .centre, countryID: china, parentID: mee.id))
        let centre = try await save(
            Organisation(
                nameEn: "China-ASEAN Environmental Cooperation Center", nameZh: "中国-东盟环境保护合作中心", kind: .centre, countryID: china,
                parentID: feco.id))
        let secretariat = try await save(Organisation(nameEn: "ASEAN Secretariat", nameZh: "东盟秘书处", kind: .secretariat, countryID: nil))
        let division = try await save(
            Organisation(nameEn: "Environment Division", kind: .department, countryID: nil, parentID: secretariat.id))
        let conservation = try await save(
            Organisation(nameEn: "Environmental Conservation Department", kind: .department, countryID: countries["MM"]?.id))
        return Organisations(
            mee: mee, internationalCooperation: cooperation, feco: feco, centre: centre, aseanSecretariat: secretariat,
            environmentDivision: division, myanmarConservation: conservation)
    }

    /// Zhou Jun, Vong Sok and San Oo, in the positions the seed gives them (as at July 2021).
    @discardableResult
    static func people(organisations: Organisations, recorder: DemoRecorder) async throws -> [Person] {
        let entries: [(Person, Organisation, String)] = [
            (Person(nameEn: "Zhou Jun"), organisations.internationalCooperation, "Director"),
            // The seed refers to him as "He".
            (Person(nameEn: "Vong Sok", honorific: "Mr."), organisations.environmentDivision, "Head"),
            (Person(nameEn: "San Oo"), organisations.myanmarConservation, "Deputy Director General"),
        ]
        for (person, organisation, title) in entries {
            try await recorder.save(person, entity: "person", summary: person.nameEn)
            let position = Position(personID: person.savedID, organisationID: organisation.savedID, titleEn: title)
            try await recorder.save(position, entity: "position", summary: "\(person.nameEn): \(title), \(organisation.nameEn)")
        }
        return entries.map(\.0)
    }
}
