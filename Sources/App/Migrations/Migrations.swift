import Fluent
import Vapor

extension Application {
    /// Every migration, in order. A shipped migration is never edited: add a new one.
    func registerMigrations() {
        migrations.add(SessionRecord.migration)
        migrations.add(CreateCountry())
        migrations.add(CreateOrganisation())
        migrations.add(CreatePerson())
        migrations.add(CreateContactPoint())
        migrations.add(CreatePosition())
        migrations.add(CreateFocalPointAppointment())
        migrations.add(CreateCentreProfile())
        migrations.add(CreateUser())
        migrations.add(CreateAuditEntry())
        migrations.add(CreateMeetingSeries())
        migrations.add(CreateMeeting())
        migrations.add(CreateMeetingOrganisation())
        migrations.add(CreateAgendaItem())
        migrations.add(CreateInvitedCountry())
        migrations.add(CreateParticipation())
        migrations.add(CreateMeetingSession())
        migrations.add(CreateSessionAttendance())
        migrations.add(CreateStatement())
        migrations.add(CreateMeetingOutcome())
        migrations.add(CreateDocument())
        migrations.add(CreateDocumentVersion())
        migrations.add(CreateDocumentFile())
        migrations.add(CreateDocumentLink())
        migrations.add(CreateNewsletter())
        migrations.add(CreateNewsletterIssue())
        migrations.add(CreateEdition())
        migrations.add(CreateArticle())
        migrations.add(CreateArticleRevision())
        migrations.add(CreateArticleLink())
    }
}
