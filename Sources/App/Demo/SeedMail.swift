import Fluent
import Foundation

/// Mailing lists for the demo, two example.org subscribers (one reading English, one Chinese) and a
/// draft campaign of Issue 7, 2021, ready to send once an SMTP server is configured.
enum SeedMail {
    static func load(recorder: DemoRecorder) async throws {
        let db = recorder.db
        let newsletter = MailingList()
        newsletter.slug = "newsletter"
        newsletter.nameEn = "Newsletter"
        newsletter.nameZh = ""
        newsletter.focalPoints = false
        try await recorder.save(newsletter, entity: "mailing_list", summary: "newsletter")
        let focalPoints = MailingList()
        focalPoints.slug = "focal-points"
        focalPoints.nameEn = "Focal points of the network"
        focalPoints.nameZh = ""
        focalPoints.focalPoints = true
        try await recorder.save(focalPoints, entity: "mailing_list", summary: "focal-points")
        try await FocalPointSubscribers.sync(list: focalPoints, on: db)

        for (email, language) in [("reader.en@example.org", SubscriberLanguage.en), ("reader.zh@example.org", .zh)] {
            let subscriber = Subscriber(email: email, name: "", language: language, status: .confirmed)
            subscriber.confirmedAt = Date()
            try await recorder.save(subscriber, entity: "subscriber", summary: email)
            try await Subscription(subscriberID: subscriber.savedID, listID: newsletter.savedID).save(on: db)
            try await ConsentEvent(
                subscriberID: subscriber.savedID, action: "subscribe", textVersion: SubscriptionController.consentTextVersion,
                language: language.rawValue,
                source: "demo loader", ipHash: "", detail: "illustrative subscriber"
            ).save(on: db)
        }

        guard let issue = try await NewsletterIssue.query(on: db).filter(\.$year == 2021).filter(\.$number == 7).first() else { return }
        let campaign = Campaign()
        campaign.selection = ""
        campaign.kind = .newsletter
        campaign.$issue.id = issue.id
        campaign.$list.id = newsletter.id
        campaign.subjectEn = "Newsletter, Issue 7, 2021"
        campaign.subjectZh = "简报 2021年第7期"
        campaign.preheaderEn = "ASEAN-China National Focal Point Meeting on Environmental Cooperation 2021 Successfully Held"
        campaign.preheaderZh = ""
        campaign.senderName = "China-ASEAN Environmental Cooperation Center"
        campaign.senderAddress = ""
        campaign.status = .draft
        campaign.total = 0
        campaign.createdBy = "demo loader"
        try await recorder.save(campaign, entity: "campaign", summary: campaign.subjectEn)
    }
}
