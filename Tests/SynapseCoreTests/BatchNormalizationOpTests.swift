import Testing
@testable import SynapseCore

/// `Tensor.batchNormalized`: the fused training-mode op against the formula written
/// with separate ops, its fused backward against finite differences, and its
/// recorded backward (second order) against differences of first gradients.
@Suite("Batch normalization op")
struct BatchNormalizationOpTests {
    /// The definition with separate differentiable ops.
    static func reference(_ x: Tensor, gamma: Tensor?, beta: Tensor?, epsilon: Float) -> Tensor {
        let axes = Array(0..<(x.rank - 1))
        var y = (x - x.mean(alongAxes: axes)) * (x.variance(alongAxes: axes) + epsilon).rsqrt()
        if let gamma { y = y * gamma }
        if let beta { y = y + beta }
        return y
    }

    static func random(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomUniform(shape, low: low, high: high, generator: &generator)
    }

    @Test("output, mean and variance equal the definition", arguments: [[6, 3], [2, 4, 5, 3], [3000, 7]])
    func matchesDefinition(shape: [Int]) {
        let channels = shape.last!
        let x = Self.random(shape, seed: 1, low: -2, high: 3)
        let gamma = Self.random([channels], seed: 2), beta = Self.random([channels], seed: 3)
        let axes = Array(0..<(shape.count - 1))
        for (g, b) in [(gamma, beta), (nil, nil), (gamma, nil)] as [(Tensor?, Tensor?)] {
            let (y, mean, variance) = x.batchNormalized(gamma: g, beta: b, epsilon: 1e-3)
            expectClose(y, Self.reference(x, gamma: g, beta: b, epsilon: 1e-3), absolute: 1e-5, relative: 1e-5)
            expectClose(mean, x.mean(alongAxes: axes), absolute: 1e-6, relative: 1e-6)
            expectClose(variance, x.variance(alongAxes: axes), absolute: 1e-6, relative: 1e-5)
        }
    }

    @Test("the variance keeps its digits under a large mean (two passes)")
    func largeMean() {
        // Values 1000 ± 0.01: E[x²] − E[x]² in float32 would lose every digit.
        let x = Self.random([4096, 2], seed: 4, low: 999.99, high: 1000.01)
        let (_, _, variance) = x.batchNormalized(gamma: nil, beta: nil, epsilon: 1e-3)
        let values = x.scalars
        for channel in 0..<2 {
            let column = stride(from: channel, to: values.count, by: 2).map { Double(values[$0]) }
            let mean = column.reduce(0, +) / Double(column.count)
            let expected = column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(column.count)
            #expect(Swift.abs(Double(variance.scalars[channel]) - expected) < 1e-3 * expected,
                    "channel \(channel): \(variance.scalars[channel]) against \(expected)")
        }
    }

    @Test("the fused backward matches finite differences", arguments: [[5, 3], [2, 3, 3, 4]])
    func gradients(shape: [Int]) {
        let channels = shape.last!
        let inputs = [Self.random(shape, seed: 5, low: -2, high: 2), Self.random([channels], seed: 6, low: 0.5, high: 1.5),
                      Self.random([channels], seed: 7)]
        GradientCheck.expectGradientsMatch(at: inputs) { t in
            t[0].batchNormalized(gamma: t[1], beta: t[2], epsilon: 1e-3).output.tanh()
        }
        GradientCheck.expectGradientsMatch(at: [inputs[0]]) { t in
            t[0].batchNormalized(gamma: nil, beta: nil, epsilon: 1e-3).output.tanh()
        }
    }

    @Test("the fused and the recorded backward give the same gradients")
    func fusedEqualsRecorded() {
        let inputs = [Self.random([64, 5], seed: 8, low: -2, high: 2), Self.random([5], seed: 9, low: 0.5, high: 1.5),
                      Self.random([5], seed: 10)]
        let loss: ([Tensor]) -> Tensor = { t in
            t[0].batchNormalized(gamma: t[1], beta: t[2], epsilon: 1e-3).output.tanh().square().sum()
        }
        let fused = gradient(of: loss, at: inputs)
        let recorded = gradient(of: loss, at: inputs, createGraph: true)
        for (a, b) in zip(fused, recorded) { expectClose(a, b, absolute: 1e-5, relative: 1e-4) }
    }

    /// The Hessian-vector product through the recorded backward against the
    /// difference of first gradients along v (float32, ε = 5e-3; the tolerance of
    /// the convolution family's second-order checks).
    @Test("second order in the input, gamma and beta together")
    func secondOrder() {
        let inputs = [Self.random([6, 3], seed: 11, low: -2, high: 2), Self.random([3], seed: 12, low: 0.5, high: 1.5),
                      Self.random([3], seed: 13)]
        let directions = inputs.enumerated().map { Self.random($1.shape, seed: 20 + UInt64($0)) }
        let f: ([Tensor]) -> Tensor = { t in
            t[0].batchNormalized(gamma: t[1], beta: t[2], epsilon: 1e-3).output.tanh().square().sum()
        }
        HigherOrderGradientTests.expectHessianVectorProductMatches(f, at: inputs, along: directions,
                                                                   label: "batchNormalized")
    }

    @Test("a gamma of the wrong size names the op and both shapes")
    func shapeErrors() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Tensor.zeros([4, 3]).batchNormalized(gamma: Tensor.ones([2]), beta: nil, epsilon: 1e-3)
        }
        let message = String(decoding: result?.standardErrorContent ?? [], as: UTF8.self)
        #expect(message.contains("batchNormalized: gamma of shape [2] does not fit input of shape [4, 3]"),
                "stderr was: \(message)")
    }
}
