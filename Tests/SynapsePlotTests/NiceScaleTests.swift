import Testing
@testable import SynapsePlot

@Suite("NiceScale")
struct NiceScaleTests {
    static func isNice(_ step: Double) -> Bool {
        let mantissa = step / pow10(step)
        return [1.0, 2, 5].contains { abs(mantissa - $0) < 1e-9 }
    }

    static func pow10(_ value: Double) -> Double {
        var power = 1.0
        while power > value { power /= 10 }
        while power * 10 <= value * (1 + 1e-12) { power *= 10 }
        return power
    }

    @Test("ticks are multiples of a 1-2-5 step and cover the data", arguments: [
        (0.13, 0.92), (-3.7, 12.2), (0, 1), (1, 10), (0.0012, 0.0047), (-250, -3), (1e5, 3.3e6), (0.5, 0.5001),
        (-1e-6, 1e-6), (42, 42),
    ])
    func niceAndCovering(range: (Double, Double)) {
        let scale = NiceScale(covering: range.0, range.1, maximumTickCount: 8)
        #expect(Self.isNice(scale.step), "step \(scale.step)")
        #expect(scale.lower <= range.0 && scale.upper >= range.1)
        #expect(scale.tickCount >= 2 && scale.tickCount <= 8)
        let ticks = scale.ticks
        #expect(ticks.first == scale.lower && abs(ticks.last! - scale.upper) <= scale.step * 1e-9)
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs(b - a - scale.step) < scale.step * 1e-6) }
        for tick in ticks { #expect(abs(tick / scale.step - (tick / scale.step).rounded()) < 1e-6) }
        // No more than one step of empty space on either side.
        #expect(range.0 - scale.lower < scale.step + 1e-12 || range.0 == range.1)
    }

    @Test("a typical loss range gets the ticks a person would choose")
    func typicalTicks() {
        let scale = NiceScale(covering: 0.13, 0.92, maximumTickCount: 6)
        #expect(scale.step == 0.2)
        #expect(scale.labels == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
    }

    @Test("labels never show floating-point noise or negative zero")
    func cleanLabels() {
        let scale = NiceScale(covering: -0.3, 0.3, maximumTickCount: 7)
        #expect(scale.labels == ["-0.3", "-0.2", "-0.1", "0.0", "0.1", "0.2", "0.3"])
    }

    @Test("integer steps never go below 1")
    func integerSteps() {
        let scale = NiceScale(covering: 1, 3, maximumTickCount: 10, integerSteps: true)
        #expect(scale.step == 1)
        #expect(scale.labels == ["1", "2", "3"])
    }

    @Test("large and tiny ranges use scientific labels")
    func scientific() {
        #expect(NiceScale(covering: 0, 4e6, maximumTickCount: 5).labels == ["0", "1e6", "2e6", "3e6", "4e6"])
        #expect(NiceScale(covering: 0, 3e-5, maximumTickCount: 4).labels == ["0", "1e-5", "2e-5", "3e-5"])
        #expect(NiceScale(covering: 1e6, 1.5e6, maximumTickCount: 6).labels == ["1.0e6", "1.1e6", "1.2e6", "1.3e6", "1.4e6", "1.5e6"])
    }

    @Test("non-finite bounds fall back to [0, 1]")
    func nonFinite() {
        let scale = NiceScale(covering: .nan, .infinity)
        #expect(scale.lower == 0 && scale.upper == 1)
    }

    @Test("fixed limits keep their bounds and put nice ticks inside")
    func fixedLimits() {
        let scale = NiceScale(limits: 0.05...0.95, maximumTickCount: 6)
        #expect(scale.lower == 0.05 && scale.upper == 0.95)
        #expect(scale.labels == ["0.2", "0.4", "0.6", "0.8"])
    }

    @Test("nice steps round up to 1, 2 or 5 times a power of ten")
    func niceStep() {
        #expect(NiceScale.niceStep(atLeast: 0.13) == 0.2)
        #expect(NiceScale.niceStep(atLeast: 3) == 5)
        #expect(NiceScale.niceStep(atLeast: 7) == 10)
        #expect(NiceScale.niceStep(atLeast: 100) == 100)
    }
}
