import Foundation

/// An axis range with "nice" tick marks: steps of 1, 2 or 5 times a power of ten,
/// and limits rounded outwards to whole steps so the ticks cover the data.
///
/// ```swift
/// let scale = NiceScale(covering: 0.13, 0.92)
/// scale.ticks     // [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
/// scale.labels    // ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"]
/// ```
public struct NiceScale: Sendable, Equatable {
    /// The axis start: for a covering scale, a multiple of ``step`` at or below the smallest value.
    public let lower: Double
    /// The axis end: for a covering scale, a multiple of ``step`` at or above the largest value.
    public let upper: Double
    /// The distance between ticks: 1, 2 or 5 × 10ⁿ.
    public let step: Double
    /// Index of the first tick: the first tick is `firstIndex * step`.
    private let firstIndex: Double
    /// Number of ticks (at least 2 for a scale that covers data; a fixed range may hold fewer).
    public let tickCount: Int

    /// A scale covering `[low, high]` with at most `maximumTickCount` ticks.
    ///
    /// - Parameters:
    ///   - low: one end of the data range (the ends may come in either order). Non-finite
    ///     bounds give `[0, 1]`; an empty range (`low == high`) is widened by 10 % of the
    ///     value (or ±1 at zero).
    ///   - high: the other end of the data range.
    ///   - maximumTickCount: at most this many ticks (at least 2).
    ///   - integerSteps: never step by less than 1 (for counts and epochs).
    public init(covering low: Double, _ high: Double, maximumTickCount: Int = 8, integerSteps: Bool = false) {
        var (low, high) = (min(low, high), max(low, high))
        if !low.isFinite || !high.isFinite { (low, high) = (0, 1) }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            (low, high) = (low - pad, high + pad)
        }
        if !(high - low).isFinite { (low, high) = (low / 2, high / 2) }  // keeps the span representable
        let maximumTicks = max(2, maximumTickCount)
        var step = Self.niceStep(atLeast: (high - low) / Double(maximumTicks - 1))
        if integerSteps { step = max(step, 1) }
        var first = 0.0, last = 0.0
        for _ in 0..<64 {
            // The tolerance keeps 0.3 / 0.1 = 2.9999999999999996 from adding a tick.
            first = (low / step + 1e-9).rounded(.down)
            last = (high / step - 1e-9).rounded(.up)
            if last - first + 1 <= Double(maximumTicks) || !step.isFinite { break }
            step = Self.niceStep(after: step)
        }
        if last <= first { last = first + 1 }
        self.init(lower: first * step, upper: last * step, step: step, firstIndex: first, tickCount: Int(last - first) + 1)
    }

    /// The tick values from ``lower`` to ``upper``.
    public var ticks: [Double] {
        (0..<tickCount).map { index in
            let value = (firstIndex + Double(index)) * step
            return abs(value) < step * 1e-9 ? 0 : value
        }
    }

    /// The ticks as text: as many decimals as the step needs ("0.25" never shows up
    /// as "0.25000000000000006"), or scientific notation ("2e-05" style, written
    /// "2e-5") for very large or very small numbers.
    public var labels: [String] { ticks.map(label) }

    /// `value` formatted with this scale's precision.
    ///
    /// - Parameter value: the number to format (a tick, or any value on the axis).
    /// - Returns: the text, with as many decimals as ``step`` needs or in scientific notation.
    public func label(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        // Steps are 1, 2 or 5 × 10^exponent: one significant digit.
        let exponent = Int((log10(step) + 1e-9).rounded(.down))
        let largest = max(abs(lower), abs(upper))
        let value = value == 0 ? 0 : value  // never "-0.0"
        if largest >= 1e6 || step < 1e-4 {
            if value == 0 { return "0" }
            let valueExponent = Int((log10(abs(value)) + 1e-9).rounded(.down))
            let digits = max(0, valueExponent - exponent)
            let mantissa = value / pow(10, Double(valueExponent))
            var text = String(format: "%.\(digits)f", mantissa)
            if text.hasPrefix("10") || text.hasPrefix("-10") {  // 9.99 rounded up
                return String(format: "%.\(digits)fe%d", mantissa / 10, valueExponent + 1)
            }
            text += "e\(valueExponent)"
            return text
        }
        let decimals = max(0, -exponent)
        return String(format: "%.\(decimals)f", value)
    }

    /// A scale with fixed limits (`limits` is used as given) and nice ticks inside it.
    ///
    /// - Parameters:
    ///   - limits: the axis range; an empty or non-finite range falls back to
    ///     ``init(covering:_:maximumTickCount:integerSteps:)``.
    ///   - maximumTickCount: at most this many ticks (at least 2).
    ///   - integerSteps: never step by less than 1.
    public init(limits: ClosedRange<Double>, maximumTickCount: Int = 8, integerSteps: Bool = false) {
        let (low, high) = (limits.lowerBound, limits.upperBound)
        guard low.isFinite, high.isFinite, low < high, (high - low).isFinite else {
            self.init(covering: low, high, maximumTickCount: maximumTickCount, integerSteps: integerSteps)
            return
        }
        let maximumTicks = max(2, maximumTickCount)
        var step = Self.niceStep(atLeast: (high - low) / Double(maximumTicks - 1))
        if integerSteps { step = max(step, 1) }
        var first = 0.0, last = 0.0
        for _ in 0..<64 {
            first = (low / step - 1e-9).rounded(.up)
            last = (high / step + 1e-9).rounded(.down)
            if last - first + 1 <= Double(maximumTicks) { break }
            step = Self.niceStep(after: step)
        }
        self.init(lower: low, upper: high, step: step, firstIndex: first, tickCount: max(0, Int(last - first) + 1))
    }

    private init(lower: Double, upper: Double, step: Double, firstIndex: Double, tickCount: Int) {
        self.lower = lower
        self.upper = upper
        self.step = step
        self.firstIndex = firstIndex
        self.tickCount = tickCount
    }

    /// The smallest number of the form 1, 2 or 5 × 10ⁿ that is ≥ `rough`.
    ///
    /// - Parameter rough: the smallest acceptable step.
    /// - Returns: the nice step; 1 when `rough` is not positive and finite.
    public static func niceStep(atLeast rough: Double) -> Double {
        guard rough.isFinite, rough > 0 else { return 1 }
        let power = pow(10, (log10(rough)).rounded(.down))
        for multiple in [1.0, 2, 5, 10] where multiple * power >= rough * (1 - 1e-12) {
            return multiple * power
        }
        return 10 * power
    }

    /// The next nice step after `step` (1 → 2 → 5 → 10 …).
    static func niceStep(after step: Double) -> Double {
        niceStep(atLeast: step * 1.5)
    }
}
