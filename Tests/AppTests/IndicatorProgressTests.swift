import Fluent
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import App

@Suite("Indicator progress")
struct IndicatorProgressTests {
    typealias Point = IndicatorProgress.Point

    static func progress(_ measure: IndicatorMeasure = .unit, baseline: Double?, _ points: [(Int, Double?, Double?)]) -> Double? {
        IndicatorProgress.progress(
            measure: measure, baseline: baseline, points: points.map { Point(year: $0.0, target: $0.1, actual: $0.2) })
    }

    @Test("Rising indicators: the latest actual measured from the baseline to the final target")
    func increase() {
        // baseline 0, final target 10 (2025), latest actual 5 (2022) → half way
        #expect(Self.progress(baseline: 0, [(2021, 2, 3), (2022, 4, 5), (2023, 6, nil), (2025, 10, nil)]) == 0.5)
        // the latest year with an actual counts, not the largest value
        #expect(Self.progress(baseline: 0, [(2021, 2, 8), (2022, 4, 2), (2025, 10, nil)]) == 0.2)
        // points may come unsorted
        #expect(Self.progress(baseline: 20, [(2025, 90, nil), (2022, 45, 50), (2021, 30, 40)]) == 30.0 / 70.0)
        // no baseline counts from zero
        #expect(Self.progress(baseline: nil, [(2022, nil, 3), (2025, 12, nil)]) == 0.25)
        // the final target is that of the last year that has one
        #expect(Self.progress(baseline: 0, [(2022, nil, 4), (2024, 8, nil), (2025, nil, nil)]) == 0.5)
    }

    @Test("Falling indicators: progress grows as the value comes down from the baseline to the target")
    func decrease() {
        #expect(Self.progress(baseline: 100, [(2022, nil, 80), (2025, 50, nil)]) == 0.4)
        #expect(Self.progress(.percentage, baseline: 60, [(2023, nil, 45), (2025, 30, nil)]) == 0.5)
        #expect(Self.progress(baseline: 100, [(2022, nil, 100), (2025, 50, nil)]) == 0)
    }

    @Test("Progress is clamped to 0…1: overshooting the target is 1, falling back behind the baseline is 0")
    func clamping() {
        #expect(Self.progress(baseline: 0, [(2022, nil, 15), (2025, 10, nil)]) == 1)
        #expect(Self.progress(baseline: 10, [(2022, nil, 4), (2025, 20, nil)]) == 0)
        #expect(Self.progress(baseline: 100, [(2022, nil, 20), (2025, 50, nil)]) == 1)
        #expect(Self.progress(baseline: 100, [(2022, nil, 130), (2025, 50, nil)]) == 0)
    }

    @Test("No progress without actuals, without a numeric target, or for qualitative indicators")
    func undefined() {
        #expect(Self.progress(baseline: 0, [(2021, 2, nil), (2025, 10, nil)]) == nil)
        #expect(Self.progress(baseline: 0, []) == nil)
        #expect(Self.progress(baseline: 0, [(2022, nil, 5)]) == nil, "no target to measure against")
        #expect(Self.progress(.qualitative, baseline: nil, [(2021, nil, nil), (2022, nil, nil)]) == nil)
        #expect(Self.progress(.qualitative, baseline: 0, [(2022, nil, 5), (2025, 10, nil)]) == nil, "qualitative even with numbers")
    }

    @Test("A target equal to the baseline is met (1) when the actual equals it, and not (0) otherwise")
    func targetEqualsBaseline() {
        #expect(Self.progress(baseline: 10, [(2022, nil, 10), (2025, 10, nil)]) == 1)
        #expect(Self.progress(baseline: 10, [(2022, nil, 7), (2025, 10, nil)]) == 0)
        #expect(Self.progress(baseline: nil, [(2022, nil, 0), (2025, 0, nil)]) == 1)
        #expect(Self.progress(baseline: 10, [(2022, nil, 7), (2025, 10, nil)])?.isFinite == true, "never a division by zero")
    }

    @Test("Means ignore unknown values; percentages round and show a dash for none")
    func meanAndPercent() {
        #expect(IndicatorProgress.mean([0.5, nil, 1]) == 0.75)
        #expect(IndicatorProgress.mean([nil, nil]) == nil)
        #expect(IndicatorProgress.mean([]) == nil)
        #expect(IndicatorProgress.percent(30.0 / 70.0) == "43%")
        #expect(IndicatorProgress.percent(1) == "100%")
        #expect(IndicatorProgress.percent(nil) == "—")
    }

    @Test("On the demo, an area's progress is its activities' progress: CC 50%, BD 3/7, the qualitative area none")
    func demoAreaProgress() async throws {
        try await withApp(loadDemo: true) { app async throws in
            let data = try #require(try await ActionPlanData.load(on: app.db))
            #expect(data.strategy.firstYear == 2021 && data.strategy.lastYear == 2025)
            #expect(data.areas.map(\.code) == ["CC", "BD", "EX"])
            let areas = Dictionary(uniqueKeysWithValues: data.areas.map { ($0.code, $0) })
            #expect(data.progress(ofArea: try #require(areas["CC"])) == 0.5)
            let bdArea = try #require(areas["BD"])
            let bd = try #require(data.progress(ofArea: bdArea))
            #expect(abs(bd - 30.0 / 70.0) < 1e-9)
            #expect(data.progress(ofArea: try #require(areas["EX"])) == nil)
            #expect(data.hasIllustrative)
            let cc1 = try await Plan.activity(app, "CC-1")
            #expect(data.progress(ofActivity: cc1.id!) == 0.5)
            #expect(data.points[try await Plan.indicator(app, "CC-1.1").id!]?.map(\.actual) == [3, 5, nil, nil, nil])

            // An area's own indicator weighs as much as each of its activities
            let area = try #require(areas["CC"])
            let own = Indicator()
            own.code = "CC-0.1"
            own.titleEn = "Area indicator"
            own.titleZh = ""
            own.$priorityArea.id = area.id
            own.measure = .unit
            own.unitLabel = ""
            own.direction = .increase
            own.baselineValue = 0
            own.baselineText = ""
            own.illustrative = false
            try await own.save(on: app.db)
            let target = IndicatorTarget()
            target.$indicator.id = own.id!
            target.year = 2025
            target.value = 4
            target.text = ""
            try await target.save(on: app.db)
            let actual = IndicatorActual()
            actual.$indicator.id = own.id!
            actual.year = 2022
            actual.value = 4
            actual.text = ""
            actual.illustrative = false
            try await actual.save(on: app.db)
            let reloaded = try #require(try await ActionPlanData.load(on: app.db))
            #expect(reloaded.progress(ofArea: try #require(reloaded.areas.first { $0.code == "CC" })) == 0.75)

            // Country values add up where there is no total
            let cc11 = try await Plan.indicator(app, "CC-1.1")
            for (code, value) in [("MM", 2.0), ("TH", 3.0)] {
                let byCountry = IndicatorActual()
                byCountry.$indicator.id = cc11.id!
                byCountry.year = 2023
                byCountry.value = value
                byCountry.text = ""
                byCountry.illustrative = false
                byCountry.$country.id = try await Plan.country(app, code).id
                try await byCountry.save(on: app.db)
            }
            let summed = try #require(try await ActionPlanData.load(on: app.db))
            #expect(summed.points[cc11.id!]?.first { $0.year == 2023 }?.actual == 5)
            #expect(summed.progress(ofActivity: cc1.id!) == 0.5, "latest actual 5 (2023) of final target 10")
        }
    }
}
