import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: SiteController())
    try app.register(collection: NetworkController())
    try app.register(collection: AuthController())
    try app.register(collection: AccountController())
    try app.register(collection: AdminController())
    try app.register(collection: AdminResourceController<CountryResource>())
    try app.register(collection: AdminResourceController<OrganisationResource>())
    try app.register(collection: AdminResourceController<PersonResource>())
    try app.register(collection: AdminResourceController<ContactPointResource>())
    try app.register(collection: AdminResourceController<PositionResource>())
    try app.register(collection: AdminResourceController<FocalPointAppointmentResource>())
    try app.register(collection: AdminResourceController<UserResource>())
    try app.register(collection: NetworkAPIController())
}
