import Foundation

/// The OpenAPI 3.1 description of the JSON API. The test suite checks every documented path's
/// real responses against these schemas (unknown fields are refused by `additionalProperties`).
enum OpenAPIDocument {
    static func json(serverURL: URL) throws -> Data {
        try JSONSerialization.data(withJSONObject: document(serverURL: serverURL), options: [.sortedKeys, .prettyPrinted])
    }

    static func document(serverURL: URL) -> [String: Any] {
        [
            "openapi": "3.1.0",
            "info": [
                "title": "Focal API", "version": "1.0.0",
                "description":
                    "Read-only access to the cooperation network's registry. Contact points are filtered by the caller's role: anonymous callers see public ones, signed-in focal points also network ones, secretariat staff all.",
            ],
            "servers": [["url": serverURL.absoluteString.trimmingSuffix("/") + "/api/v1"]],
            "paths": [
                "/countries": get(
                    "listCountries", "Member states and partners with their current focal point appointments", arrayOf("Country"),
                    links: ["Organisations": link("listOrganisations", ["country": "$response.body#/0/code"])]),
                "/organisations": get(
                    "listOrganisations", "Organisations of the network", arrayOf("Organisation"),
                    parameters: [
                        [
                            "name": "country", "in": "query", "required": false,
                            "description":
                                "ISO 3166 alpha-2 code; only that country's organisations (none for a code without any; an empty value is no filter; a malformed one is a 422 problem)",
                            "schema": ["type": "string", "pattern": "^([A-Za-z]{2})?$"],
                        ]
                    ]),
                "/people": get(
                    "listPeople", "People of the network with current positions and the contact points the caller may see",
                    arrayOf("Person")),
                "/meetings": get(
                    "listMeetings", "Meetings the caller may see, newest first", arrayOf("MeetingSummary"),
                    links: ["Meeting": link("getMeeting", ["slug": "$response.body#/0/slug"])]),
                "/action-plan": get(
                    "getActionPlan",
                    "The strategy with its priority areas and activities, each with its progress (0 to 1; absent when not measurable)",
                    ref("ActionPlan"),
                    links: [
                        "PriorityArea": link("getPriorityArea", ["code": "$response.body#/priorityAreas/0/code"]),
                        "Activity": link("getActivity", ["code": "$response.body#/priorityAreas/0/activities/0/code"]),
                    ]),
                "/action-plan/activities/{code}": get(
                    "getActivity",
                    "One activity with its participants, indicators (targets and validated actuals per year), validated reports and evidence",
                    ref("ActivityDetail"),
                    parameters: [
                        ["name": "code", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[A-Za-z0-9.-]+$"]]
                    ],
                    links: [
                        "Indicators": link("listIndicators", ["activity": "$request.path.code"]),
                        "PriorityArea": link("getPriorityArea", ["code": "$response.body#/priorityArea"]),
                    ]),
                "/action-plan/areas/{code}": get(
                    "getPriorityArea",
                    "One priority area with its progress, its activities (status and progress) and its own indicators (targets, validated actuals), each with its illustrative flags",
                    ref("PriorityAreaDetail"),
                    parameters: [
                        ["name": "code", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[A-Za-z0-9.-]+$"]]
                    ],
                    links: [
                        "Indicators": link("listIndicators", ["area": "$request.path.code"]),
                        "Activity": link("getActivity", ["code": "$response.body#/activities/0/code"]),
                    ]),
                "/action-plan/indicators": get(
                    "listIndicators",
                    "Indicators with unit, direction, baseline, targets per year and validated actuals (per year, and per country where recorded); an unknown activity or area code gives none, a malformed one is a 422 problem naming the parameter",
                    arrayOf("IndicatorResult"),
                    parameters: [
                        [
                            "name": "activity", "in": "query", "required": false,
                            "description": "Activity code; only that activity's indicators",
                            "schema": ["type": "string", "pattern": "^[A-Za-z0-9.-]{0,32}$"],
                        ],
                        [
                            "name": "area", "in": "query", "required": false,
                            "description": "Priority area code; only the indicators of that area and of its activities",
                            "schema": ["type": "string", "pattern": "^[A-Za-z0-9.-]{0,32}$"],
                        ],
                    ]),
                "/action-plan/reports": get(
                    "listReports",
                    "Progress reports the caller may read: anonymous callers the validated ones, focal points also those for their own countries, staff all; by activity, year and country",
                    arrayOf("ProgressReport"),
                    links: [
                        "Report": link("getReport", ["id": "$response.body#/0/id"]),
                        "Activity": link("getActivity", ["code": "$response.body#/0/activityCode"]),
                    ]),
                "/action-plan/reports/{id}": get(
                    "getReport", "One progress report the caller may read, with its actuals", ref("ProgressReport"),
                    parameters: [["name": "id", "in": "path", "required": true, "schema": uuid]],
                    links: ["Activity": link("getActivity", ["code": "$response.body#/activityCode"])]),
                "/action-plan/dashboards": get(
                    "getDashboards", "The dashboards' figures as numbers, each with whether it is computed from any illustrative record",
                    ref("Dashboards")),
                "/action-plan/export": get(
                    "getActionPlanExport",
                    "Every activity with its indicators, their targets per year and validated actuals, and the indicators of priority areas, each record with its illustrative flag (the content of the CSV exports, as /action-plan/export/action-plan.json)",
                    ref("ActionPlanExport"),
                    links: ["Activity": link("getActivity", ["code": "$response.body#/activities/0/code"])]),
                "/newsletters": get(
                    "listNewsletterIssues", "Published newsletter issues, newest first, with their editions' article titles",
                    arrayOf("NewsletterIssue"),
                    links: [
                        "Issue": link(
                            "getNewsletterIssueOfNewsletter",
                            [
                                "newsletter": "$response.body#/0/newsletterSlug", "year": "$response.body#/0/year",
                                "number": "$response.body#/0/number",
                            ]),
                        "Article": link("getArticle", ["slug": "$response.body#/0/editions/0/articles/0/slug"]),
                    ]),
                "/newsletters/{year}/{number}": get(
                    "getNewsletterIssue",
                    "One published issue of the first newsletter with its editions and their articles in full", ref("NewsletterIssue"),
                    parameters: [
                        ["name": "year", "in": "path", "required": true, "schema": ["type": "integer"]],
                        ["name": "number", "in": "path", "required": true, "schema": ["type": "integer"]],
                    ],
                    links: ["Article": link("getArticle", ["slug": "$response.body#/editions/0/articles/0/slug"])]),
                "/newsletters/{newsletter}/{year}/{number}": get(
                    "getNewsletterIssueOfNewsletter",
                    "One published issue of the newsletter with this slug, with its editions and their articles in full",
                    ref("NewsletterIssue"),
                    parameters: [
                        ["name": "newsletter", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[a-z0-9-]+$"]],
                        ["name": "year", "in": "path", "required": true, "schema": ["type": "integer"]],
                        ["name": "number", "in": "path", "required": true, "schema": ["type": "integer"]],
                    ],
                    links: ["Article": link("getArticle", ["slug": "$response.body#/editions/0/articles/0/slug"])]),
                "/articles/{slug}": get(
                    "getArticle", "One article of a published issue", ref("Article"),
                    parameters: [
                        ["name": "slug", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[a-z0-9-]+$"]]
                    ]),
                "/search": get(
                    "search",
                    "Search across articles, newsletter issues, meetings, documents, the action plan and the network, each result only if the caller may see it: Han characters match one by one and in neighbouring pairs, English words by their stem; ranked by relevance, then the newest. A query matching more than 1,000 records is counted to 1,000 (more is true; counts per kind stop at 1,000 too) and relevance ranks its 1,000 most recently changed matches",
                    ref("SearchResults"),
                    parameters: [
                        [
                            "name": "q", "in": "query", "required": true,
                            "description":
                                "Words, a quoted phrase or Chinese characters (at most 500 characters are read; one that searches for nothing, such as a lone Latin letter, answers no results and a notice saying why)",
                            "schema": ["type": "string"],
                        ],
                        [
                            "name": "kind", "in": "query", "required": false, "description": "Only results of this kind",
                            "schema": ["type": "string", "enum": SearchDocument.Kind.allCases.map(\.rawValue) + [""]],
                        ],
                        [
                            "name": "year", "in": "query", "required": false, "description": "Only results of this year",
                            "schema": ["type": "string", "pattern": "^([0-9]{4})?$"],
                        ],
                        [
                            "name": "country", "in": "query", "required": false,
                            "description": "ISO 3166 alpha-2 code; only results concerning that country",
                            "schema": ["type": "string", "pattern": "^([A-Za-z]{2})?$"],
                        ],
                        [
                            "name": "area", "in": "query", "required": false, "description": "Priority area code",
                            "schema": ["type": "string", "pattern": "^([A-Za-z0-9.-]{1,32})?$"],
                        ],
                        [
                            "name": "lang_filter", "in": "query", "required": false, "description": "Only texts written in this language",
                            "schema": ["type": "string", "enum": ["en", "zh", ""]],
                        ],
                        [
                            "name": "page", "in": "query", "required": false, "description": "Page of 20 results, from 1",
                            "schema": ["type": "string", "pattern": "^([0-9]{1,6})?$"],
                        ],
                    ]),
                "/meetings/{slug}": get(
                    "getMeeting",
                    "One meeting with its agenda, statements, outcomes, attendance summary and the participants on the public list",
                    ref("MeetingDetail"),
                    parameters: [
                        ["name": "slug", "in": "path", "required": true, "schema": ["type": "string", "pattern": "^[a-z0-9-]+$"]]
                    ]),
                "/consultations": get(
                    "listConsultationRounds",
                    "Consultation rounds the caller takes part in, newest deadline first: none for anonymous callers, the rounds of their country for focal points, all for staff",
                    arrayOf("ConsultationRound"),
                    links: ["ConsultationRound": link("getConsultationRound", ["id": "$response.body#/0/id"])]),
                "/consultations/{id}": get(
                    "getConsultationRound",
                    "One round: the circulated text, where each invited member state stands, and the comments the caller may read (their own country's; other countries' only after the round has closed and if its answers are shared with member states; staff every submitted one)",
                    ref("ConsultationRoundDetail"),
                    parameters: [["name": "id", "in": "path", "required": true, "schema": uuid]]),
            ],
            "components": ["schemas": schemas],
        ]
    }

    /// A read operation; `links` say which operations its answer leads to (list to record, record to
    /// related lists), so clients and the stateful fuzzer (`scripts/ci/fuzz-api`) can follow them.
    private static func get(
        _ operationId: String, _ summary: String, _ schema: [String: Any], parameters: [[String: Any]] = [],
        links: [String: [String: Any]] = [:]
    ) -> [String: Any] {
        var ok: [String: Any] = ["description": "OK", "content": ["application/json": ["schema": schema]]]
        if !links.isEmpty { ok["links"] = links }
        var responses: [String: Any] = [
            "200": ok,
            "422": [
                "description": "Invalid parameter: the problem names the field",
                "content": ["application/json": ["schema": ref("Problem")]],
            ],
        ]
        // A path names one record: one that does not exist, or that the caller may not see, is 404.
        if parameters.contains(where: { $0["in"] as? String == "path" }) {
            responses["404"] = [
                "description": "No such record visible to the caller (also for a malformed path parameter)",
                "content": ["application/json": ["schema": ref("Problem")]],
            ]
        }
        return [
            "get": ["operationId": operationId, "summary": summary, "parameters": parameters, "responses": responses] as [String: Any]
        ]
    }

    /// An OpenAPI link to another operation, each of its parameters given by a runtime expression
    /// (`$response.body#/0/slug`: the first record of a list; `$request.path.code`: this request's own).
    private static func link(_ operationId: String, _ parameters: [String: String]) -> [String: Any] {
        ["operationId": operationId, "parameters": parameters]
    }

    private static func ref(_ name: String) -> [String: Any] { ["$ref": "#/components/schemas/\(name)"] }
    private static func arrayOf(_ name: String) -> [String: Any] { ["type": "array", "items": ref(name)] }

    /// Absent values are left out of responses, so nullable properties are the optional ones.
    private static func object(_ properties: [String: [String: Any]]) -> [String: Any] {
        func nullable(_ schema: [String: Any]) -> Bool {
            ((schema["type"] as? [String]) ?? []).contains("null")
                || ((schema["oneOf"] as? [[String: Any]]) ?? []).contains { ($0["type"] as? String) == "null" }
        }
        let required = properties.filter { !nullable($0.value) }.keys.sorted()
        return ["type": "object", "required": required, "additionalProperties": false, "properties": properties]
    }

    /// A dashboard figure: its numbers and whether any of them is computed from an illustrative record.
    private static func figure(_ properties: [String: [String: Any]]) -> [String: Any] {
        object(properties.merging(["illustrative": ["type": "boolean"]]) { $1 })
    }

    private static var string: [String: Any] { ["type": "string"] }
    private static var nullableDate: [String: Any] { ["type": ["string", "null"], "format": "date"] }
    private static var uuid: [String: Any] { ["type": "string", "format": "uuid"] }
    private static var nullableDateTime: [String: Any] { ["type": ["string", "null"], "format": "date-time"] }
    private static func oneOf<E: RawRepresentable & CaseIterable>(_ type: E.Type) -> [String: Any] where E.RawValue == String {
        ["type": "string", "enum": E.allCases.map(\.rawValue)]
    }

    private static var schemas: [String: Any] {
        [
            "Bilingual": object(["en": string, "zh": string]),
            "SearchResults": object([
                "query": string, "notice": ["type": ["string", "null"]], "total": ["type": "integer"], "more": ["type": "boolean"],
                "page": ["type": "integer"],
                "pageCount": ["type": "integer"],
                "counts": ["type": "object", "additionalProperties": ["type": "integer"]],
                "results": arrayOf("SearchHit"),
            ]),
            "SearchHit": object([
                "kind": ["type": "string", "enum": SearchDocument.Kind.allCases.map(\.rawValue)], "id": uuid, "title": ref("Bilingual"),
                "url": string, "snippet": string, "year": ["type": ["integer", "null"]],
            ]),
            "Country": object([
                "code": ["type": "string", "pattern": "^[A-Z]{2}$"], "name": ref("Bilingual"), "group": oneOf(CountryGroup.self),
                "membershipSince": nullableDate, "focalPoints": arrayOf("FocalPoint"),
            ]),
            "FocalPoint": object([
                "personId": uuid, "roleType": oneOf(FocalPointRoleType.self), "rank": oneOf(FocalPointRank.self),
                "status": oneOf(AppointmentStatus.self), "startDate": nullableDate, "endDate": nullableDate,
                "illustrative": ["type": "boolean"],
            ]),
            "Organisation": object([
                "id": uuid, "name": ref("Bilingual"), "acronym": string, "kind": oneOf(OrganisationKind.self),
                "countryCode": ["type": ["string", "null"]], "parentId": ["type": ["string", "null"], "format": "uuid"],
            ]),
            "Person": object([
                "id": uuid, "name": ref("Bilingual"), "honorific": string,
                "preferredLanguage": ["type": ["string", "null"], "enum": ["en", "zh", NSNull()]],
                "illustrative": ["type": "boolean"], "positions": arrayOf("Position"), "contactPoints": arrayOf("ContactPoint"),
            ]),
            "Position": object(["title": ref("Bilingual"), "organisationId": uuid, "startDate": nullableDate, "endDate": nullableDate]),
            "ContactPoint": object(["kind": oneOf(ContactKind.self), "value": string, "visibility": oneOf(Visibility.self)]),
            "ActionPlan": object(["strategy": ["oneOf": [ref("Strategy"), ["type": "null"]]], "priorityAreas": arrayOf("PriorityArea")]),
            "Strategy": object([
                "slug": string, "title": ref("Bilingual"), "firstYear": ["type": "integer"], "lastYear": ["type": "integer"],
                "adoptedOn": nullableDate,
                "version": string, "documentSlug": ["type": ["string", "null"]],
            ]),
            "PriorityArea": object([
                "code": string, "title": ref("Bilingual"), "progress": ["type": ["number", "null"]],
                "progressIllustrative": ["type": "boolean"], "illustrative": ["type": "boolean"], "activities": arrayOf("ActivitySummary"),
            ]),
            "PriorityAreaDetail": object([
                "code": string, "title": ref("Bilingual"), "description": ref("Bilingual"), "progress": ["type": ["number", "null"]],
                "progressIllustrative": ["type": "boolean"], "illustrative": ["type": "boolean"], "activities": arrayOf("ActivitySummary"),
                "indicators": arrayOf("IndicatorResult"),
            ]),
            "ActivitySummary": object([
                "code": string, "title": ref("Bilingual"), "status": oneOf(ActivityStatus.self), "progress": ["type": ["number", "null"]],
                "progressIllustrative": ["type": "boolean"], "illustrative": ["type": "boolean"],
            ]),
            "IndicatorResult": object([
                "code": string, "title": ref("Bilingual"), "activityCode": ["type": ["string", "null"]],
                "priorityAreaCode": ["type": ["string", "null"]], "measure": oneOf(IndicatorMeasure.self), "unit": string,
                "direction": oneOf(IndicatorDirection.self), "baselineValue": ["type": ["number", "null"]], "baselineText": string,
                "baselineYear": ["type": ["integer", "null"]], "targets": arrayOf("ExportTarget"), "actuals": arrayOf("ExportActual"),
                "periods": arrayOf("IndicatorPeriod"), "illustrative": ["type": "boolean"],
            ]),
            "ActivityDetail": object([
                "code": string, "title": ref("Bilingual"), "description": ref("Bilingual"), "priorityArea": string,
                "status": oneOf(ActivityStatus.self), "leadOrganisationId": ["type": ["string", "null"], "format": "uuid"],
                "leadOrganisation": ["oneOf": [ref("Bilingual"), ["type": "null"]]],
                "plannedStart": nullableDate, "plannedEnd": nullableDate, "actualStart": nullableDate, "actualEnd": nullableDate,
                "sustainableDevelopmentGoals": ["type": "array", "items": ["type": "integer"]],
                "participants": arrayOf("ActivityParticipant"),
                "indicators": arrayOf("Indicator"), "reports": arrayOf("ProgressReport"), "evidence": arrayOf("Evidence"),
                "illustrative": ["type": "boolean"],
            ]),
            "ActivityParticipant": object([
                "countryCode": ["type": ["string", "null"]], "organisationId": ["type": ["string", "null"], "format": "uuid"],
                "role": oneOf(ActivityRole.self),
            ]),
            "Indicator": object([
                "code": string, "title": ref("Bilingual"), "measure": oneOf(IndicatorMeasure.self),
                "direction": oneOf(IndicatorDirection.self),
                "baselineValue": ["type": ["number", "null"]], "baselineYear": ["type": ["integer", "null"]],
                "periods": arrayOf("IndicatorPeriod"),
                "illustrative": ["type": "boolean"],
            ]),
            "IndicatorPeriod": object([
                "year": ["type": "integer"], "target": ["type": ["number", "null"]], "actual": ["type": ["number", "null"]],
            ]),
            "ActionPlanExport": object([
                "strategy": ["oneOf": [ref("Strategy"), ["type": "null"]]], "priorityAreas": arrayOf("ExportPriorityArea"),
                "activities": arrayOf("ExportActivity"),
            ]),
            "ExportPriorityArea": object([
                "code": string, "title": ref("Bilingual"), "illustrative": ["type": "boolean"], "indicators": arrayOf("ExportIndicator"),
            ]),
            "ExportActivity": object([
                "code": string, "title": ref("Bilingual"), "description": ref("Bilingual"), "priorityArea": string,
                "status": oneOf(ActivityStatus.self), "leadOrganisationId": ["type": ["string", "null"], "format": "uuid"],
                "leadOrganisation": ["oneOf": [ref("Bilingual"), ["type": "null"]]], "parentCode": ["type": ["string", "null"]],
                "plannedStart": nullableDate, "plannedEnd": nullableDate, "actualStart": nullableDate, "actualEnd": nullableDate,
                "sustainableDevelopmentGoals": ["type": "array", "items": ["type": "integer"]],
                "participants": arrayOf("ActivityParticipant"), "indicators": arrayOf("ExportIndicator"),
                "illustrative": ["type": "boolean"],
            ]),
            "ExportIndicator": object([
                "code": string, "title": ref("Bilingual"), "measure": oneOf(IndicatorMeasure.self), "unit": string,
                "direction": oneOf(IndicatorDirection.self), "baselineValue": ["type": ["number", "null"]], "baselineText": string,
                "baselineYear": ["type": ["integer", "null"]], "targets": arrayOf("ExportTarget"), "actuals": arrayOf("ExportActual"),
                "illustrative": ["type": "boolean"],
            ]),
            "ExportTarget": object([
                "year": ["type": "integer"], "value": ["type": ["number", "null"]], "text": string, "illustrative": ["type": "boolean"],
            ]),
            "ExportActual": object([
                "year": ["type": "integer"], "countryCode": ["type": ["string", "null"]], "value": ["type": ["number", "null"]],
                "text": string, "illustrative": ["type": "boolean"],
            ]),
            "ProgressReport": object([
                "id": uuid, "activityCode": string, "year": ["type": "integer"], "countryCode": ["type": ["string", "null"]],
                "status": oneOf(ReportStatus.self), "narrative": ref("Bilingual"), "actuals": arrayOf("ReportActual"),
                "illustrative": ["type": "boolean"],
            ]),
            "ReportActual": object([
                "indicatorCode": string, "countryCode": ["type": ["string", "null"]], "value": ["type": ["number", "null"]], "text": string,
                "illustrative": ["type": "boolean"],
            ]),
            "Dashboards": object([
                "progressByArea": figure(["areas": arrayOf("DashboardAreaProgress")]),
                "activitiesByStatus": figure(["counts": arrayOf("DashboardStatusCount")]),
                "actualAgainstTarget": figure(["indicators": arrayOf("DashboardIndicatorSeries")]),
                "participation": figure(["countries": arrayOf("DashboardParticipation")]),
                "focalPointCoverage": figure(["countries": arrayOf("DashboardCoverage")]),
                "termsEnding": figure(["days": ["type": "integer"], "appointments": arrayOf("DashboardEndingTerm")]),
            ]),
            "DashboardAreaProgress": object([
                "code": string, "title": ref("Bilingual"), "activities": ["type": "integer"], "progress": ["type": ["number", "null"]],
                "illustrative": ["type": "boolean"],
            ]),
            "DashboardStatusCount": object(["status": oneOf(ActivityStatus.self), "activities": ["type": "integer"]]),
            "DashboardIndicatorSeries": object([
                "code": string, "periods": arrayOf("IndicatorPeriod"), "illustrative": ["type": "boolean"],
            ]),
            "DashboardParticipation": object([
                "countryCode": string,
                "years": [
                    "type": "array",
                    "items": object(["year": ["type": "integer"], "meetings": ["type": "integer"], "activities": ["type": "integer"]]),
                ],
            ]),
            "DashboardCoverage": object([
                "countryCode": string,
                "roles": [
                    "type": "array",
                    "items": object([
                        "roleType": oneOf(FocalPointRoleType.self), "coverage": oneOf(ActionPlanDashboard.CoverageLevel.self),
                    ]),
                ],
            ]),
            "DashboardEndingTerm": object([
                "countryCode": string, "roleType": oneOf(FocalPointRoleType.self), "rank": oneOf(FocalPointRank.self), "personId": uuid,
                "endDate": nullableDate, "illustrative": ["type": "boolean"],
            ]),
            "Evidence": object(["kind": oneOf(EvidenceTarget.self), "id": uuid]),
            "NewsletterIssue": object([
                "year": ["type": "integer"], "number": ["type": "integer"], "publicationDate": ["type": "string", "format": "date"],
                "newsletter": ref("Bilingual"), "newsletterSlug": ["type": "string"],
                "theme": ["oneOf": [ref("Bilingual"), ["type": "null"]]], "url": ["type": "string", "format": "uri"],
                "editions": arrayOf("Edition"),
            ]),
            "Edition": object([
                "language": ["type": "string", "enum": ["en", "zh"]], "status": oneOf(EditionStatus.self), "articles": arrayOf("Article"),
            ]),
            "Article": object([
                "slug": string, "language": ["type": "string", "enum": ["en", "zh"]], "title": string,
                "url": ["type": "string", "format": "uri"],
                "bodyMarkdown": ["type": ["string", "null"]], "bodyHTML": ["type": ["string", "null"]],
                "translationSlug": ["type": ["string", "null"]],
                "summary": ["type": ["string", "null"]], "byline": ["type": ["string", "null"]],
            ]),
            "MeetingSummary": object([
                "slug": string, "title": ref("Bilingual"), "type": oneOf(MeetingType.self), "status": oneOf(MeetingStatus.self),
                "mode": oneOf(MeetingMode.self), "timeZone": string, "startsAt": nullableDateTime, "endsAt": nullableDateTime,
                "allDay": ["type": "boolean"], "venue": ref("Bilingual"), "languages": ["type": "array", "items": string],
                "parentSlug": ["type": ["string", "null"]], "url": ["type": "string", "format": "uri"],
            ]),
            "MeetingDetail": object([
                "meeting": ref("MeetingSummary"), "hosts": ["type": "array", "items": uuid],
                "organisers": ["type": "array", "items": uuid],
                "agenda": arrayOf("AgendaItem"), "statements": arrayOf("Statement"), "outcomes": arrayOf("Outcome"),
                "attendance": ref("Attendance"), "participants": arrayOf("Participant"), "documents": ["type": "array", "items": string],
            ]),
            "AgendaItem": object([
                "position": ["type": "integer"], "startsAt": ["type": ["string", "null"]], "endsAt": ["type": ["string", "null"]],
                "title": ref("Bilingual"), "presenterId": ["type": ["string", "null"], "format": "uuid"],
                "illustrative": ["type": "boolean"],
            ]),
            "Statement": object(["position": ["type": "integer"], "speakerId": uuid, "summary": ref("Bilingual")]),
            "Outcome": object([
                "kind": oneOf(OutcomeKind.self), "text": ref("Bilingual"), "ownerCountryCode": ["type": ["string", "null"]],
                "ownerOrganisationId": ["type": ["string", "null"], "format": "uuid"], "dueDate": nullableDate,
                "status": oneOf(OutcomeStatus.self),
            ]),
            "Attendance": object([
                "delegatesPresent": ["type": "integer"], "statesRepresented": ["type": "integer"], "statesInvited": ["type": "integer"],
                "byCountry": arrayOf("AttendanceByCountry"),
            ]),
            "AttendanceByCountry": object(["countryCode": string, "invited": ["type": "integer"], "present": ["type": "integer"]]),
            "Participant": object([
                "personId": uuid, "name": ref("Bilingual"), "countryCode": ["type": ["string", "null"]],
                "organisationId": ["type": ["string", "null"], "format": "uuid"],
                "roles": ["type": "array", "items": oneOf(ParticipantRole.self)], "illustrative": ["type": "boolean"],
            ]),
            "ConsultationRound": object([
                "id": uuid, "documentSlug": string, "documentTitle": ref("Bilingual"), "number": ["type": "integer"],
                "mode": oneOf(RoundMode.self), "deadline": ["type": "string", "format": "date-time"], "timeZone": string,
                "answerVisibility": oneOf(AnswerVisibility.self), "open": ["type": "boolean"], "adopted": ["type": ["boolean", "null"]],
                "version": ["type": "integer"], "illustrative": ["type": "boolean"], "url": ["type": "string", "format": "uri"],
            ]),
            "ConsultationRoundDetail": object([
                "round": ref("ConsultationRound"), "paragraphs": arrayOf("DraftParagraph"), "countries": arrayOf("ConsultationCountry"),
                "comments": arrayOf("ConsultationComment"),
            ]),
            "DraftParagraph": object([
                "kind": oneOf(DraftText.Block.Kind.self), "number": ["type": ["string", "null"]], "text": ref("Bilingual"),
            ]),
            "ConsultationCountry": object(["countryCode": string, "state": oneOf(RoundRecord.CountryState.self)]),
            "ConsultationComment": object([
                "id": uuid, "paragraph": ["type": ["string", "null"]], "countryCode": string, "comment": string, "proposedWording": string,
                "response": ["oneOf": [oneOf(CommentResponse.self), ["type": "null"]]],
                "responseReason": string,
            ]),
            "Problem": [
                "type": "object", "required": ["status", "error", "reason"],
                "properties": [
                    "status": ["type": "integer"], "error": string, "reason": string,
                    "fields": ["type": "array", "items": object(["field": string, "reason": string])],
                ] as [String: Any],
            ],
        ]
    }
}
