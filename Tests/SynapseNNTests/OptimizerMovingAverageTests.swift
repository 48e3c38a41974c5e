import Testing
@testable import SynapseNN

/// The optimizer's moving average of the weights (Keras' `use_ema`).
@Suite("Optimizer moving average of the weights")
struct OptimizerMovingAverageTests {
    /// A fixed least-squares problem: x [6, 2], y [6, 1].
    static let x = Tensor((0..<12).map { Float(($0 * 7) % 11 - 5) / 5 }, shape: [6, 2])
    static let y = Tensor((0..<6).map { Float(($0 * 5) % 7 - 3) / 2 }, shape: [6, 1])

    static func step(_ optimizer: Optimizer, _ w: Parameter) {
        optimizer.zeroGrad()
        (x.matmul(w.value) - y).square().mean().backward()
        optimizer.step()
    }

    @Test("the average follows Keras' recursion, starting from the first step's weights")
    func recursion() throws {
        let w = Parameter(Tensor([0.5, -0.25], shape: [2, 1]), name: "w")
        let optimizer = SGD(parameters: [w], learningRate: 0.1)
        optimizer.useEMA = true
        optimizer.emaMomentum = 0.9
        var expected: [Double] = []
        for index in 0..<5 {
            Self.step(optimizer, w)
            let current = w.value.scalars.map(Double.init)
            // Keras: momentum is 0 on the first step, so the average starts as a copy.
            expected = index == 0 ? current : zip(expected, current).map { 0.9 * $0 + 0.1 * $1 }
            let average = try #require(optimizer.movingAverage(of: w))
            NNCheck.expectClose(average.scalars.map(Double.init), expected, absolute: 1e-6, relative: 1e-6,
                                "average after step \(index + 1)")
        }
        // The weights themselves are SGD's, not the average.
        #expect(w.value.scalars.map(Double.init) != expected)
    }

    @Test("finalizeVariableValues copies the averages into the parameters")
    func finalize() {
        let w = Parameter(Tensor([0.5, -0.25], shape: [2, 1]), name: "w")
        let optimizer = Adam(parameters: [w], learningRate: 0.05)
        optimizer.useEMA = true
        for _ in 0..<4 { Self.step(optimizer, w) }
        let average = optimizer.movingAverage(of: w)!.scalars
        #expect(w.value.scalars != average)
        optimizer.finalizeVariableValues()
        #expect(w.value.scalars == average)
        // Training goes on from the averaged weights, without touching the saved average.
        Self.step(optimizer, w)
        #expect(w.value.scalars != average)
    }

    @Test("without useEMA nothing is averaged and finalizing changes nothing")
    func off() {
        let w = Parameter(Tensor([0.5, -0.25], shape: [2, 1]), name: "w")
        let optimizer = Adam(parameters: [w], learningRate: 0.05)
        Self.step(optimizer, w)
        let before = w.value.scalars
        optimizer.finalizeVariableValues()
        #expect(optimizer.movingAverage(of: w) == nil)
        #expect(w.value.scalars == before)
    }

    @Test("emaOverwriteFrequency writes the averages into the weights every n steps")
    func overwriteFrequency() {
        let w = Parameter(Tensor([0.5, -0.25], shape: [2, 1]), name: "w")
        let optimizer = SGD(parameters: [w], learningRate: 0.1)
        optimizer.useEMA = true
        optimizer.emaOverwriteFrequency = 3
        Self.step(optimizer, w)
        Self.step(optimizer, w)
        #expect(w.value.scalars != optimizer.movingAverage(of: w)!.scalars)
        Self.step(optimizer, w)
        #expect(w.value.scalars == optimizer.movingAverage(of: w)!.scalars)
    }

    @Test("the average is saved and restored with the optimizer state")
    func state() throws {
        let w = Parameter(Tensor([0.5, -0.25], shape: [2, 1]), name: "w")
        let optimizer = Adam(parameters: [w], learningRate: 0.05)
        optimizer.useEMA = true
        for _ in 0..<3 { Self.step(optimizer, w) }
        let saved = optimizer.stateTensors()
        #expect(saved["0.ema"] != nil)

        let restored = Adam(parameters: [w], learningRate: 0.05)
        #expect(throws: OptimizerStateError.self) { try restored.loadStateTensors(saved) }
        restored.useEMA = true
        try restored.loadStateTensors(saved)
        #expect(restored.movingAverage(of: w)?.scalars == optimizer.movingAverage(of: w)?.scalars)
    }

    @Test("model-file configs keep use_ema, ema_momentum and ema_overwrite_frequency")
    func config() throws {
        let optimizer = Adam(learningRate: 0.01)
        optimizer.useEMA = true
        optimizer.emaMomentum = 0.95
        optimizer.emaOverwriteFrequency = 10
        let copy = try #require(try OptimizerConfig.makeOptimizer(from: OptimizerConfig.value(of: optimizer)))
        #expect(copy.useEMA && copy.emaMomentum == 0.95 && copy.emaOverwriteFrequency == 10)
        let plain = try #require(try OptimizerConfig.makeOptimizer(from: ["class_name": "SGD", "config": [:]]))
        #expect(!plain.useEMA && plain.emaMomentum == 0.99 && plain.emaOverwriteFrequency == nil)
        #expect(throws: ModelFileError.self) {
            try OptimizerConfig.makeOptimizer(from: ["class_name": "Adam", "config": ["ema_momentum": 1.5]])
        }
    }
}
