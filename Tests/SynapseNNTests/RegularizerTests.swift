import Testing
@testable import SynapseNN

@Suite("Regularizers")
struct RegularizerTests {
    static let weights = Tensor([[1, -2], [0.5, -0.25]])
    /// Σ|w| = 3.75, Σw² = 5.3125
    static let (absoluteSum, squareSum): (Float, Float) = (3.75, 5.3125)

    /// The penalty's value and its gradient with respect to the weights.
    static func evaluate(_ regularizer: any Regularizer) -> (value: Float, gradient: [Float]) {
        let (value, gradient) = valueAndGradient(at: weights) { regularizer($0) }
        return (value.item, gradient.scalars)
    }

    @Test("L1: l1 · Σ|w|, gradient l1 · sign(w)")
    func l1() {
        let (value, gradient) = Self.evaluate(L1(0.1))
        #expect(Swift.abs(value - 0.375) < 1e-6)
        NNCheck.expectClose(gradient.map(Double.init), [0.1, -0.1, 0.1, -0.1], absolute: 1e-7, relative: 1e-6, "L1")
    }

    @Test("L2: l2 · Σw² (no ½, as Keras), gradient 2 · l2 · w")
    func l2() {
        let (value, gradient) = Self.evaluate(L2(0.1))
        #expect(Swift.abs(value - 0.53125) < 1e-6)
        NNCheck.expectClose(gradient.map(Double.init), [0.2, -0.4, 0.1, -0.05], absolute: 1e-7, relative: 1e-6, "L2")
    }

    @Test("L1L2: the sum of both penalties and both gradients")
    func l1l2() {
        let (value, gradient) = Self.evaluate(L1L2(l1: 0.1, l2: 0.01))
        #expect(Swift.abs(value - (0.375 + 0.053125)) < 1e-6)
        NNCheck.expectClose(gradient.map(Double.init), [0.1 + 0.02, -0.1 - 0.04, 0.1 + 0.01, -0.1 - 0.005],
                            absolute: 1e-7, relative: 1e-6, "L1L2")
    }

    @Test("Keras default factors: L1 and L2 0.01, L1L2 zero")
    func defaults() {
        #expect(L1().l1 == 0.01)
        #expect(L2().l2 == 0.01)
        #expect(L1L2().l1 == 0 && L1L2().l2 == 0)
        #expect(Swift.abs(Self.evaluate(L1()).value - 0.01 * Self.absoluteSum) < 1e-7)
        #expect(Swift.abs(Self.evaluate(L2()).value - 0.01 * Self.squareSum) < 1e-7)
        #expect(Self.evaluate(L1L2()).value == 0)
    }

    @Test("the penalty is a scalar for weights of any rank")
    func scalarPenalty() {
        let penalty = L2(1)(Tensor.ones([2, 3, 4]))
        #expect(penalty.shape == [] && penalty.item == 24)
    }

    @Test("a Dense kernel regularizer adds 2 · l2 · w to the kernel's gradient in a training step")
    func denseTrainingStep() throws {
        let layer = Dense(2, kernelInitializer: .constant(0.5), kernelRegularizer: L2(0.1))
        let x = Tensor([[1, 2, 3]])
        let output = layer(x)
        let penalty = try #require(layer.regularizationLoss())
        (output.sum() + penalty).backward()
        // ∂Σ(x·K)/∂K = xᵀ · 1, plus 2 · 0.1 · 0.5.
        NNCheck.expectClose(try #require(layer.kernel.grad), [1.1, 1.1, 2.1, 2.1, 3.1, 3.1], shape: [3, 2])
        // The bias has no regularizer: plain gradient.
        NNCheck.expectClose(try #require(layer.bias?.grad), [1, 1], shape: [2])
    }

    @Test("negative factors are refused")
    func negativeFactor() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = L2(-1)
        }
        #expect(NNCheck.standardError(result).contains("L2: factor must be non-negative, got -1.0"))
    }
}
