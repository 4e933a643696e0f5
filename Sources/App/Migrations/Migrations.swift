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
    }
}
