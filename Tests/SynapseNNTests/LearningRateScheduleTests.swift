import Testing
@testable import SynapseNN

/// Learning-rate schedules at chosen steps, against Keras' formulas worked by hand.
@Suite("LearningRateSchedule")
struct LearningRateScheduleTests {
    static func close(_ actual: Float, _ expected: Double) -> Bool {
        Swift.abs(Double(actual) - expected) <= 1e-7 * Swift.max(1, Swift.abs(expected))
    }

    @Test("ConstantLearningRate is the same at every step")
    func constant() {
        let schedule = ConstantLearningRate(0.003)
        #expect([0, 1, 1_000_000].map { schedule(step: $0) } == [0.003, 0.003, 0.003])
    }

    @Test("PiecewiseConstantDecay uses inclusive upper boundaries, as Keras")
    func piecewise() {
        let schedule = PiecewiseConstantDecay(boundaries: [100, 200], values: [1, 0.5, 0.1])
        #expect([-5, 0, 100, 101, 200, 201, 10_000].map { schedule(step: $0) } == [1, 1, 1, 0.5, 0.5, 0.1, 0.1])
    }

    @Test("StepDecay drops by the factor every stepSize steps")
    func stepDecay() {
        let schedule = StepDecay(initialLearningRate: 0.1, stepSize: 30, factor: 0.1)
        #expect(Self.close(schedule(step: 0), 0.1))
        #expect(Self.close(schedule(step: 29), 0.1))
        #expect(Self.close(schedule(step: 30), 0.01))
        #expect(Self.close(schedule(step: 65), 0.001))
    }

    @Test("ExponentialDecay: initial · rate^(step / decaySteps), floored exponent with staircase")
    func exponential() {
        let smooth = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5)
        #expect(Self.close(smooth(step: 0), 0.1))
        #expect(Self.close(smooth(step: 5), 0.070710678118654752))   // 0.1 · 0.5^0.5
        #expect(Self.close(smooth(step: 10), 0.05))
        #expect(Self.close(smooth(step: 25), 0.017677669529663688))  // 0.1 · 0.5^2.5
        let staircase = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true)
        #expect(Self.close(staircase(step: 9), 0.1))
        #expect(Self.close(staircase(step: 25), 0.025))
    }

    @Test("CosineDecay follows half a cosine to alpha · initial and holds it")
    func cosine() {
        let plain = CosineDecay(initialLearningRate: 1, decaySteps: 100)
        #expect(Self.close(plain(step: 0), 1))
        #expect(Self.close(plain(step: 50), 0.5))
        #expect(Self.close(plain(step: 100), 0))
        #expect(Self.close(plain(step: 150), 0))
        let floored = CosineDecay(initialLearningRate: 1, decaySteps: 100, alpha: 0.1)
        #expect(Self.close(floored(step: 25), 0.86819805153394639))  // 0.9 · ½(1 + cos π/4) + 0.1
        #expect(Self.close(floored(step: 50), 0.55))
        #expect(Self.close(floored(step: 1000), 0.1))
    }

    @Test("CosineDecay warms up linearly to the target, then decays from it (Keras 3)")
    func cosineWarmup() {
        let schedule = CosineDecay(initialLearningRate: 0, decaySteps: 10, warmupTarget: 1, warmupSteps: 5)
        #expect(Self.close(schedule(step: 0), 0))
        #expect(Self.close(schedule(step: 2), 0.4))
        #expect(Self.close(schedule(step: 5), 1))
        #expect(Self.close(schedule(step: 10), 0.5))
        #expect(Self.close(schedule(step: 15), 0))
        #expect(Self.close(schedule(step: 40), 0))
        let withAlpha = CosineDecay(initialLearningRate: 0.1, decaySteps: 10, alpha: 0.2, warmupTarget: 1, warmupSteps: 4)
        #expect(Self.close(withAlpha(step: 1), 0.325))                 // 0.1 + 0.9 · ¼
        #expect(Self.close(withAlpha(step: 100), 0.2))
    }

    @Test("an optimizer evaluates its schedule at iterations, starting from 0")
    func optimizerUsesIterations() {
        let parameter = Parameter(Tensor([0]), name: "p")
        let optimizer = SGD(parameters: [parameter],
                            learningRate: StepDecay(initialLearningRate: 1, stepSize: 2, factor: 0.5))
        var rates: [Float] = []
        for _ in 0..<5 {
            rates.append(optimizer.learningRate)
            parameter.setGrad(Tensor([1]))
            optimizer.step()
        }
        #expect(rates == [1, 1, 0.5, 0.5, 0.25])
        #expect(parameter.value.item == -3.25)
    }

    @Test("invalid schedule arguments stop with the value in the message")
    func validation() async {
        let counts = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = PiecewiseConstantDecay(boundaries: [10], values: [1])
        }
        #expect(Self.text(counts).contains(
            "PiecewiseConstantDecay: values must have one more element than boundaries, got 1 values for 1 boundaries"))
        let order = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = PiecewiseConstantDecay(boundaries: [10, 5], values: [1, 2, 3])
        }
        #expect(Self.text(order).contains("PiecewiseConstantDecay: boundaries must be strictly increasing, got [10, 5]"))
        let decaySteps = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ExponentialDecay(initialLearningRate: 0.1, decaySteps: 0, decayRate: 0.9)
        }
        #expect(Self.text(decaySteps).contains("ExponentialDecay: decaySteps must be > 0, got 0"))
        let stepSize = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = StepDecay(initialLearningRate: 0.1, stepSize: -3)
        }
        #expect(Self.text(stepSize).contains("StepDecay: stepSize must be > 0, got -3"))
        let alpha = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = CosineDecay(initialLearningRate: 0.1, decaySteps: 10, alpha: 2)
        }
        #expect(Self.text(alpha).contains("CosineDecay: alpha must be in [0, 1], got 2.0"))
        let warmup = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = CosineDecay(initialLearningRate: 0.1, decaySteps: 10, warmupSteps: 5)
        }
        #expect(Self.text(warmup).contains("CosineDecay: warmupSteps is 5 but no warmupTarget was given"))
        let constant = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = ConstantLearningRate(-0.5)
        }
        #expect(Self.text(constant).contains("ConstantLearningRate: value must be a finite number >= 0, got -0.5"))
    }

    static func text(_ result: ExitTest.Result?) -> String {
        result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    }
}
