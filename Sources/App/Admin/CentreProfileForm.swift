import Vapor

/// The fields of the centre's profile and how they map onto the record.
enum CentreProfileForm {
    static func fields(_ req: Request) -> [FieldSpec] {
        textFields + [.yesNo("issues_self_approval", "field.issues_self_approval", req: req)]
    }

    static let textFields: [FieldSpec] = [
        FieldSpec(name: "name_en", labelKey: "field.name_en", kind: .text, required: true, maxLength: 200),
        FieldSpec(name: "name_zh", labelKey: "field.name_zh", kind: .text, maxLength: 200),
        FieldSpec(name: "affiliation_en", labelKey: "field.affiliation_en", kind: .textarea, maxLength: 500, hintKey: "hint.affiliation"),
        FieldSpec(name: "affiliation_zh", labelKey: "field.affiliation_zh", kind: .textarea, maxLength: 500),
        FieldSpec(name: "address_en", labelKey: "field.address_en", kind: .text, maxLength: 300),
        FieldSpec(name: "address_zh", labelKey: "field.address_zh", kind: .text, maxLength: 300),
        FieldSpec(name: "postal_code", labelKey: "field.postal_code", kind: .text, maxLength: 20),
        FieldSpec(name: "telephone", labelKey: "field.telephone", kind: .text, maxLength: 40),
        FieldSpec(name: "fax", labelKey: "field.fax", kind: .text, maxLength: 40),
        FieldSpec(name: "email", labelKey: "field.email", kind: .email, maxLength: 254),
        FieldSpec(name: "website", labelKey: "field.website", kind: .url, maxLength: 300),
        FieldSpec(name: "wechat", labelKey: "field.wechat", kind: .text, maxLength: 120),
        FieldSpec(name: "mission_en", labelKey: "field.mission_en", kind: .textarea, maxLength: 2_000),
        FieldSpec(name: "mission_zh", labelKey: "field.mission_zh", kind: .textarea, maxLength: 2_000),
    ]

    static func values(of p: CentreProfile) -> [String: String] {
        [
            "name_en": p.nameEn, "name_zh": p.nameZh, "affiliation_en": p.affiliationEn, "affiliation_zh": p.affiliationZh,
            "address_en": p.addressEn, "address_zh": p.addressZh, "postal_code": p.postalCode, "telephone": p.telephone, "fax": p.fax,
            "email": p.email, "website": p.website, "wechat": p.wechat, "mission_en": p.missionEn, "mission_zh": p.missionZh,
            "issues_self_approval": p.issuesSelfApproval ? "yes" : "no",
        ]
    }

    static func apply(_ input: [String: String], to p: CentreProfile) {
        p.nameEn = input.text("name_en")
        p.nameZh = input.text("name_zh")
        p.affiliationEn = input.text("affiliation_en")
        p.affiliationZh = input.text("affiliation_zh")
        p.addressEn = input.text("address_en")
        p.addressZh = input.text("address_zh")
        p.postalCode = input.text("postal_code")
        p.telephone = input.text("telephone")
        p.fax = input.text("fax")
        p.email = input.text("email")
        p.website = input.text("website")
        p.wechat = input.text("wechat")
        p.missionEn = input.text("mission_en")
        p.missionZh = input.text("mission_zh")
        p.issuesSelfApproval = input["issues_self_approval"] == "yes"
    }
}
