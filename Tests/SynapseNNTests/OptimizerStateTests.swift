import Testing
@testable import SynapseNN

/// Exporting optimizer state as named tensors and importing it again.
@Suite("Optimizer state export and import")
struct OptimizerStateTests {
    static let kinds = ["sgd-momentum", "sgd-nesterov-schedule", "adam", "adam-amsgrad", "adamw",
                        "rmsprop-centered-momentum", "adagrad"]

    static func makeOptimizer(_ kind: String, _ parameters: [Parameter]) -> Optimizer {
        switch kind {
        case "sgd-momentum": SGD(parameters: parameters, learningRate: 0.05, momentum: 0.9)
        case "sgd-nesterov-schedule":
            SGD(parameters: parameters, learningRate: ExponentialDecay(initialLearningRate: 0.1, decaySteps: 3, decayRate: 0.5),
                momentum: 0.9, nesterov: true)
        case "adam": Adam(parameters: parameters, learningRate: 0.05)
        case "adam-amsgrad": Adam(parameters: parameters, learningRate: 0.05, beta2: 0.9, amsgrad: true)
        case "adamw": AdamW(parameters: parameters, learningRate: 0.05, weightDecay: 0.1)
        case "rmsprop-centered-momentum":
            RMSprop(parameters: parameters, learningRate: 0.01, momentum: 0.5, centered: true)
        default: Adagrad(parameters: parameters, learningRate: 0.1)
        }
    }

    /// A fixed regression problem: x [6, 2], y [6, 1].
    static let x = Tensor((0..<12).map { Float(($0 * 7) % 11 - 5) / 5 }, shape: [6, 2])
    static let y = Tensor((0..<6).map { Float(($0 * 5) % 7 - 3) / 2 }, shape: [6, 1])

    static func freshParameters() -> (Parameter, Parameter) {
        (Parameter(Tensor([0.5, -0.25], shape: [2, 1]), name: "w"), Parameter(Tensor([0.1]), name: "b"))
    }

    static func train(_ optimizer: Optimizer, _ w: Parameter, _ b: Parameter, steps: Int) {
        for _ in 0..<steps {
            optimizer.zeroGrad()
            (x.matmul(w.value) + b.value - y).square().mean().backward()
            optimizer.step()
        }
    }

    @Test("continuing from imported state gives exactly the parameters of an uninterrupted run", arguments: kinds)
    func roundTrip(kind: String) throws {
        let (w, b) = Self.freshParameters()
        let optimizer = Self.makeOptimizer(kind, [w, b])
        Self.train(optimizer, w, b, steps: 5)
        let saved = optimizer.stateTensors()
        let (savedW, savedB) = (w.value, b.value)
        Self.train(optimizer, w, b, steps: 5)

        let restoredW = Parameter(savedW, name: "w")
        let restoredB = Parameter(savedB, name: "b")
        let restored = Self.makeOptimizer(kind, [restoredW, restoredB])
        try restored.loadStateTensors(saved)
        #expect(restored.iterations == 5)
        Self.train(restored, restoredW, restoredB, steps: 5)
        #expect(restored.iterations == 10)
        #expect(restoredW.value.scalars == w.value.scalars)
        #expect(restoredB.value.scalars == b.value.scalars)

        // Without the state the continuation differs, so the check above is meaningful.
        let fresh = Self.makeOptimizer(kind, [Parameter(savedW, name: "w"), Parameter(savedB, name: "b")])
        Self.train(fresh, fresh.parameters[0], fresh.parameters[1], steps: 5)
        #expect(fresh.parameters[0].value.scalars != w.value.scalars)
    }

    @Test("keys are the parameter index and PyTorch's slot names; counts are int32 scalars")
    func keys() throws {
        let (w, b) = Self.freshParameters()
        let optimizer = Adam(parameters: [w, b], amsgrad: true)
        Self.train(optimizer, w, b, steps: 3)
        let state = optimizer.stateTensors()
        #expect(Set(state.keys) == ["iterations", "0.step", "0.exp_avg", "0.exp_avg_sq", "0.max_exp_avg_sq",
                                    "1.step", "1.exp_avg", "1.exp_avg_sq", "1.max_exp_avg_sq"])
        #expect(state["iterations"]?.intScalars == [3])
        #expect(state["0.step"]?.dtype == .int32)
        #expect(state["0.step"]?.shape == [])
        #expect(state["1.exp_avg_sq"]?.shape == [1])
        #expect(Set(optimizer.stateSlotNames) == ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"])
    }

    @Test("a fresh optimizer exports only its iteration count")
    func emptyState() throws {
        let (w, b) = Self.freshParameters()
        let state = SGD(parameters: [w, b], momentum: 0.9).stateTensors()
        #expect(Array(state.keys) == ["iterations"])
        let restored = SGD(parameters: [w, b], momentum: 0.9)
        try restored.loadStateTensors(state)
        #expect(restored.iterations == 0)
    }

    @Test("PyTorch's float32 step counts are accepted")
    func floatStepAccepted() throws {
        let (w, b) = Self.freshParameters()
        let optimizer = Adagrad(parameters: [w, b])
        try optimizer.loadStateTensors(["iterations": Tensor(Float(4)), "0.step": Tensor(Float(4)),
                                        "0.sum": Tensor([1, 2], shape: [2, 1])])
        #expect(optimizer.updateCount(for: w) == 4)
        #expect(optimizer.state("sum", for: w)?.scalars == [1, 2])
    }

    @Test("malformed state is rejected with a typed error and leaves the optimizer unchanged", arguments: [
        ("missing iterations", OptimizerStateError.missingIterations),
        ("bad key", .malformedKey("first.exp_avg")),
        ("index past parameters", .parameterIndexOutOfRange(key: "2.exp_avg", parameterCount: 2)),
        ("unknown slot", .unknownSlot(key: "0.momentum_buffer", expected: ["exp_avg", "exp_avg_sq"])),
        ("wrong shape", .shapeMismatch(key: "1.exp_avg", expected: [1], got: [2, 1])),
        ("negative step", .invalidCount(key: "0.step")),
    ])
    func rejected(label: String, expected: OptimizerStateError) throws {
        let (w, b) = Self.freshParameters()
        let optimizer = Adam(parameters: [w, b])
        Self.train(optimizer, w, b, steps: 2)
        let before = optimizer.stateTensors()
        var state = before
        switch label {
        case "missing iterations": state["iterations"] = nil
        case "bad key": state["first.exp_avg"] = Tensor.zeros([2, 1])
        case "index past parameters": state["2.exp_avg"] = Tensor.zeros([2, 1])
        case "unknown slot": state["0.momentum_buffer"] = Tensor.zeros([2, 1])
        case "wrong shape": state["1.exp_avg"] = Tensor.zeros([2, 1])
        default: state["0.step"] = Tensor(int32: [-1], shape: [])
        }
        #expect(throws: expected) { try optimizer.loadStateTensors(state) }
        #expect(optimizer.iterations == 2)
        let after = optimizer.stateTensors()
        #expect(Set(after.keys) == Set(before.keys))
        #expect(after["0.exp_avg"]?.scalars == before["0.exp_avg"]?.scalars)
        #expect(!expected.description.isEmpty)
    }

    @Test("resetState forgets moments and iterations")
    func reset() {
        let (w, b) = Self.freshParameters()
        let optimizer = RMSprop(parameters: [w, b], momentum: 0.9)
        Self.train(optimizer, w, b, steps: 2)
        #expect(optimizer.state("square_avg", for: w) != nil)
        optimizer.resetState()
        #expect(optimizer.iterations == 0)
        #expect(optimizer.state("square_avg", for: w) == nil)
        #expect(optimizer.updateCount(for: w) == 0)
    }
}
