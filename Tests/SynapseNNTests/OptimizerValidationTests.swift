import Testing
@testable import SynapseNN

/// Bad hyper-parameters stop the process in every build configuration, with a
/// message that names the optimizer, the argument and the bad value. Each check
/// runs in a child process (a Swift Testing exit test).
@Suite("Optimizer hyper-parameter validation")
struct OptimizerValidationTests {
    /// The child's standard error as text.
    static func standardError(_ result: ExitTest.Result?) -> String {
        result.map { String(decoding: $0.standardErrorContent, as: UTF8.self) } ?? ""
    }

    @Test("SGD rejects a negative learning rate")
    func sgdLearningRate() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD(learningRate: -1)
        }
        #expect(Self.standardError(result).contains("SGD: learningRate must be a finite number >= 0, got -1.0"))
    }

    @Test("SGD rejects Nesterov without momentum")
    func sgdNesterov() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD(nesterov: true)
        }
        #expect(Self.standardError(result).contains("SGD: nesterov momentum requires momentum > 0, got 0.0"))
    }

    @Test("SGD rejects negative momentum and weight decay")
    func sgdMomentumAndDecay() async {
        let momentum = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD(momentum: -0.5)
        }
        #expect(Self.standardError(momentum).contains("SGD: momentum must be a finite number >= 0, got -0.5"))
        let decay = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD(weightDecay: -0.01)
        }
        #expect(Self.standardError(decay).contains("SGD: weightDecay must be a finite number >= 0, got -0.01"))
    }

    @Test("Adam rejects betas outside [0, 1) and a negative epsilon")
    func adamBetasAndEpsilon() async {
        let beta1 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam(beta1: 1.5)
        }
        #expect(Self.standardError(beta1).contains("Adam: beta1 must be in [0, 1), got 1.5"))
        let beta2 = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam(beta2: 1)
        }
        #expect(Self.standardError(beta2).contains("Adam: beta2 must be in [0, 1), got 1.0"))
        let epsilon = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam(epsilon: -1e-8)
        }
        #expect(Self.standardError(epsilon).contains("Adam: epsilon must be a finite number >= 0, got -1e-08"))
    }

    @Test("AdamW rejects a negative weight decay and names itself")
    func adamWDecay() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = AdamW(weightDecay: -0.1)
        }
        #expect(Self.standardError(result).contains("AdamW: weightDecay must be a finite number >= 0, got -0.1"))
    }

    @Test("RMSprop rejects rho = 1 and Adagrad a negative accumulator")
    func rmspropAndAdagrad() async {
        let rho = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = RMSprop(rho: 1)
        }
        #expect(Self.standardError(rho).contains("RMSprop: rho must be in [0, 1), got 1.0"))
        let accumulator = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adagrad(initialAccumulatorValue: -0.1)
        }
        #expect(Self.standardError(accumulator).contains("Adagrad: initialAccumulatorValue must be a finite number >= 0, got -0.1"))
    }

    @Test("clipping limits must be positive and clipNorm excludes globalClipNorm")
    func clipping() async {
        let zero = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = Adam(clipNorm: 0)
        }
        #expect(Self.standardError(zero).contains("Adam: clipNorm must be a finite number > 0, got 0.0"))
        let both = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            _ = SGD(clipNorm: 1, globalClipNorm: 2)
        }
        #expect(Self.standardError(both).contains(
            "SGD: only one of clipNorm and globalClipNorm can be set, got clipNorm 1.0 and globalClipNorm 2.0"))
        let later = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let optimizer = RMSprop()
            optimizer.clipValue = -3
        }
        #expect(Self.standardError(later).contains("RMSprop: clipValue must be a finite number > 0, got -3.0"))
    }

    @Test("setting a negative or non-finite learning rate stops")
    func learningRateSetter() async {
        let result = await #expect(processExitsWith: .failure, observing: [\.standardErrorContent]) {
            let optimizer = Adagrad()
            optimizer.learningRate = .nan
        }
        #expect(Self.standardError(result).contains("Adagrad: learningRate must be a finite number >= 0, got nan"))
    }

    @Test("valid extreme values are accepted")
    func validEdges() {
        #expect(Adam(beta1: 0, beta2: 0, epsilon: 0).beta1 == 0)
        #expect(SGD(learningRate: 0, momentum: 0.5, nesterov: true).nesterov)
        #expect(RMSprop(rho: 0).rho == 0)
        #expect(Adagrad(initialAccumulatorValue: 0).initialAccumulatorValue == 0)
    }
}
