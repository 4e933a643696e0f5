import Fluent
import Foundation

/// An illustrative consultation, so every consultation screen has something to show. The seed says
/// the meeting "exchanged opinions on the ASEAN-China Year of Sustainable Development Cooperation
/// outcomes and documents" but gives none of their text: the draft, the answers and the responses
/// here are examples, marked illustrative wherever they appear. Round 1 closed with its matrix
/// answered; round 2, on the revision, is open.
enum SeedConsultation {
    static let slug = "illustrative-draft-outcome-year-of-sustainable-development-cooperation"

    static let version1 = """
        # Preamble

        We, the National Focal Points of China and the ASEAN Member States, meeting on the ASEAN-China Year of Sustainable Development Cooperation (illustrative text),

        Recall the Framework of ASEAN-China Environmental Cooperation Strategy and Action Plan (2021-2025).

        # Cooperation

        Agree to strengthen exchange and practical cooperation on climate change and biodiversity conservation.

        Encourage joint activities under the ASEAN-China Environmental Cooperation Forum.

        Request the secretariat to report on progress at the next National Focal Point Meeting.
        """

    static func load(countries: [String: Country], meetingID: UUID?, recorder: DemoRecorder, now: Date = Date()) async throws {
        let db = recorder.db
        let zone = TimeZone(identifier: "Asia/Shanghai") ?? .gmt
        /// 17:00 in Beijing, so many days from today.
        func deadline(_ days: Int) -> Date {
            let day = MeetingTime.local(now.addingTimeInterval(Double(days) * 86_400), in: zone).date
            return MeetingTime.instant(date: day, time: "17:00", in: zone) ?? now.addingTimeInterval(Double(days) * 86_400)
        }
        let document = Document()
        document.slug = slug
        document.titleEn = "Draft outcome document of the ASEAN-China Year of Sustainable Development Cooperation (illustrative)"
        document.titleZh = "中国—东盟可持续发展合作年成果文件草案（示例）"
        document.type = .outcomeDocument
        document.lifecycle = .forComment
        document.access = .network
        document.descriptionEn =
            "Illustrative: the seed names the Year's outcomes and documents but not their text. This draft and its consultation are examples."
        document.descriptionZh = "示例：种子资料提到了合作年的成果和文件，但未给出其文本。此草案及其征求意见过程均为示例。"
        try await recorder.save(document, entity: "document", summary: document.titleEn)
        if let meetingID {
            try await recorder.save(
                DocumentLink(documentID: document.savedID, target: .meeting, targetID: meetingID), entity: "document_link",
                summary: document.titleEn)
        }

        let first = DraftVersion(documentID: document.savedID, number: 1, note: "First draft for comments", illustrative: true)
        first.frozenAt = now.addingTimeInterval(-45 * 86_400)
        try await recorder.save(first, entity: "draft_version", summary: "version 1")
        for (position, block) in DraftText.blocks(version1).enumerated() {
            try await DraftParagraph(
                versionID: first.savedID, position: position + 1, kind: block.kind, number: block.number, textEn: block.text, textZh: ""
            ).save(on: db)
        }
        let invited = ["BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "VN", "CN"].compactMap { countries[$0] }
        let round1 = try await round(
            document, version: first, number: 1, deadline: deadline(-30), countries: invited, recorder: recorder)
        round1.concludedAt = round1.deadline
        try await round1.save(on: db)

        let answers: [(String, [(String, String, String, CommentResponse, String)], Bool)] = [
            (
                "KH",
                [
                    (
                        "3", "Name the areas the Strategy gives priority to.",
                        "Agree to strengthen exchange and practical cooperation on climate change, biodiversity conservation and other key regional environmental issues.",
                        .accepted, ""
                    ),
                    ("", "Cambodia supports the draft in general.", "", .noted, ""),
                ], false
            ),
            (
                "MM",
                [
                    (
                        "5", "A date helps the secretariat plan its report.",
                        "Request the secretariat to report on progress at the next National Focal Point Meeting in 2022.", .notAccepted,
                        "The date of the next meeting is not yet fixed."
                    )
                ],
                false
            ),
            ("TH", [], false),
            (
                "VN",
                [
                    (
                        "4", "Mention the Environmental Cooperation Week as well.", "", .partlyAccepted,
                        "Noted for the Forum's programme; the paragraph stays general."
                    )
                ], true
            ),
        ]
        for (code, comments, late) in answers {
            guard let country = countries[code] else { continue }
            let answer = CountryAnswer(roundID: round1.savedID, countryID: country.savedID, illustrative: true)
            answer.status = .submitted
            answer.noComments = comments.isEmpty
            answer.submittedAt = round1.deadline.addingTimeInterval(late ? 2 * 86_400 : -3 * 86_400)
            answer.submittedBy = "nfp.\(code.lowercased())@example.org"
            answer.late = late
            try await recorder.save(
                answer, entity: "country_answer", summary: "round 1, " + country.nameEn, values: ["status": "submitted"])
            if late,
                let invitation = try await RoundCountry.query(on: db).filter(\.$round.$id == round1.savedID).filter(
                    \.$country.$id == country.savedID
                ).first()
            {
                invitation.reopenedUntil = round1.deadline.addingTimeInterval(3 * 86_400)
                try await invitation.save(on: db)
            }
            for (number, text, wording, response, reason) in comments {
                let paragraph =
                    number.isEmpty
                    ? nil
                    : try await DraftParagraph.query(on: db).filter(\.$version.$id == first.savedID).filter(\.$number == number).first()
                let comment = AnswerComment(
                    answerID: answer.savedID, paragraph: paragraph, comment: text, proposedWording: wording, author: answer.submittedBy)
                try await comment.save(on: db)
                try await CommentResponding.respond(
                    comment.savedID, response: response, reason: reason, seenRevision: 0, actor: nil, actorLabel: "demo loader", on: db)
            }
        }
        let accepted = try await AnswerComment.query(on: db).filter(\.$response == .accepted).filter(\.$proposedWording != "").all()
        let second = try await DraftEditing.startRevision(
            of: document, applying: accepted, note: "Revised after round 1", actor: nil, illustrative: true, on: db)
        let round2 = try await round(document, version: second, number: 2, deadline: deadline(14), countries: invited, recorder: recorder)
        second.frozenAt = now
        try await second.save(on: db)
        if let thailand = countries["TH"] {
            let answer = CountryAnswer(roundID: round2.savedID, countryID: thailand.savedID, illustrative: true)
            answer.status = .submitted
            answer.noComments = true
            answer.submittedAt = now.addingTimeInterval(-86_400)
            answer.submittedBy = "nfp.th@example.org"
            try await recorder.save(answer, entity: "country_answer", summary: "round 2, Thailand", values: ["status": "submitted"])
        }
    }

    /// A round as the demo's past made it; the circulation form refuses deadlines in the past.
    private static func round(
        _ document: Document, version: DraftVersion, number: Int, deadline: Date, countries: [Country], recorder: DemoRecorder
    ) async throws -> ConsultationRound {
        let round = ConsultationRound()
        round.$document.id = document.savedID
        round.$version.id = version.savedID
        round.number = number
        round.mode = .comments
        round.deadline = deadline
        round.timeZone = "Asia/Shanghai"
        round.answerVisibility = .memberStates
        round.illustrative = true
        round.circulatedBy = "demo loader"
        try await recorder.save(round, entity: "consultation_round", summary: document.titleEn + ", round \(number)")
        for country in countries {
            let invitation = RoundCountry(roundID: round.savedID, countryID: country.savedID)
            invitation.reminded3dAt = deadline < Date() ? deadline : nil
            invitation.reminded1dAt = deadline < Date() ? deadline : nil
            try await invitation.save(on: recorder.db)
        }
        return round
    }
}
