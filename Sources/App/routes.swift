import Vapor

func routes(_ app: Application) throws {
    try app.register(collection: OperationsController())
    try app.register(collection: SiteController())
    try app.register(collection: NetworkController())
    try app.register(collection: AuthController())
    try app.register(collection: AccountController())
    try app.register(collection: AdminController())
    try app.register(collection: WorkspaceController())
    try app.register(collection: CampaignCheckController())
    for resource in AdminResources.all { try app.register(adminResource: resource) }
    try app.register(collection: NetworkAPIController())
    try app.register(collection: MeetingsController())
    try app.register(collection: RSVPController())
    try app.register(collection: MeetingAdminController())
    try app.register(collection: MeetingAPIController())
    try app.register(collection: DocumentsController())
    try app.register(collection: DocumentUploadController(bodyLimit: 2 * app.focalConfig.uploadMaxBytes))
    try app.register(collection: NewslettersController())
    try app.register(collection: WeChatCopyController())
    try app.register(collection: ArticleChangeController())
    try app.register(collection: NewsletterAPIController())
    try app.register(collection: IssueAdminController())
    try app.register(collection: ArticleEditorController(bodyLimit: 2 * app.focalConfig.uploadMaxBytes))
    try app.register(collection: DraftArticleController())
    try app.register(collection: ActionPlanController())
    try app.register(collection: ActionPlanExportController())
    try app.register(collection: ActionPlanAPIController())
    try app.register(collection: ProgressReportController())
    try app.register(collection: SubscriptionController())
    try app.register(collection: CampaignController())
    try app.register(collection: MailAdminController())
    try app.register(collection: SearchController())
    try app.register(collection: DraftController(bodyLimit: 2 * app.focalConfig.uploadMaxBytes))
    try app.register(collection: RoundController())
    try app.register(collection: CommentMatrixController())
    try app.register(collection: ConsultationReading())
    try app.register(collection: ConsultationAPIController())
}

extension Application {
    fileprivate func register<Resource: AdminResource>(adminResource: Resource.Type) throws {
        try register(collection: AdminResourceController<Resource>())
    }
}
