import Foundation
import Testing
@testable import SynapseCore
@testable import SynapseTraining

/// Training on the isolated test device gives the CPU's results bit for bit: the
/// same kernels, the same Philox draws, and nothing in layers, losses, optimizers,
/// metrics or `fit` that assumes the CPU (any host read of isolated memory outside
/// the backend would stop the run).
///
/// Each comparison runs in its own process (an exit test): the runs seed the
/// process-wide generator, which other suites draw from concurrently.
@Suite("Training on the isolated device")
struct DeviceTrainingTests {
    /// Trains `makeModel` on `x`, `y` on `device` with a fixed seed; returns the
    /// epoch losses, the final weights and the predictions, all as bit patterns.
    static func run(on device: Device, x: Tensor, y: Tensor, epochs: Int, batchSize: Int,
                    makeModel: () -> Model) -> [UInt32] {
        Random.seed(7)
        return withDevice(device) {
            let model = makeModel()
            let history = model.fit(x: x, y: y, epochs: epochs, batchSize: batchSize, verbose: 0)
            precondition(model.executionDevice == device, "the model was built on \(model.executionDevice), not \(device)")
            var bits = (history.values["loss"] ?? []).map(\.bitPattern)
            bits += history.values.keys.sorted().flatMap { history.values[$0]!.map(\.bitPattern) }
            for parameter in model.parameters { bits += parameter.value.scalars.map(\.bitPattern) }
            bits += model.predict(x, batchSize: 64).scalars.map(\.bitPattern)
            return bits
        }
    }

    static func expectSame(_ name: String, x: Tensor, y: Tensor, epochs: Int, batchSize: Int, makeModel: () -> Model) {
        let cpu = run(on: .cpu, x: x, y: y, epochs: epochs, batchSize: batchSize, makeModel: makeModel)
        let isolated = run(on: .isolated, x: x, y: y, epochs: epochs, batchSize: batchSize, makeModel: makeModel)
        precondition(cpu.count == isolated.count && cpu.count > 0, "\(name): different result sizes")
        if let first = zip(cpu, isolated).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            preconditionFailure("\(name): cpu and isolated differ at value \(first.offset) of \(cpu.count): "
                                + "\(Float(bitPattern: first.element.0)) vs \(Float(bitPattern: first.element.1))")
        }
        FileHandle.standardError.write(Data("\(name): \(cpu.count) values identical\n".utf8))
    }

    @Test("an MLP with dropout and Adam (mnist-mlp's recipe in small)")
    func mlp() async {
        await #expect(processExitsWith: .success) {
            var generator = RandomGenerator(seed: 3)
            let x = Tensor.randomUniform([256, 20], generator: &generator)
            let y = (x.sum(alongAxis: 1) * 0.9).clamped(min: 0, max: 9).to(.int32)
            DeviceTrainingTests.expectSame("mlp", x: x, y: y, epochs: 2, batchSize: 32) {
                let model = Sequential {
                    Dense(32, activation: .relu)
                    Dropout(0.2)
                    Dense(10, activation: .softmax)
                }
                let adam = Adam(learningRate: 1e-3)
                adam.useEMA = true
                try! model.compile(optimizer: adam,
                                   loss: SparseCategoricalCrossentropy(labelSmoothing: 0.1), metrics: ["accuracy"])
                return model
            }
        }
    }

    @Test("a CNN with batch normalisation and pooling (mnist-cnn's layers)")
    func cnn() async {
        await #expect(processExitsWith: .success) {
            var generator = RandomGenerator(seed: 4)
            let x = Tensor.randomUniform([64, 12, 12, 1], generator: &generator)
            let y = ((x.mean(alongAxes: [1, 2, 3]) - 0.4) * 50).clamped(min: 0, max: 9).to(.int32)
            DeviceTrainingTests.expectSame("cnn", x: x, y: y, epochs: 2, batchSize: 16) {
                let model = Sequential {
                    Conv2D(4, kernelSize: 3, activation: .relu)
                    BatchNormalization()
                    MaxPooling2D(2)
                    Flatten()
                    Dense(10, activation: .softmax)
                }
                try! model.compile(optimizer: Adam(learningRate: 1e-3), loss: "sparse_categorical_crossentropy",
                                   metrics: ["accuracy"])
                return model
            }
        }
    }

    @Test("an Embedding + LSTM with masking (text-lstm's layers)")
    func lstm() async {
        await #expect(processExitsWith: .success) {
            let (x, y) = RecurrentTrainingTests.data(count: 96, seed: 5)
            DeviceTrainingTests.expectSame("lstm", x: x, y: y, epochs: 2, batchSize: 32) {
                let model = Sequential {
                    Embedding(inputDim: 8, outputDim: 8, maskZero: true)
                    LSTM(8, dropout: 0.1, recurrentDropout: 0.1)
                    Dense(2, activation: .softmax)
                }
                try! model.compile(optimizer: RMSprop(learningRate: 0.01), loss: "sparse_categorical_crossentropy",
                                   metrics: ["accuracy"])
                return model
            }
        }
    }

    @Test("a VAE with seeded sampling noise and its own training step (the vae example's model in small)")
    func vae() async {
        await #expect(processExitsWith: .success) {
            var generator = RandomGenerator(seed: 6)
            let x = Tensor.randomUniform([48, 784], generator: &generator)
            DeviceTrainingTests.expectSame("vae", x: x, y: x, epochs: 2, batchSize: 16) {
                let model = SmallVAE()
                model.compile(optimizer: Adam(learningRate: 1e-3))
                return model
            }
        }
    }

    /// Device reads so far on the isolated device (every `download`).
    static var isolatedReads: Int { (Backends.isolated as! CPUBackend).downloadCount.load(ordering: .relaxed) }

    @Test("fit reads the device only when a callback looks at the logs, predict not at all")
    func deviceReads() async {
        await #expect(processExitsWith: .success) {
            Random.seed(5)
            var generator = RandomGenerator(seed: 4)
            let x = Tensor.randomUniform([320, 8], generator: &generator)
            let y = (x.sum(alongAxis: 1) .> 4).to(.float32).reshaped(to: [320, 1])
            withDevice(.isolated) {
                let (x, y) = (x.to(.isolated), y.to(.isolated))
                let model = Sequential {
                    Dense(16, activation: .relu)
                    Dense(1, activation: .sigmoid)
                }
                model.compile(optimizer: RMSprop(learningRate: 0.01), loss: BinaryCrossentropy(),
                              metrics: [Metrics.BinaryAccuracy(), Metrics.AUC(), Metrics.Precision()])
                let beforeFit = DeviceTrainingTests.isolatedReads
                let history = model.fit(x: x, y: y, epochs: 2, batchSize: 32, verbose: 0)   // 20 steps
                let fitReads = DeviceTrainingTests.isolatedReads - beforeFit
                // History reads the loss and the three metrics once per epoch.
                precondition(fitReads <= 2 * 4, "fit read the device \(fitReads) times in 20 steps")
                precondition(history.values["loss"]?.count == 2 && history.values["auc"]?.count == 2)
                let beforePredict = DeviceTrainingTests.isolatedReads
                let prediction = model.predict(x, batchSize: 64)
                precondition(DeviceTrainingTests.isolatedReads == beforePredict && prediction.device == .isolated,
                             "predict read the device \(DeviceTrainingTests.isolatedReads - beforePredict) times")
                FileHandle.standardError.write(Data("fit: \(fitReads) device reads in 20 steps\n".utf8))
            }
        }
    }
}
