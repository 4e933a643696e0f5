import Fluent
import SQLKit
import Vapor

/// Who a campaign would reach if it started now, by reading language, counted the way
/// `CampaignPreparation.materialize` chooses them but without writing anything.
enum CampaignAudience {
    static func count(_ campaign: Campaign, on db: any Database) async throws -> [SubscriberLanguage: Int] {
        struct Row: Decodable {
            let language: String
            let n: Int
        }
        var rows: [Row] = []
        switch campaign.kind {
        case .newsletter where !campaign.selectedAddresses.isEmpty:
            rows = try await (try db.sql).raw(
                """
                SELECT s.language AS language, COUNT(*) AS n FROM \(ident: Subscriber.schema) s
                WHERE s.email IN (\(binds: campaign.selectedAddresses)) AND s.status = \(bind: SubscriberStatus.confirmed.rawValue)
                GROUP BY s.language
                """
            ).all(decoding: Row.self)
        case .newsletter:
            guard let listID = campaign.$list.id else { return [:] }
            rows = try await (try db.sql).raw(
                """
                SELECT s.language AS language, COUNT(*) AS n
                FROM \(ident: Subscription.schema) m JOIN \(ident: Subscriber.schema) s ON s.id = m.subscriber_id
                WHERE m.list_id = \(bind: listID) AND s.status = \(bind: SubscriberStatus.confirmed.rawValue)
                GROUP BY s.language
                """
            ).all(decoding: Row.self)
        case .invitation, .reminder:
            guard let meetingID = campaign.$meeting.id else { return [:] }
            let wanted: [RegistrationStatus] = campaign.kind == .invitation ? [.invited] : [.registered, .approved]
            let participations = try await Participation.query(on: db).filter(\.$meeting.$id == meetingID)
                .filter(\.$registration ~~ wanted).with(\.$person).all()
            let emails = try await ContactPoint.query(on: db).filter(\.$kind == .email)
                .filter(\.$person.$id ~~ participations.map(\.$person.id)).all()
            let optedOut = Set(
                try await Subscriber.query(on: db).filter(\.$status ~~ [.unsubscribed, .bounced, .complained]).all().map(\.email))
            var seen = Set<String>()
            var counts: [SubscriberLanguage: Int] = [:]
            for participation in participations {
                guard
                    let email = emails.first(where: { $0.$person.id == participation.$person.id }).map({ Subscriber.normalise($0.value) }),
                    !optedOut.contains(email), seen.insert(email).inserted
                else { continue }
                counts[participation.person.preferredLanguage == .zh ? .zh : .en, default: 0] += 1
            }
            return counts
        }
        var counts: [SubscriberLanguage: Int] = [:]
        for row in rows { if let language = SubscriberLanguage(rawValue: row.language) { counts[language, default: 0] += row.n } }
        return counts
    }
}
