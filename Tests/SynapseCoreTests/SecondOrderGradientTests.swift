import Testing
@testable import SynapseCore

/// First- and second-order derivative checks of every op family in float64
/// (``SecondOrderCheck``): each backward rule is itself differentiated, so a wrong
/// rule or a rule that cuts the graph (a raw kernel, a detached input) fails.
@Suite("Second-order gradients, float64")
struct SecondOrderGradientTests {
    static func input(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.random(shape, .uniform(low: low, high: high), generator: &generator, dtype: .float64)
    }

    /// Every unary op, on inputs inside its domain and away from kinks.
    static let unaryCases: [(String, Float, Float, @Sendable (Tensor) -> Tensor)] = [
        ("negate", -2, 2, { -$0 }), ("exp", -2, 2, { $0.exp() }), ("log", 0.5, 3, { $0.log() }),
        ("log1p", -0.5, 2, { $0.log1p() }), ("sqrt", 0.5, 3, { $0.sqrt() }), ("rsqrt", 0.5, 3, { $0.rsqrt() }),
        ("abs", 0.2, 2, { $0.abs() }), ("square", -2, 2, { $0.square() }), ("reciprocal", 0.5, 3, { $0.reciprocal() }),
        ("sin", -3, 3, { $0.sin() }), ("cos", -3, 3, { $0.cos() }), ("erf", -2, 2, { $0.erf() }),
        ("pow 2.5", 0.5, 2, { $0.pow(2.5) }), ("pow 3", -2, 2, { $0.pow(3) }), ("pow -1.5", 0.5, 2, { $0.pow(-1.5) }),
        ("clamp", -0.4, 0.6, { $0.clamped(min: -0.5, max: 0.7) }), ("relu", 0.1, 2, { $0.relu() }),
        ("leakyRelu", -2, -0.1, { $0.leakyRelu(alpha: 0.2) }), ("elu", -2, -0.1, { $0.elu(alpha: 0.7) }),
        ("selu", -2, -0.1, { $0.selu() }), ("gelu", -3, 3, { $0.gelu() }), ("gelu tanh", -3, 3, { $0.gelu(approximate: true) }),
        ("sigmoid", -4, 4, { $0.sigmoid() }), ("tanh", -3, 3, { $0.tanh() }), ("softplus", -4, 4, { $0.softplus() }),
        ("softsign", 0.1, 3, { $0.softsign() }), ("swish", -4, 4, { $0.swish() }),
    ]

    @Test("unary ops", arguments: 0..<27)
    func unary(index: Int) {
        let (name, low, high, function) = Self.unaryCases[index]
        // Compose with a square so piecewise-linear ops also have a second derivative to check.
        SecondOrderCheck.expectDerivativesMatch(at: [Self.input([3, 4], seed: UInt64(index), low: low, high: high)]) { x in
            let y = function(x[0])
            return y * y + y * x[0]
        }
        _ = name
    }

    @Test("binary arithmetic with broadcasting")
    func binary() {
        let a = Self.input([2, 3], seed: 1, low: 0.5, high: 2)
        let b = Self.input([3], seed: 2, low: 0.5, high: 2)
        SecondOrderCheck.expectDerivativesMatch(at: [a, b]) { x in (x[0] + x[1]) * (x[0] - x[1]) }
        SecondOrderCheck.expectDerivativesMatch(at: [a, b]) { x in x[0] * x[1] * x[0] }
        SecondOrderCheck.expectDerivativesMatch(at: [a, b]) { x in x[0] / x[1] + x[1] / (x[0] * x[0]) }
        SecondOrderCheck.expectDerivativesMatch(at: [a, b]) { x in x[0].pow(x[1]) }
        // min/max: the pieces differ by more than the step everywhere.
        let c = Self.input([2, 3], seed: 3, low: 2.5, high: 3)
        SecondOrderCheck.expectDerivativesMatch(at: [a, c]) { x in Tensor.minimum(x[0], x[1]).square() * x[1] }
        SecondOrderCheck.expectDerivativesMatch(at: [a, c]) { x in Tensor.maximum(x[0], x[1]).square() * x[0] }
        // Scalars meet their operand in its dtype.
        SecondOrderCheck.expectDerivativesMatch(at: [a]) { x in (x[0] * 0.5 + 2).square() / 3 - 1 }
    }

    @Test("matrix products, batched, transposed and with a fused bias")
    func matmul() {
        let a = Self.input([2, 3, 4], seed: 4), b = Self.input([4, 5], seed: 5)
        SecondOrderCheck.expectDerivativesMatch(at: [a, b]) { x in x[0].matmul(x[1]).tanh() }
        let c = Self.input([3, 4], seed: 6), d = Self.input([5, 4], seed: 7)
        SecondOrderCheck.expectDerivativesMatch(at: [c, d]) { x in x[0].matmul(x[1], transposeB: true).square() }
        let e = Self.input([5, 3], seed: 17)
        SecondOrderCheck.expectDerivativesMatch(at: [c, e]) { x in x[0].matmul(x[1], transposeA: true, transposeB: true).sin() }
        let w = Self.input([4, 2], seed: 8), bias = Self.input([2], seed: 9)
        SecondOrderCheck.expectDerivativesMatch(at: [c, w, bias]) { x in x[0].matmul(x[1], bias: x[2]).sigmoid() }
    }

    @Test("reductions")
    func reductions() {
        let x = Self.input([3, 4, 2], seed: 10)
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].sum(alongAxes: [0, 2]).square() }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].mean(alongAxis: 1).exp() }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].max(alongAxis: 1).square().sum() + x[0].min(alongAxis: 2).square().sum() }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].variance(alongAxes: [1]) + x[0].standardDeviation(alongAxes: [0, 1], correction: 1) }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].logSumExp(alongAxis: 1) }
    }

    @Test("softmax and log-softmax along the last and another axis")
    func softmax() {
        let x = Self.input([3, 5], seed: 11, low: -2, high: 2)
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].softmax() }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].logSoftmax(axis: 0) }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].softmax(axis: 0) * x[0] }
    }

    @Test("slicing, gather, concatenate, split and where")
    func indexing() {
        let x = Self.input([4, 5], seed: 12), y = Self.input([2, 5], seed: 13)
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0][1..<4, .stride(0, 5, by: 2)].square() }
        let indices = Tensor(int32: [3, 0, 3, 1])
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].gather(indices, axis: 0).tanh() * x[0] }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].gather(indices, axis: 1).square() }
        SecondOrderCheck.expectDerivativesMatch(at: [x, y]) { x in Tensor.concatenate([x[0], x[1]], axis: 0).square().sum(alongAxis: 1) }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in
            let parts = x[0].split(sizes: [1, 3], axis: 0)
            return parts[0].square() * parts[1].sum(alongAxis: 0)
        }
        let mask = Tensor(bool: (0..<20).map { $0 % 3 == 0 }, shape: [4, 5])
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in Tensor.where(mask, x[0].square(), x[0].exp()) }
    }

    @Test("reshape, permute, transpose and broadcast")
    func shapeOps() {
        let x = Self.input([2, 3, 4], seed: 14)
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].reshaped(to: [6, 4]).square().permuted(1, 0) }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].transposed(0, 2).tanh() }
        let row = Self.input([1, 4], seed: 15)
        SecondOrderCheck.expectDerivativesMatch(at: [row]) { x in x[0].broadcast(to: [3, 4]).square() * x[0] }
        SecondOrderCheck.expectDerivativesMatch(at: [x]) { x in x[0].flattened(startAxis: 1).square().unsqueezed(axis: 0) }
    }

    @Test("conversions between float64 and float32 keep the gradient")
    func conversion() {
        let x = Self.input([3], seed: 16)
        let (_, gradient) = valueAndGradient(at: x) { x in (x.to(.float32).square().to(.float64)).sum() }
        #expect(gradient.dtype == .float64)
        let expected = x.doubleScalars.map { 2 * $0 }
        #expect(zip(gradient.doubleScalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-6 })
    }
}
