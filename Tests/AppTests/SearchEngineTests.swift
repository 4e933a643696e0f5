import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Search: Chinese by characters and pairs, English by stems, on SQLite's FTS5")
struct SearchEngineTests {
    @Test("Han runs are indexed as characters and neighbouring pairs; words keep the rest")
    func indexing() {
        let indexed = SearchText.index("ASEAN 东盟环境 cooperation，气候")
        #expect(indexed.han1 == "东 盟 环 境 气 候")
        #expect(indexed.han2 == "东盟 盟环 环境 气候")
        #expect(indexed.words.contains("ASEAN") && indexed.words.contains("cooperation") && !indexed.words.contains("东"))
    }

    @Test("Indexing by bytes agrees with splitting by characters, for every script and a character past the BMP")
    func indexingByBytes() {
        let alphabet: [String] = ["a", "Z", " ", "é", "东", "盟", "环", "𠀀", "😀", "，", "-", "ß", "ア", "\n"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let text = (0..<Int.random(in: 0...30, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "" }.joined()
            let (words, runs) = SearchText.split(text)
            let indexed = SearchText.index(text)
            #expect(indexed.words == words, "\(text)")
            #expect(indexed.han1 == runs.flatMap { $0 }.map(String.init).joined(separator: " "), "\(text)")
            #expect(indexed.han2 == runs.flatMap(SearchText.pairs).joined(separator: " "), "\(text)")
        }
        #expect(SearchText.index("𠀀东").han2 == "𠀀东")
        let both = SearchText.scripts("Résumé 东盟")
        #expect(both.latin && both.han)
        let neither = SearchText.scripts("ア é 😀")
        #expect(!neither.latin && !neither.han)
    }

    @Test("A query becomes quoted terms: operators, quotes and brackets are only text")
    func queries() throws {
        let query = SearchQuery(#"biodiversity "Vong Sok" 东盟 NEAR(a b) * ("#)
        #expect(query.terms.contains(.words(["vong", "sok"])))
        #expect(query.terms.contains(.han(["东", "盟"])))
        let expression = try #require(FTS5Expression.make(query))
        #expect(expression.contains(#"{title_han2 body_han2}: "东盟""#))
        #expect(!expression.contains("NEAR("))
        // A star only ever follows a quoted word, as its prefix; the reader's own star is gone.
        #expect(expression.components(separatedBy: "*").dropLast().allSatisfy { $0.hasSuffix("\"") })
        #expect(FTS5Expression.make(SearchQuery("environment")) == #"{title_words body_words}: "environment"*"#)
        #expect(FTS5Expression.make(SearchQuery("2021")) == #"{title_words body_words}: "2021""#)
        #expect(FTS5Expression.make(SearchQuery("  \" ( * ")) == nil)
        // Typed as the reader types: a three-letter start, a digit beside a word, part of an address.
        #expect(FTS5Expression.make(SearchQuery("env")) == #"{title_words body_words}: "env"*"#)
        #expect(FTS5Expression.make(SearchQuery("fo")) == #"{title_words body_words}: "fo""#)
        #expect(FTS5Expression.make(SearchQuery("\"biodiversity\"")) == #"{title_words body_words}: "biodiversity""#)
        #expect(SearchQuery("delegate 4").meaningfulTerms.count == 2)
        #expect(SearchQuery("a").meaningfulTerms.isEmpty)
        #expect(SearchQuery("nfp.m").terms == [.words(["nfp", "m"], prefix: true)])
        #expect(FTS5Expression.make(SearchQuery("2021-2025")) == #"{title_words body_words}: "2021 2025""#)
        #expect(SearchQuery(String(repeating: "x ", count: 10_000)).text.count <= SearchQuery.maximumLength)
    }

    static func document(_ title: String, _ text: String, audience: Visibility = .public, kind: SearchDocument.Kind = .article)
        -> SearchDocument
    {
        SearchDocument(
            kind: kind, recordID: UUID(), url: "/x", titleEn: title, titleZh: "", text: text, audience: audience, updatedAt: Date())
    }

    @Test("One, two and three Han characters, stems, phrases and audiences, on the engine of the database")
    func engine() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let index = try SearchEngine.forDatabase(app.db)
            try await index.removeAll(on: app.db)
            let centre = Self.document("中国-东盟环境保护合作中心", "China-ASEAN Environmental Cooperation Center")
            let meeting = Self.document(
                "National Focal Point Meeting", "Vong Sok spoke on biodiversity conservation and climate change.")
            let framework = Self.document("Framework (2021-2025)", "Strategy and Action Plan 2021-2025")
            let secret = Self.document("Internal note", "biodiversity budget", audience: .secretariat)
            for document in [centre, meeting, framework, secret] { try await index.replace(document, on: app.db) }
            let anonymous = SearchCaller(role: .anonymous)
            func ids(_ text: String, _ caller: SearchCaller = anonymous) async throws -> Set<UUID> {
                Set(
                    try await index.search(SearchQuery(text), filters: .init(), caller: caller, limit: 20, offset: 0, on: app.db).hits
                        .map(\.recordID))
            }
            #expect(try await ids("东盟") == [centre.recordID])
            #expect(try await ids("盟") == [centre.recordID])
            #expect(try await ids("东盟环境") == [centre.recordID])
            #expect(try await ids("盟中").isEmpty, "characters that are not neighbours matched as a pair")
            #expect(try await ids("biodiversity") == [meeting.recordID], "a secretariat record reached an anonymous reader")
            #expect(try await ids("biodiversity", SearchCaller(role: .editor)) == [meeting.recordID, secret.recordID])
            #expect(try await ids("\"Vong Sok\"") == [meeting.recordID])
            #expect(try await ids("\"Sok Vong\"").isEmpty)
            #expect(try await ids("cooperate") == [centre.recordID], "stemming did not take cooperate to cooperation")
            #expect(try await ids("2021-2025") == [framework.recordID])
            try await index.remove(kind: .article, recordID: meeting.recordID, on: app.db)
            #expect(try await ids("biodiversity").isEmpty)
        }
    }

    @Test("A query matching more than 1,000 entries is counted to 1,000 and ranks the latest 1,000; filters still hold")
    func broadQueries() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let index = try SearchEngine.forDatabase(app.db)
            try await index.removeAll(on: app.db)
            let documents = (0..<1_300).map { number in
                SearchDocument(
                    kind: number % 2 == 0 ? .article : .meeting, recordID: UUID(), url: "/x/\(number)", titleEn: "Wetland note \(number)",
                    titleZh: "", text: "wetland", year: 2020 + number % 3, audience: number % 10 == 0 ? .secretariat : .public,
                    updatedAt: Date(timeIntervalSince1970: Double(number)))
            }
            try await index.insertAll(documents, on: app.db)
            let anonymous = SearchCaller(role: .anonymous)
            let all = try await index.search(SearchQuery("wetland"), filters: .init(), caller: anonymous, limit: 20, offset: 0, on: app.db)
            #expect(all.isCapped)
            #expect(all.pageable == SearchResults.countLimit)
            #expect(all.hits.count == 20)
            #expect(all.hits.allSatisfy { $0.audience == .public }, "a secretariat entry reached an anonymous reader")
            #expect(all.countsByKind[.article] == 520 && all.countsByKind[.meeting] == 650, "\(all.countsByKind)")
            let year = try await index.search(
                SearchQuery("wetland"), filters: .init(kinds: [.meeting], year: 2021), caller: anonymous, limit: 500, offset: 0, on: app.db)
            #expect(!year.isCapped)
            #expect(year.total == documents.filter { $0.kind == .meeting && $0.year == 2021 && $0.audience == .public }.count)
            #expect(year.hits.allSatisfy { $0.kind == .meeting && $0.year == 2021 })
            // The latest 1,000 are the ones ranked: the oldest entries are not among them.
            let pages = try await index.search(
                SearchQuery("wetland"), filters: .init(), caller: SearchCaller(role: .editor), limit: 1_000, offset: 0, on: app.db)
            #expect(pages.hits.count == SearchResults.countLimit)
            #expect(!pages.hits.contains { $0.url == "/x/0" })
        }
    }

    /// The suite runs on SQLite and on PostgreSQL (CI runs both): the same expected order on each
    /// is the same top results on both.
    @Test("Ranking: a match in the title first, then more matches before fewer, then the newer; the same order on both engines")
    func ranking() async throws {
        try await withApp(loadDemo: false) { app async throws in
            let index = try SearchEngine.forDatabase(app.db)
            try await index.removeAll(on: app.db)
            func entry(_ title: String, _ text: String, age: Double) -> SearchDocument {
                SearchDocument(
                    kind: .article, recordID: UUID(), url: "/x", titleEn: title, titleZh: "", text: text, audience: .public,
                    updatedAt: Date(timeIntervalSince1970: 1_600_000_000 - age))
            }
            let filler = (0..<20).map { entry("Filler \($0)", "river basin water quality report text", age: Double(100 + $0)) }
            let inTitle = entry("Biodiversity notes", "river basin water quality plan", age: 50)
            let thrice = entry("Field notes", "biodiversity biodiversity biodiversity water plan", age: 40)
            let once = entry("Other notes", "biodiversity river basin water plan", age: 30)
            let hanTitle = entry("东盟会议纪要", "合作交流项目文件汇编", age: 20)
            let hanThrice = entry("会议", "东盟东盟东盟合作", age: 21)
            let hanOnce = entry("会议", "东盟合作交流会议", age: 22)
            let older = entry("Wetland", "wetland restoration", age: 10)
            let newer = entry("Wetland", "wetland restoration", age: 5)
            try await index.insertAll(
                filler + [inTitle, thrice, once, hanTitle, hanThrice, hanOnce, older, newer].sorted { $0.updatedAt < $1.updatedAt },
                on: app.db)
            func top(_ text: String) async throws -> [UUID] {
                try await index.search(
                    SearchQuery(text), filters: .init(), caller: SearchCaller(role: .anonymous), limit: 3, offset: 0, on: app.db
                ).hits.map(\.recordID)
            }
            #expect(try await top("biodiversity") == [inTitle, thrice, once].map(\.recordID))
            #expect(try await top("东盟") == [hanTitle, hanThrice, hanOnce].map(\.recordID))
            #expect(try await top("wetland") == [newer, older].map(\.recordID))
        }
    }

    @Test("The demo: the centre by 东盟, the seed's meeting by biodiversity and by Vong Sok, the framework by 2021-2025")
    func demo() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let indexed = try await SearchRebuild.run(on: app.db)
            #expect(indexed > 10)
            let index = try SearchEngine.forDatabase(app.db)
            func urls(_ text: String) async throws -> [String] {
                try await index.search(
                    SearchQuery(text), filters: .init(), caller: SearchCaller(role: .anonymous), limit: 10, offset: 0, on: app.db
                )
                .hits.map(\.url)
            }
            #expect(try await !urls("东盟").isEmpty)
            #expect(try await urls("biodiversity").contains("/meetings/" + SeedMeeting.slug))
            #expect(try await urls("Vong Sok").contains("/meetings/" + SeedMeeting.slug))
            #expect(try await urls("2021-2025").contains { $0.hasPrefix("/documents/") })
        }
    }

    @Test("The index follows saves, deletes and publication, and rolls back with a failed transaction")
    func followsRecords() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let index = try SearchEngine.forDatabase(app.db)
            func found(_ text: String, as role: Role = .anonymous) async throws -> [String] {
                try await index.search(
                    SearchQuery(text), filters: .init(), caller: SearchCaller(role: role), limit: 10, offset: 0, on: app.db
                )
                .hits.map(\.url)
            }
            let meeting = try #require(try await Meeting.query(on: app.db).filter(\.$slug == SeedMeeting.slug).first())
            meeting.discussionEn += " Zanzibarian wetlands were mentioned."
            try await meeting.save(on: app.db)
            #expect(try await found("zanzibarian") == ["/meetings/" + SeedMeeting.slug])
            meeting.visibility = .secretariat
            try await meeting.save(on: app.db)
            #expect(try await found("zanzibarian").isEmpty, "a meeting made restricted is still found by anonymous readers")
            #expect(try await found("zanzibarian", as: .editor) == ["/meetings/" + SeedMeeting.slug])

            struct Rollback: Error {}
            try? await app.db.transaction { db in
                meeting.discussionEn += " Quokkanese delegates."
                try await meeting.save(on: db)
                throw Rollback()
            }
            #expect(try await found("quokkanese", as: .editor).isEmpty, "a rolled-back change is in the index")
        }
    }
}
