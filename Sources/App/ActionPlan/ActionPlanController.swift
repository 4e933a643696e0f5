import Fluent
import SQLKit
import Vapor

/// The action plan for readers: the strategy with its priority areas and activities, each
/// activity's indicators, reports and evidence, and the dashboards.
struct ActionPlanController: RouteCollection {
    static let activitiesShownPerArea = 20

    func boot(routes: any RoutesBuilder) throws {
        let pages = routes.publicPages()
        pages.get("action-plan", use: overview)
        pages.get("action-plan", "areas", ":code", use: area)
        pages.get("action-plan", "activities", ":code", use: activity)
        pages.get("action-plan", "dashboards", use: dashboards)
    }

    // MARK: overview

    func strategyEntry(_ strategy: Strategy, _ req: Request) async throws -> StrategyEntry {
        let document = try await strategy.$document.get(on: req.db).flatMap {
            Visibility.visible(to: req.role).contains($0.access) ? $0 : nil
        }
        return StrategyEntry(
            title: strategy.title(req.language), period: "\(strategy.firstYear)–\(strategy.lastYear)",
            adoptedOn: LocalizedDate.format(strategy.adoptedOn, req.language), version: strategy.version,
            documentHref: document.map { "/documents/" + $0.slug }, documentTitle: document?.title(req.language))
    }

    func activitySummary(_ row: ActionPlanData.ActivityRow, _ data: ActionPlanData, _ req: Request) -> ActivitySummaryEntry {
        let progress = data.progress(ofActivity: row.id)
        return ActivitySummaryEntry(
            code: row.code, title: row.title(req.language), href: "/action-plan/activities/" + row.code,
            status: req.t("activity_status." + row.status.rawValue), progress: IndicatorProgress.percent(progress),
            progressValue: Int(((progress ?? 0) * 100).rounded()), illustrative: row.illustrative,
            progressIllustrative: data.progressIsIllustrative(ofActivity: row.id))
    }

    func areaEntry(_ area: PriorityArea, _ data: ActionPlanData, _ req: Request, limit: Int?) -> AreaEntry {
        let activities = data.activitiesByArea[area.savedID] ?? []
        let progress = data.progress(ofArea: area)
        let counts = ActivityStatus.allCases.compactMap { status -> String? in
            let count = activities.filter { $0.status == status }.count
            return count == 0 ? nil : req.t("activity_status." + status.rawValue) + " \(count)"
        }
        let shown = limit.map { Array(activities.prefix($0)) } ?? activities
        return AreaEntry(
            code: area.code, title: area.title(req.language),
            description: Bilingual.pick(en: area.descriptionEn, zh: area.descriptionZh, req.language),
            href: "/action-plan/areas/" + area.code, progress: IndicatorProgress.percent(progress),
            progressValue: Int(((progress ?? 0) * 100).rounded()), activityCount: activities.count,
            statusCounts: counts.joined(separator: " · "),
            activities: shown.map { activitySummary($0, data, req) }, moreActivities: activities.count - shown.count,
            illustrative: area.illustrative, progressIllustrative: data.progressIsIllustrative(ofArea: area),
            countsIllustrative: activities.contains(where: \.illustrative))
    }

    func overview(req: Request) async throws -> View {
        let data = try await ActionPlanData.shared(req)
        var strategy: StrategyEntry?
        if let data { strategy = try await strategyEntry(data.strategy, req) }
        let context = ActionPlanPageContext(
            chrome: try await Chrome.make(for: req, title: req.t("plan.title"), showsIllustrativeNote: data?.hasIllustrative ?? false),
            strategy: strategy,
            areas: data.map { data in data.areas.map { areaEntry($0, data, req, limit: Self.activitiesShownPerArea) } } ?? [],
            canManage: req.role.isStaff)
        return try await req.view.render("action-plan/index", context)
    }

    func area(req: Request) async throws -> View {
        guard let data = try await ActionPlanData.shared(req),
            let area = data.areas.first(where: { $0.code == (req.parameters.get("code") ?? "").uppercased() })
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let context = AreaPageContext(
            chrome: try await Chrome.make(for: req, title: area.title(req.language), showsIllustrativeNote: data.hasIllustrative),
            strategy: try await strategyEntry(data.strategy, req), area: areaEntry(area, data, req, limit: nil))
        return try await req.view.render("action-plan/area", context)
    }

    // MARK: one activity

    func activity(req: Request) async throws -> View {
        guard
            let activity = try await Activity.query(on: req.db).filter(\.$code == (req.parameters.get("code") ?? "").uppercased())
                .with(\.$priorityArea).with(\.$leadOrganisation).with(\.$parent).first()
        else { throw Abort(.notFound, reason: req.t("error.not_found")) }
        let l = req.language
        let id = activity.savedID
        let participants = try await ActivityParticipant.query(on: req.db).filter(\.$activity.$id == id).with(\.$country).with(
            \.$organisation
        ).all()
        let children = try await Activity.query(on: req.db).filter(\.$parent.$id == id).sort(\.$code).all()
        let indicators = try await Indicator.query(on: req.db).filter(\.$activity.$id == id).sort(\.$code).all()
        let indicatorIDs = indicators.compactMap(\.id)
        let targets = try await IndicatorTarget.query(on: req.db).filter(\.$indicator.$id ~~ indicatorIDs).all()
        let actuals = try await IndicatorActual.query(on: req.db).filter(\.$indicator.$id ~~ indicatorIDs).with(\.$country).with(\.$report)
            .all()
            .filter { $0.report == nil || $0.report?.status == .validated }
        let locks = Set(try await ReportingLock.query(on: req.db).filter(\.$activity.$id == id).all().map(\.year))
        let ownCountries = try await ReportingRules.countries(of: req.currentUser, on: req.db)
        let reports = try await ProgressReport.query(on: req.db).filter(\.$activity.$id == id).with(\.$country).sort(\.$year).all().filter {
            ReportingRules.canRead($0, role: req.role, ownCountries: ownCountries)
        }
        let evidence = try await ActivityEvidence.query(on: req.db).filter(\.$activity.$id == id).all()
        let strategy = try await activity.priorityArea.$strategy.get(on: req.db)

        let indicatorEntries = indicators.map { indicator -> IndicatorEntry in
            let mine = actuals.filter { $0.$indicator.id == indicator.id }
            let figuresIllustrative = indicator.illustrative || mine.contains { $0.illustrative && ($0.value != nil || !$0.text.isEmpty) }
            let years = Set(targets.filter { $0.$indicator.id == indicator.id }.map(\.year)).union(mine.map(\.year)).sorted()
            var points: [IndicatorProgress.Point] = []
            let rows = years.map { year -> IndicatorEntry.Row in
                let target = targets.first { $0.$indicator.id == indicator.id && $0.year == year }
                let ofYear = mine.filter { $0.year == year }
                let total = ofYear.first { $0.$country.id == nil }
                let byCountry = ofYear.filter { $0.$country.id != nil }
                let actualValue = total?.value ?? (byCountry.isEmpty ? nil : byCountry.compactMap(\.value).reduce(0, +))
                points.append(.init(year: year, target: target?.value, actual: actualValue))
                return IndicatorEntry.Row(
                    year: year, target: target.map { $0.value.map(SVGCharts.number) ?? $0.text } ?? "—",
                    actual: actualValue.map(SVGCharts.number) ?? total?.text
                        ?? (byCountry.isEmpty ? "—" : byCountry.map(\.text).joined(separator: "; ")),
                    byCountry: byCountry.map { ($0.country?.name(l) ?? "") + " " + ($0.value.map(SVGCharts.number) ?? $0.text) }.joined(
                        separator: ", "),
                    locked: locks.contains(year))
            }
            let chart =
                indicator.measure == .qualitative || points.isEmpty
                ? nil
                : SVGCharts.lines(
                    [
                        .init(name: req.t("field.target"), cssClass: "series-target", values: points.map(\.target)),
                        .init(name: req.t("field.actual"), cssClass: "series-actual", values: points.map(\.actual)),
                    ], labels: points.map { "\($0.year)" }, title: indicator.code + " · " + req.t("plan.actual_vs_target"),
                    id: "chart-" + indicator.code, future: .of(years: points.map(\.year), label: req.t("plan.future_years")))
            return IndicatorEntry(
                code: indicator.code, title: indicator.title(l), measure: req.t("measure." + indicator.measure.rawValue),
                unit: indicator.unit,
                direction: req.t("direction." + indicator.direction.rawValue),
                baseline: (indicator.baselineValue.map(SVGCharts.number) ?? indicator.baselineText)
                    + (indicator.baselineYear.map { " (\($0))" } ?? ""),
                progress: IndicatorProgress.percent(
                    IndicatorProgress.progress(measure: indicator.measure, baseline: indicator.baselineValue, points: points)),
                rows: rows, chartSVG: chart, illustrative: indicator.illustrative,
                figuresIllustrative: figuresIllustrative && !rows.isEmpty)
        }

        // Evidence: meetings (with what they agreed), documents and articles.
        let outcomeIDs = evidence.filter { $0.target == .outcome }.map(\.targetID)
        let outcomes = try await MeetingOutcome.query(on: req.db).filter(\.$id ~~ outcomeIDs).all()
        let meetingIDs = Set(evidence.filter { $0.target == .meeting }.map(\.targetID) + outcomes.map(\.$meeting.id))
        let meetings = try await Meeting.query(on: req.db).filter(\.$id ~~ Array(meetingIDs)).filter(
            \.$visibility ~~ Visibility.visible(to: req.role)
        )
        .sort(\.$startsAt).all()
        let meetingEntries = meetings.map { meeting -> EvidenceMeetingEntry in
            let agreed = outcomes.filter { $0.$meeting.id == meeting.id }.map {
                EvidenceMeetingEntry.Agreed(kind: req.t("outcome_kind." + $0.kind.rawValue), text: $0.text(l))
            }
            let year = MeetingTime.year(meeting) ?? 0
            return EvidenceMeetingEntry(
                title: meeting.title(l), href: "/meetings/" + meeting.slug, when: MeetingTime.describe(meeting, l), agreed: agreed,
                reportsSince: reports.filter { $0.status == .validated && $0.year >= year }.count,
                note: evidence.first { $0.targetID == meeting.id }?.noteEn ?? "")
        }
        let documents = try await Document.query(on: req.db).filter(\.$id ~~ evidence.filter { $0.target == .document }.map(\.targetID))
            .filter(\.$access ~~ Visibility.visible(to: req.role)).all()
        var articles: [Article] = []
        for article in try await Article.query(on: req.db).filter(\.$id ~~ evidence.filter { $0.target == .article }.map(\.targetID)).all()
        where try await NewslettersController.isPublished(article, on: req.db) || req.role.isStaff {
            articles.append(article)
        }
        let presenter = MeetingPresenter(request: req)
        let canReport = req.role.isStaff || participants.contains { $0.$country.id.map(ownCountries.contains) ?? false }
        let context = ActivityPageContext(
            chrome: try await Chrome.make(
                for: req, title: activity.code + " " + activity.title(l),
                showsIllustrativeNote: activity.illustrative || indicators.contains(where: \.illustrative)
                    || actuals.contains(where: \.illustrative)),
            code: activity.code, title: activity.title(l),
            description: Bilingual.pick(en: activity.descriptionEn, zh: activity.descriptionZh, l),
            areaTitle: activity.priorityArea.code + " " + activity.priorityArea.title(l),
            areaHref: "/action-plan/areas/" + activity.priorityArea.code,
            status: req.t("activity_status." + activity.status.rawValue), leadOrganisation: activity.leadOrganisation?.name(l),
            plannedDates: Self.dates(activity.plannedStart, activity.plannedEnd, l),
            actualDates: Self.dates(activity.actualStart, activity.actualEnd, l),
            goals: activity.goals.compactMap { SustainableDevelopmentGoals.goal($0).map { "\($0.number). " + $0.title(l) } },
            participants: participants.map {
                ($0.country?.name(l) ?? $0.organisation?.name(l) ?? "") + " · " + req.t("activity_role." + $0.role.rawValue)
            },
            parent: activity.parent.map { parent in
                ActivitySummaryEntry(
                    code: parent.code, title: parent.title(l), href: "/action-plan/activities/" + parent.code,
                    status: req.t("activity_status." + parent.status.rawValue), progress: "", progressValue: 0,
                    illustrative: parent.illustrative)
            },
            children: children.map { child in
                ActivitySummaryEntry(
                    code: child.code, title: child.title(l), href: "/action-plan/activities/" + child.code,
                    status: req.t("activity_status." + child.status.rawValue), progress: "", progressValue: 0,
                    illustrative: child.illustrative)
            },
            indicators: indicatorEntries,
            reports: reports.map {
                ReportEntry(
                    year: $0.year, country: $0.country?.name(l) ?? req.t("report.whole_activity"),
                    status: req.t("report_status." + $0.status.rawValue),
                    narrative: Bilingual.pick(en: $0.narrativeEn, zh: $0.narrativeZh, l),
                    href: req.role >= .focalPoint ? "/action-plan/reports/\($0.savedID.uuidString)" : nil, illustrative: $0.illustrative)
            },
            meetings: meetingEntries, documents: documents.map(presenter.document),
            articles: articles.map {
                DocumentEntry(title: $0.title, href: "/articles/" + $0.slug, type: req.t("entity.article"), lifecycle: "")
            },
            illustrative: activity.illustrative, canReport: canReport && req.role >= .focalPoint,
            reportHref: "/action-plan/reports/new?activity=" + activity.code, canManage: req.role.isStaff,
            csrf: req.role.isStaff ? req.csrfToken() : nil, lockAction: "/action-plan/activities/\(activity.code)/lock",
            lockedYears: locks.sorted().map(String.init).joined(separator: ", "), years: Array(strategy.years))
        return try await req.view.render("action-plan/activity", context)
    }

    static func dates(_ start: String?, _ end: String?, _ language: Language) -> String {
        let a = LocalizedDate.format(start, language) ?? "…"
        let b = LocalizedDate.format(end, language) ?? "…"
        return start == nil && end == nil ? "—" : a + " – " + b
    }

    // MARK: dashboards

    func dashboards(req: Request) async throws -> View {
        guard let data = try await ActionPlanData.shared(req) else {
            return try await req.view.render(
                "action-plan/dashboards",
                DashboardContext(
                    chrome: try await Chrome.make(for: req, title: req.t("plan.dashboards")), sections: [], indicatorOptions: [],
                    selectedIndicator: ""))
        }
        let figures = try await ActionPlanDashboard.load(data, meetingVisibility: Visibility.visible(to: req.role), on: req.db)
        let l = req.language
        var sections: [ChartSection] = []

        let areaBars = figures.progressByArea
        sections.append(
            ChartSection(
                title: req.t("plan.progress_by_area"),
                svg: SVGCharts.bars(
                    areaBars.map {
                        .init(
                            label: $0.area.code + " " + $0.area.title(l), value: ($0.progress ?? 0) * 100,
                            display: IndicatorProgress.percent($0.progress))
                    },
                    title: req.t("plan.progress_by_area"), id: "progress-by-area", maximum: 100),
                columns: [req.t("plan.area"), req.t("plan.activities"), req.t("plan.progress")],
                rows: areaBars.map {
                    [$0.area.code + " " + $0.area.title(l), "\($0.activityCount)", IndicatorProgress.percent($0.progress)]
                },
                note: req.t("plan.progress_note"), illustrative: figures.progressIllustrative))

        let statusCounts = figures.activitiesByStatus
        sections.append(
            ChartSection(
                title: req.t("plan.activity_status"),
                svg: SVGCharts.bars(
                    statusCounts.map {
                        .init(label: req.t("activity_status." + $0.status.rawValue), value: Double($0.count), display: "\($0.count)")
                    },
                    title: req.t("plan.activity_status"), id: "activity-status"),
                columns: [req.t("field.status"), req.t("plan.activities")],
                rows: statusCounts.map { [req.t("activity_status." + $0.status.rawValue), "\($0.count)"] }, note: nil,
                illustrative: figures.statusIllustrative))

        let indicators = try await (try req.db.sql).select().columns("id", "code", "title_en", "title_zh", "measure").from(
            Indicator.schema
        )
        .where("measure", .notEqual, IndicatorMeasure.qualitative.rawValue).orderBy("code").limit(500).all()
        let options = try indicators.map { row in
            SelectOption(
                value: try row.decode(column: "code", as: String.self),
                label: try row.decode(column: "code", as: String.self) + " "
                    + Bilingual.pick(
                        en: try row.decode(column: "title_en", as: String.self), zh: try row.decode(column: "title_zh", as: String.self), l)
            )
        }
        let chosenCode = (try? req.query.get(String.self, at: "indicator")) ?? ""
        let chosen =
            try indicators.first { try $0.decode(column: "code", as: String.self) == chosenCode }
            ?? indicators.first { row in
                ((try? data.points[row.decode(column: "id", as: UUID.self)]) ?? nil)?.contains { $0.actual != nil } ?? false
            }
        if let chosen {
            let id = try chosen.decode(column: "id", as: UUID.self)
            let code = try chosen.decode(column: "code", as: String.self)
            let series = figures.series(ofIndicator: id)
            let points = series?.points ?? []
            sections.append(
                ChartSection(
                    title: req.t("plan.actual_vs_target") + req.t("punct.colon") + code,
                    svg: SVGCharts.lines(
                        [
                            .init(name: req.t("field.target"), cssClass: "series-target", values: points.map(\.target)),
                            .init(name: req.t("field.actual"), cssClass: "series-actual", values: points.map(\.actual)),
                        ], labels: points.map { "\($0.year)" }, title: req.t("plan.actual_vs_target") + req.t("punct.colon") + code,
                        id: "indicator-over-time", future: .of(years: points.map(\.year), label: req.t("plan.future_years"))),
                    columns: [req.t("field.year"), req.t("field.target"), req.t("field.actual")],
                    rows: points.map { ["\($0.year)", $0.target.map(SVGCharts.number) ?? "—", $0.actual.map(SVGCharts.number) ?? "—"] },
                    note: nil, illustrative: series?.illustrative ?? false))
        }

        sections.append(participation(req, figures.participation))
        sections += coverage(req, figures.coverage, figures.termsEnding)
        let context = DashboardContext(
            chrome: try await Chrome.make(for: req, title: req.t("plan.dashboards"), showsIllustrativeNote: data.hasIllustrative),
            sections: sections,
            indicatorOptions: options, selectedIndicator: (try? chosen?.decode(column: "code", as: String.self)) ?? "")
        return try await req.view.render("action-plan/dashboards", context)
    }

    /// Meetings attended (a participant present) and activities taken part in, per member state per year.
    private func participation(_ req: Request, _ figure: ActionPlanDashboard.MemberStateParticipation) -> ChartSection {
        let l = req.language
        let cells = figure.countries.map { country in
            figure.years.map { year -> SVGCharts.Cell in
                let m = figure.meetings(country, year)
                let a = figure.activities(country, year)
                return SVGCharts.Cell(
                    text: "\(m) · \(a)", cssClass: m + a == 0 ? "cell-none" : (m > 0 && a > 0 ? "cell-full" : "cell-some"))
            }
        }
        return ChartSection(
            title: req.t("plan.participation"),
            svg: SVGCharts.grid(
                rows: figure.countries.map { $0.name(l) }, columns: figure.years.map(String.init), cells: cells,
                title: req.t("plan.participation"), id: "participation"),
            columns: [req.t("field.country")] + figure.years.map { "\($0)" },
            rows: zip(figure.countries, cells).map { country, row in [country.name(l)] + row.map(\.text) },
            note: req.t("plan.participation_note"), illustrative: figure.illustrative)
    }

    /// Which member states lack an active focal point for which role, and terms ending within 90 days.
    private func coverage(_ req: Request, _ coverage: ActionPlanDashboard.Coverage, _ ending: ActionPlanDashboard.TermsEnding)
        -> [ChartSection]
    {
        let l = req.language
        let cells = coverage.levels.map { levels in
            levels.map { level -> SVGCharts.Cell in
                switch level {
                case .primary: SVGCharts.Cell(text: "✓", cssClass: "cell-full")
                case .alternate: SVGCharts.Cell(text: req.t("focal_rank.alternate"), cssClass: "cell-some")
                case .missing: SVGCharts.Cell(text: req.t("plan.missing"), cssClass: "cell-none")
                }
            }
        }
        let roles = coverage.roles
        return [
            ChartSection(
                title: req.t("plan.coverage"),
                svg: SVGCharts.grid(
                    rows: coverage.countries.map { $0.name(l) }, columns: roles.map { req.t("focal_role." + $0.rawValue) }, cells: cells,
                    title: req.t("plan.coverage"), id: "coverage"),
                columns: [req.t("field.country")] + roles.map { req.t("focal_role." + $0.rawValue) },
                rows: zip(coverage.countries, cells).map { country, row in [country.name(l)] + row.map(\.text) },
                note: req.t("plan.coverage_note"), illustrative: coverage.illustrative),
            ChartSection(
                title: req.t("plan.terms_ending"),
                svg: SVGCharts.bars(
                    ending.appointments.map {
                        .init(
                            label: $0.country.name(l) + " · " + req.t("focal_role." + $0.roleType.rawValue), value: 1,
                            display: LocalizedDate.format($0.endDate, l) ?? "")
                    }, title: req.t("plan.terms_ending"), id: "terms-ending"),
                columns: [req.t("field.country"), req.t("field.role_type"), req.t("field.person"), req.t("field.end_date")],
                rows: ending.appointments.map {
                    [
                        $0.country.name(l), req.t("focal_role." + $0.roleType.rawValue), $0.person.name(l),
                        LocalizedDate.format($0.endDate, l) ?? "",
                    ]
                }, note: ending.appointments.isEmpty ? req.t("plan.no_terms_ending") : nil, illustrative: ending.illustrative),
        ]
    }
}
