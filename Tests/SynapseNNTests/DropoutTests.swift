import Testing
@testable import SynapseNN

@Suite("Dropout")
struct DropoutTests {
    @Test("inference (training: false, the default) is the identity")
    func inferenceIsIdentity() {
        let layer = Dropout(0.5, seed: 1)
        let input = NNCheck.uniform([4, 8], seed: 41)
        #expect(layer(input).scalars == input.scalars)
        #expect(layer(input, training: false).scalars == input.scalars)
        #expect(layer.parameters.isEmpty)
    }

    @Test("rate 0 is the identity even in training")
    func rateZero() {
        let input = NNCheck.uniform([3, 5], seed: 42)
        #expect(Dropout(0)(input, training: true).scalars == input.scalars)
    }

    /// On n = 200 000 ones, the dropped fraction has standard deviation
    /// √(rate(1−rate)/n) ≤ 0.0012 and the output mean √(rate/((1−rate)n)) ≤ 0.0035
    /// (rate 0.7); the tolerances are more than 5 standard deviations.
    @Test("training drops about `rate` of the elements and scales the rest by 1/(1-rate)",
          arguments: [Float(0.1), 0.3, 0.5, 0.7])
    func statistics(rate: Float) {
        let count = 200_000
        let output = Dropout(rate, seed: UInt64(rate * 1000))(Tensor.ones([count]), training: true)
        let values = output.scalars
        let dropped = values.filter { $0 == 0 }.count
        let scale = 1 / (1 - rate)
        #expect(values.allSatisfy { $0 == 0 || Swift.abs($0 - scale) <= 1e-6 * scale }, "kept values are 1/(1-rate)")
        let fraction = Double(dropped) / Double(count)
        #expect(Swift.abs(fraction - Double(rate)) < 0.007, "dropped fraction \(fraction) for rate \(rate)")
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(count)
        #expect(Swift.abs(mean - 1) < 0.02, "mean \(mean) is preserved in expectation")
    }

    @Test("the mask is applied element-wise to any input, keeping its shape")
    func elementwiseMask() {
        let input = NNCheck.uniform([2, 3, 50], seed: 43, low: 1, high: 2)
        let output = Dropout(0.4, seed: 9)(input, training: true)
        #expect(output.shape == [2, 3, 50])
        for (x, y) in zip(input.scalars, output.scalars) where y != 0 {
            #expect(Swift.abs(y - x / 0.6) <= 1e-6 * y)
        }
        #expect(output.scalars.contains(0) && output.scalars.contains { $0 != 0 })
    }

    @Test("seeded dropout repeats across layers, and draws a new mask on each call")
    func seeded() {
        let input = Tensor.ones([1000])
        let first = Dropout(0.5, seed: 77)
        let second = Dropout(0.5, seed: 77)
        let a = first(input, training: true).scalars
        #expect(a == second(input, training: true).scalars)
        let b = first(input, training: true).scalars
        #expect(a != b, "a second call continues the stream")
        #expect(b == second(input, training: true).scalars)
        #expect(a != Dropout(0.5, seed: 78)(input, training: true).scalars)
    }

    @Test("the gradient is the same mask: zero where dropped, 1/(1-rate) where kept")
    func gradient() throws {
        let input = NNCheck.uniform([200], seed: 44, low: 0.5, high: 1.5).requiringGrad()
        let output = Dropout(0.25, seed: 5)(input, training: true)
        output.sum().backward()
        let gradient = try #require(input.grad).scalars
        for (g, (x, y)) in zip(gradient, zip(input.scalars, output.scalars)) {
            #expect(y == 0 ? g == 0 : Swift.abs(g - 1 / 0.75) < 1e-6, "x \(x), y \(y), gradient \(g)")
        }
    }

    @Test("a rate outside [0, 1) is refused")
    func invalidRate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Dropout(1)
        }
        #expect(NNCheck.standardError(result).contains("Dropout: rate must be in [0, 1), got 1.0"))
    }
}
