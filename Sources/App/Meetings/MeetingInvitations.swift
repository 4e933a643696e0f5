import Fluent
import Foundation

/// Invitations by country: the country is recorded as invited and its currently active focal
/// points from the registry are invited in person.
enum MeetingInvitations {
    @discardableResult
    static func invite(countries: [Country], to meeting: Meeting, by user: User?, actorLabel: String? = nil, on db: any Database)
        async throws
        -> [Participation]
    {
        let meetingID = try meeting.requireID()
        let alreadyInvited = Set(try await InvitedCountry.query(on: db).filter(\.$meeting.$id == meetingID).all().map(\.$country.id))
        let alreadyTakingPart = Set(try await Participation.query(on: db).filter(\.$meeting.$id == meetingID).all().map(\.$person.id))
        var created: [Participation] = []
        for country in countries {
            let countryID = try country.requireID()
            if !alreadyInvited.contains(countryID) { try await InvitedCountry(meetingID: meetingID, countryID: countryID).save(on: db) }
            let focalPoints = try await FocalPointAppointment.query(on: db).filter(\.$country.$id == countryID).serving()
                .with(\.$person).all()
            for appointment in focalPoints
            where !alreadyTakingPart.contains(appointment.$person.id)
                && !created.contains(where: { $0.$person.id == appointment.$person.id })
            {
                let position = try await Position.query(on: db).filter(\.$person.$id == appointment.$person.id).all().first(
                    where: \.isCurrent)
                let participation = Participation(
                    meetingID: meetingID, personID: appointment.$person.id, countryID: countryID,
                    organisationID: position?.$organisation.id,
                    roles: [appointment.rank == .primary && appointment.roleType == .national ? .headOfDelegation : .delegate],
                    registration: .invited, illustrative: appointment.illustrative)
                try await participation.save(on: db)
                created.append(participation)
            }
            try await AuditEntry(
                actor: user, actorLabel: actorLabel, action: "create", entityType: "invitation", entityID: meetingID.uuidString,
                summary: meeting.titleEn + ": " + country.nameEn, before: [:],
                after: ["country": country.code, "focal_points_invited": "\(focalPoints.count)"]
            ).save(on: db)
        }
        return created
    }
}
