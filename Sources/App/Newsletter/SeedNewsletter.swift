import Fluent
import Foundation

/// The seed itself: the centre's Newsletter, Issue 7, 2021, dated 22 August 2021, with its one
/// article in English. The Chinese edition is marked as awaiting translation: the seed gives no
/// Chinese text for it.
enum SeedNewsletter {
    static let articleSlug = "asean-china-nfp-meeting-2021-successfully-held"

    static let articleBody = """
        On July 23, 2021, ASEAN-China National Focal Point Meeting on Environmental Cooperation was successfully held by video meetings during ASEAN-China Environmental Cooperation Week 2021. This meeting is hosted by the Ministry of Ecology and Environment (MEE), and organized by China-ASEAN Environmental Cooperation Center/Foreign Environmental Cooperation Center, MEE. Zhou Jun, Director of Department of International Cooperation of MEE, moderated the meeting. Vong Sok, Head of the Environment Division of ASEAN Secretariat, and about 40 delegates from ASEAN member countries, including Brunei, Cambodia, Indonesia, Malaysia, Myanmar, the Philippines, Singapore, Thailand, and Vietnam attended the meeting.

        Zhou Jun, Director of Department of International Cooperation, MEE, highlighted that under the support of ASEAN Secretariat, China and ASEAN Member States actively formulated and adopted *the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025)*. It is the shared vision that by seizing the opportunity of ASEAN-China Year of Sustainable Development Cooperation, both sides could further enhance communication and practical cooperation in the future, implement the new phase of cooperative strategy, and make greater contributions to regional green and sustainable development.

        Vong Sok, Head of the Environment Division of ASEAN Secretariat underscored that 2021 marked the 30th Anniversary of ASEAN-China Dialogue Relations as well as the ASEAN-China Year of Sustainable Development Cooperation. He hopes that both sides will continue to facilitate exchange and communication on global and regional hotspot environmental issues, and deliver regional contributions to realizing the 2030 Agenda for Sustainable Development.

        San Oo, Deputy Director General, Environmental Conservation Department of Myanmar mentioned that it was meaningful that ASEAN-China environmental cooperation focuses on regional hotspot environmental issues like climate change response, biodiversity conservation, etc. In the future, Myanmar will continue to strengthen practical collaboration with China and other ASEAN Member States in relevant fields.

        During the meeting, participants exchanged opinions on the ASEAN-China Year of Sustainable Development Cooperation outcomes and documents, as well as arrangements for the ASEAN-China Environmental Cooperation Forum. Participants expressed appreciation for China to successfully host the ASEAN-China Environmental Cooperation Week 2021. They hope that China and ASEAN Member States could further strengthen exchange and practical cooperation focusing on climate change, biodiversity conservation, and other key regional environmental issues.

        """

    static func load(recorder: DemoRecorder) async throws {
        let db = recorder.db
        let newsletter = Newsletter()
        newsletter.slug = "newsletter"
        newsletter.nameEn = "Newsletter"
        newsletter.nameZh = ""
        newsletter.mastheadEn = "China-ASEAN Environmental Cooperation Center"
        newsletter.mastheadZh = "中国-东盟环境保护合作中心"
        try await recorder.save(newsletter, entity: "newsletter", summary: newsletter.nameEn)

        let issue = NewsletterIssue()
        issue.$newsletter.id = newsletter.savedID
        issue.year = 2021
        issue.number = 7
        issue.publicationDate = "2021-08-22"
        issue.status = .published
        issue.publishedAt = MeetingTime.instant(date: "2021-08-22", time: nil, in: TimeZone(identifier: "Asia/Shanghai")!)
        issue.illustrative = false
        try await recorder.save(issue, entity: "newsletter_issue", summary: "Issue 7, 2021")
        let english = Edition(issueID: issue.savedID, language: .en, status: .ready)
        try await english.save(on: db)
        try await Edition(issueID: issue.savedID, language: .zh, status: .awaitingTranslation).save(on: db)

        let article = try await ArticleEditorController.create(
            title: "ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021 Successfully Held", slug: articleSlug,
            body: articleBody, language: .en, editionID: english.id, translationOf: nil, illustrative: false, editor: "demo loader",
            user: nil,
            actorLabel: "demo loader", on: db)
        if let meeting = try await Meeting.query(on: db).filter(\.$slug == SeedMeeting.slug).first() {
            try await ArticleLink(articleID: article.savedID, target: .meeting, targetID: meeting.savedID).save(on: db)
        }
        if let framework = try await Document.query(on: db).filter(\.$type == .strategy).first() {
            try await ArticleLink(articleID: article.savedID, target: .document, targetID: framework.savedID).save(on: db)
        }
    }
}
