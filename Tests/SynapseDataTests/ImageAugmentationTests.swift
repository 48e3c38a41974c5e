import Testing
@testable import SynapseData

/// A batch whose every value is distinct and non-zero: 1 + the element's row-major
/// index, so any moved pixel tells where it came from.
private func labelledBatch(_ batch: Int, _ height: Int, _ width: Int, _ channels: Int) -> Tensor {
    Tensor((0..<(batch * height * width * channels)).map { Float($0 + 1) }, shape: [batch, height, width, channels])
}

/// Decodes a value of ``labelledBatch(_:_:_:_:)`` of `shape` back to [n, row, column, channel].
private func source(of value: Float, in shape: [Int]) -> [Int] {
    let index = Int(value) - 1
    let (height, width, channels) = (shape[1], shape[2], shape[3])
    return [index / (height * width * channels), index / (width * channels) % height, index / channels % width,
            index % channels]
}

@Suite("Image augmentation and per-channel normalization")
struct ImageAugmentationTests {
    // MARK: RandomTranslation

    @Test("translate moves content down/right for positive shifts and fills the rest")
    func translateByKnownShifts() {
        let x = labelledBatch(3, 4, 5, 2)
        let shifts = [(1, 2), (-2, 0), (0, -1)]
        let y = RandomTranslation.translate(x, by: shifts, fillValue: -7, sizes: (3, 4, 5, 2)).scalars
        for n in 0..<3 {
            for r in 0..<4 {
                for c in 0..<5 {
                    for k in 0..<2 {
                        let value = y[((n * 4 + r) * 5 + c) * 2 + k]
                        let (sr, sc) = (r - shifts[n].0, c - shifts[n].1)
                        if (0..<4).contains(sr) && (0..<5).contains(sc) {
                            #expect(value == Float(1 + ((n * 4 + sr) * 5 + sc) * 2 + k), "n \(n) r \(r) c \(c) k \(k)")
                        } else {
                            #expect(value == -7, "n \(n) r \(r) c \(c): uncovered pixels hold the fill value")
                        }
                    }
                }
            }
        }
        // A shift of a whole side or more leaves only fill.
        let gone = RandomTranslation.translate(x, by: [(4, 0), (0, -5), (9, 9)], fillValue: 0, sizes: (3, 4, 5, 2))
        #expect(gone.scalars.allSatisfy { $0 == 0 })
    }

    @Test("every image moves as a whole by a shift within the limits, and the limits are reached")
    func randomShiftsStayWithinLimits() {
        let x = labelledBatch(64, 6, 8, 1)
        var generator = RandomGenerator(seed: 11)
        let layer = RandomTranslation(maxHeightShift: 2, maxWidthShift: 3)
        let y = layer(x, generator: &generator)
        #expect(y.shape == x.shape)
        var seenShifts = Set<[Int]>()
        for n in 0..<64 {
            let image = Array(y.scalars[(n * 48)..<((n + 1) * 48)])
            let kept = image.enumerated().filter { $0.element != 0 }
            // The pixel at (r, c) came from (r − dy, c − dx) with one (dy, dx) per image.
            let offsets = Set(kept.map { index, value -> [Int] in
                let s = source(of: value, in: x.shape)
                #expect(s[0] == n, "pixels stay in their own image")
                return [index / 8 - s[1], index % 8 - s[2]]
            })
            #expect(offsets.count == 1, "image \(n) moved as a whole")
            if let shift = offsets.first {
                #expect(Swift.abs(shift[0]) <= 2 && Swift.abs(shift[1]) <= 3)
                #expect(kept.count == (6 - Swift.abs(shift[0])) * (8 - Swift.abs(shift[1])), "the uncovered border is zero")
                seenShifts.insert(shift)
            }
        }
        #expect(seenShifts.contains { $0[0] == 2 } && seenShifts.contains { $0[0] == -2 })
        #expect(seenShifts.contains { $0[1] == 3 } && seenShifts.contains { $0[1] == -3 })
        #expect(seenShifts.count > 15, "64 draws over 35 shifts")
    }

    @Test("fractional factors shift by up to factor · size pixels (Keras' heightFactor/widthFactor)")
    func fractionalFactors() {
        let x = labelledBatch(200, 10, 20, 1)
        var generator = RandomGenerator(seed: 12)
        let y = RandomTranslation(heightFactor: 0.2, widthFactor: 0.1)(x, generator: &generator).scalars
        var largest = (0, 0)
        for n in 0..<200 {
            let image = y[(n * 200)..<((n + 1) * 200)]
            guard let (index, value) = image.enumerated().first(where: { $0.element != 0 }) else { continue }
            // The first kept pixel, at (max(0, dy), max(0, dx)), came from (max(0, −dy), max(0, −dx)).
            let s = source(of: value, in: x.shape)
            let (shiftY, shiftX) = (index / 20 - s[1], index % 20 - s[2])
            #expect(Swift.abs(shiftY) <= 2 && Swift.abs(shiftX) <= 2, "image \(n): shift (\(shiftY), \(shiftX))")
            largest = (Swift.max(largest.0, Swift.abs(shiftY)), Swift.max(largest.1, Swift.abs(shiftX)))
        }
        #expect(largest == (2, 2), "±20 % of 10 rows and ±10 % of 20 columns are both reached")
        // Zero factors are the identity.
        var other = RandomGenerator(seed: 13)
        #expect(RandomTranslation(heightFactor: 0, widthFactor: 0)(x, generator: &other).scalars == x.scalars)
    }

    @Test("the same seed gives the same translations; another seed differs")
    func translationIsSeeded() {
        let x = labelledBatch(16, 5, 5, 3)
        let layer = RandomTranslation(heightFactor: 0.4, widthFactor: 0.4)
        var a = RandomGenerator(seed: 5), b = RandomGenerator(seed: 5), c = RandomGenerator(seed: 6)
        let first = layer(x, generator: &a).scalars
        #expect(first == layer(x, generator: &b).scalars)
        #expect(first != layer(x, generator: &c).scalars)
        #expect(first != layer(x, generator: &a).scalars, "the generator advances")
    }

    // MARK: RandomFlip

    @Test("RandomFlip mirrors whole images along the chosen axes, each with probability ½",
          arguments: RandomFlip.Mode.allCases)
    func flips(mode: RandomFlip.Mode) {
        let (batch, height, width) = (400, 3, 4)
        let x = labelledBatch(batch, height, width, 2)
        var generator = RandomGenerator(seed: 21)
        let y = RandomFlip(mode: mode)(x, generator: &generator).scalars
        var counts = [String: Int]()
        for n in 0..<batch {
            let corner = source(of: y[n * height * width * 2], in: x.shape)
            let flippedVertically = corner[1] == height - 1, flippedHorizontally = corner[2] == width - 1
            for r in 0..<height {
                for c in 0..<width {
                    for k in 0..<2 {
                        let s = source(of: y[((n * height + r) * width + c) * 2 + k], in: x.shape)
                        let expected = [n, flippedVertically ? height - 1 - r : r, flippedHorizontally ? width - 1 - c : c, k]
                        #expect(s == expected, "image \(n) pixel (\(r), \(c), \(k))")
                    }
                }
            }
            counts["\(flippedVertically) \(flippedHorizontally)", default: 0] += 1
        }
        let vertical = counts.filter { $0.key.hasPrefix("true") }.values.reduce(0, +)
        let horizontal = counts.filter { $0.key.hasSuffix("true") }.values.reduce(0, +)
        // Binomial(400, ½) has standard deviation 10: 60 is 6 of them.
        switch mode {
        case .horizontal:
            #expect(vertical == 0 && Swift.abs(horizontal - 200) < 60)
        case .vertical:
            #expect(horizontal == 0 && Swift.abs(vertical - 200) < 60)
        case .horizontalAndVertical:
            #expect(Swift.abs(horizontal - 200) < 60 && Swift.abs(vertical - 200) < 60)
            #expect(counts["true true", default: 0] > 50, "both flips together about a quarter of the time")
        }
    }

    @Test("RandomFlip defaults to horizontal and vertical (Keras) and is seeded")
    func flipDefaultsAndSeed() {
        #expect(RandomFlip().mode == .horizontalAndVertical)
        #expect(RandomFlip.Mode(rawValue: "horizontal_and_vertical") == .horizontalAndVertical)
        let x = labelledBatch(32, 4, 4, 1)
        var a = RandomGenerator(seed: 3), b = RandomGenerator(seed: 3)
        #expect(RandomFlip()(x, generator: &a).scalars == RandomFlip()(x, generator: &b).scalars)
        #expect(RandomFlip()(x).shape == x.shape, "the default generator works too")
    }

    // MARK: PerChannelNormalization

    @Test("adapt learns per-channel mean and population variance over every axis but the last")
    func adapt() throws {
        // Channel 0: 1...8, channel 1: 10·(1...8) + 5.
        let values = (1...8).flatMap { [Float($0), Float(10 * $0 + 5)] }
        let x = Tensor(values, shape: [2, 2, 2, 2])
        var normalization = PerChannelNormalization()
        #expect(!normalization.isAdapted)
        normalization.adapt(x)
        #expect(normalization.isAdapted)
        let mean = try #require(normalization.mean), variance = try #require(normalization.variance)
        #expect(mean == [4.5, 50])
        #expect(Swift.abs(variance[0] - 5.25) < 1e-6 && Swift.abs(variance[1] - 525) < 1e-4)
        let y = normalization(x)
        #expect(y.shape == x.shape)
        for channel in 0..<2 {
            let column = stride(from: channel, to: 16, by: 2).map { Double(y.scalars[$0]) }
            let m = column.reduce(0, +) / 8
            let v = column.reduce(0) { $0 + ($1 - m) * ($1 - m) } / 8
            #expect(Swift.abs(m) < 1e-6 && Swift.abs(v - 1) < 1e-5, "channel \(channel): mean \(m), variance \(v)")
        }
        let back = normalization.inverse(y)
        #expect(zip(back.scalars, values).allSatisfy { Swift.abs($0 - $1) < 1e-4 })
    }

    @Test("given statistics are applied as (x − mean) / max(√variance, ε); a constant channel is only centred")
    func givenStatistics() {
        let normalization = PerChannelNormalization(mean: [1, -2, 3], variance: [4, 0.25, 0])
        let x = Tensor([3, -2, 3, 1, 0, 5], shape: [2, 3])
        let y = normalization(x).scalars
        let expected: [Float] = [1, 0, 0, 0, 4, 2 / PerChannelNormalization.epsilon]
        #expect(zip(y, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-5 * Swift.max(1, Swift.abs($1)) }, "\(y)")
        var adapted = PerChannelNormalization()
        adapted.adapt(Tensor([5, 5, 5], shape: [3, 1]))
        #expect(adapted.variance == [0] && adapted(Tensor([5, 6], shape: [2, 1])).scalars == [0, 1 / PerChannelNormalization.epsilon])
    }

    @Test("statistics are exact for large offsets (two passes in double precision)")
    func largeOffsets() throws {
        var generator = RandomGenerator(seed: 31)
        let noise = Tensor.randomUniform([10_000, 1], low: -1, high: 1, generator: &generator)
        var normalization = PerChannelNormalization()
        normalization.adapt(noise + 10_000)
        // Uniform(−1, 1) has variance 1/3; float32 values near 10⁴ are spaced 2⁻¹⁰ apart.
        let variance = try #require(normalization.variance?.first)
        #expect(Swift.abs(variance - 1.0 / 3) < 0.02, "variance \(variance)")
    }
}
