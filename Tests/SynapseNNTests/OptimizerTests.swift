import Testing
@testable import SynapseNN

/// The behaviour of the `Optimizer` base class: which parameters a step touches,
/// the learning rate and its schedule, clipping, the gradient hook, Keras names.
@Suite("Optimizer")
struct OptimizerTests {
    /// A parameter whose gradient is set to `gradient`.
    static func parameter(_ values: [Float], gradient: [Float]?, name: String = "p") -> Parameter {
        let parameter = Parameter(Tensor(values), name: name)
        if let gradient { parameter.setGrad(Tensor(gradient)) }
        return parameter
    }

    /// Equal within float32 rounding of a few operations.
    static func close(_ actual: [Float], _ expected: [Float]) -> Bool {
        actual.count == expected.count && zip(actual, expected).allSatisfy { Swift.abs($0 - $1) <= 1e-6 }
    }

    @Test("zeroGrad clears the gradients of every parameter")
    func zeroGradClears() {
        let a = Parameter(Tensor([1, 2]), name: "a")
        let b = Parameter(Tensor([3]), name: "b")
        (a.value.square().sum() + b.value.sum()).backward()
        #expect(a.grad?.scalars == [2, 4])
        #expect(b.grad?.scalars == [1])
        let optimizer = SGD(parameters: [a, b])
        optimizer.zeroGrad()
        #expect(a.grad == nil)
        #expect(b.grad == nil)
    }

    @Test("step updates trainable parameters with gradients and skips frozen ones and those without a gradient")
    func stepSkipsFrozenAndGradientless() {
        let updated = Self.parameter([1, 1], gradient: [1, -1])
        let frozen = Parameter(Tensor([5, 5]), name: "frozen", trainable: false)
        let withoutGradient = Self.parameter([7], gradient: nil)
        let optimizer = SGD(parameters: [updated, frozen, withoutGradient], learningRate: 0.5)
        optimizer.step()
        #expect(updated.value.scalars == [0.5, 1.5])
        #expect(frozen.value.scalars == [5, 5])
        #expect(withoutGradient.value.scalars == [7])
        #expect(optimizer.iterations == 1)
        #expect(optimizer.updateCount(for: updated) == 1)
        #expect(optimizer.updateCount(for: withoutGradient) == 0)
    }

    @Test("a parameter listed twice is kept once and updated once per step")
    func duplicatesRemoved() {
        let shared = Self.parameter([1], gradient: [1])
        let other = Self.parameter([2], gradient: [1])
        let optimizer = SGD(parameters: [shared, other, shared], learningRate: 1)
        #expect(optimizer.parameters.count == 2)
        optimizer.parameters = [other, shared, other]
        #expect(optimizer.parameters.map(\.name).count == 2)
        #expect(optimizer.parameters[0] === other)
        optimizer.step()
        #expect(shared.value.scalars == [0])
    }

    @Test("parameters can be assigned after creation (Keras-style compile)")
    func parametersAssignedLater() {
        let optimizer = Adam()
        #expect(optimizer.parameters.isEmpty)
        optimizer.step()
        #expect(optimizer.iterations == 1)
        let parameter = Self.parameter([1], gradient: [3])
        optimizer.parameters = [parameter]
        optimizer.step()
        // Adam's first step moves by lr · sign(g) when |g| ≫ ε.
        #expect(Swift.abs(parameter.value.item - (1 - 0.001)) < 1e-6)
    }

    @Test("the learning rate follows the schedule at the current iteration; setting it replaces the schedule")
    func learningRateAndSchedule() {
        let parameter = Self.parameter([0], gradient: [1])
        let optimizer = SGD(parameters: [parameter],
                            learningRate: PiecewiseConstantDecay(boundaries: [0, 1], values: [1, 0.5, 0.25]))
        #expect(optimizer.learningRate == 1)
        optimizer.step()                         // lr 1 at step 0
        #expect(parameter.value.item == -1)
        #expect(optimizer.learningRate == 0.5)
        parameter.setGrad(Tensor([1]))
        optimizer.step()                         // lr 0.5 at step 1
        #expect(parameter.value.item == -1.5)
        #expect(optimizer.learningRate == 0.25)
        optimizer.learningRate = 0.125
        #expect(optimizer.schedule is ConstantLearningRate)
        #expect(optimizer.learningRate == 0.125)
        parameter.setGrad(Tensor([1]))
        optimizer.step()
        #expect(parameter.value.item == -1.625)
    }

    @Test("clipValue clamps each gradient element")
    func clipValue() {
        let parameter = Self.parameter([0, 0, 0], gradient: [3, -0.25, -4])
        SGD(parameters: [parameter], learningRate: 1, clipValue: 0.5).step()
        #expect(parameter.value.scalars == [-0.5, 0.25, 0.5])
    }

    @Test("clipNorm rescales each parameter's gradient to the norm limit on its own")
    func clipNorm() {
        let large = Self.parameter([0, 0], gradient: [3, 4])      // norm 5
        let small = Self.parameter([0, 0], gradient: [0.3, 0.4])  // norm 0.5, untouched
        let zero = Self.parameter([0], gradient: [0])
        SGD(parameters: [large, small, zero], learningRate: 1, clipNorm: 1).step()
        #expect(Self.close(large.value.scalars, [-0.6, -0.8]))
        #expect(Self.close(small.value.scalars, [-0.3, -0.4]))
        #expect(zero.value.scalars == [0])
    }

    @Test("globalClipNorm rescales all gradients by their joint norm")
    func globalClipNorm() {
        let a = Self.parameter([0, 0], gradient: [3, 0])
        let b = Self.parameter([0], gradient: [4])                 // joint norm 5
        SGD(parameters: [a, b], learningRate: 1, globalClipNorm: 2.5).step()
        #expect(a.value.scalars == [-1.5, 0])
        #expect(b.value.scalars == [-2])
    }

    @Test("the gradient hook sees final gradients before clipping and may replace them")
    func gradientTransformBeforeClipping() {
        let a = Self.parameter([0, 0], gradient: [1, 1])
        let frozen = Parameter(Tensor([0]), name: "frozen", trainable: false)
        let optimizer = SGD(parameters: [a, frozen], learningRate: 1, clipValue: 0.5)
        var seen: [String] = []
        optimizer.gradientTransform = { parameters in
            seen = parameters.map(\.name)
            for parameter in parameters { parameter.setGrad(parameter.grad.map { $0 * 10 }) }
        }
        optimizer.step()
        #expect(seen == ["p"])
        // The hook's 10× gradient is clipped to 0.5 afterwards.
        #expect(a.value.scalars == [-0.5, -0.5])
    }

    @Test("updates do not record autograd history and keep parameters trainable leaves")
    func updatesAreLeaves() {
        let parameter = Self.parameter([1, 2], gradient: [1, 1])
        Adam(parameters: [parameter], learningRate: 0.1).step()
        #expect(parameter.value.isLeaf)
        #expect(parameter.value.requiresGrad)
        #expect(parameter.grad == nil)
    }

    @Test("a subclass overriding update(_:gradient:learningRate:) is a working optimizer")
    func customSubclass() {
        final class SignSGD: Optimizer {
            override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
                parameter.assign(parameter.value - learningRate * gradient.sign())
            }
        }
        let parameter = Self.parameter([1, 1, 1], gradient: [5, -0.1, 0])
        SignSGD(parameters: [parameter], learningRate: 0.5).step()
        #expect(parameter.value.scalars == [0.5, 1.5, 1])
    }

    @Test("Keras string names make optimizers with Keras defaults", arguments: [
        ("sgd", "SGD", Float(0.01)), ("adam", "Adam", 0.001), ("Adam", "Adam", 0.001), ("adamw", "AdamW", 0.001),
        ("rmsprop", "RMSprop", 0.001), ("adagrad", "Adagrad", 0.001),
    ])
    func namedOptimizers(name: String, type: String, learningRate: Float) throws {
        let optimizer = try #require(Optimizers.named(name))
        #expect(String(describing: Swift.type(of: optimizer)) == type)
        #expect(optimizer.learningRate == learningRate)
        #expect(optimizer.parameters.isEmpty)
    }

    @Test("an unknown optimizer name gives nil")
    func unknownName() {
        #expect(Optimizers.named("adamax") == nil)
        #expect(Optimizers.named("") == nil)
    }

    @Test("defaults are Keras': epsilon 1e-7, RMSprop rho 0.9, Adagrad accumulator 0.1, AdamW decay 0.004")
    func kerasDefaults() {
        let adam = Adam()
        #expect(adam.beta1 == 0.9 && adam.beta2 == 0.999 && adam.epsilon == 1e-7 && !adam.amsgrad && adam.weightDecay == 0)
        let adamW = AdamW()
        #expect(adamW.weightDecay == 0.004 && adamW.epsilon == 1e-7)
        let rmsprop = RMSprop()
        #expect(rmsprop.rho == 0.9 && rmsprop.momentum == 0 && rmsprop.epsilon == 1e-7 && !rmsprop.centered)
        let adagrad = Adagrad()
        #expect(adagrad.initialAccumulatorValue == 0.1 && adagrad.epsilon == 1e-7)
        let sgd = SGD()
        #expect(sgd.momentum == 0 && !sgd.nesterov && sgd.weightDecay == 0)
        #expect(sgd.clipNorm == nil && sgd.globalClipNorm == nil && sgd.clipValue == nil)
    }

    @Test("Adam's bias correction counts each parameter's own updates, as PyTorch")
    func perParameterStepCount() {
        let early = Self.parameter([0], gradient: [1])
        let late = Self.parameter([0], gradient: nil)
        let optimizer = Adam(parameters: [early, late], learningRate: 0.1)
        optimizer.step()
        early.setGrad(Tensor([1]))
        late.setGrad(Tensor([1]))
        optimizer.step()
        #expect(optimizer.updateCount(for: early) == 2)
        #expect(optimizer.updateCount(for: late) == 1)
        // A first update moves by lr exactly (m̂ = g, v̂ = g²), whatever the iteration.
        #expect(Swift.abs(late.value.item + 0.1) < 1e-6)
    }
}
