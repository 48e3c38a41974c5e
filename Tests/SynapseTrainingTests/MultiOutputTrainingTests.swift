import Foundation
import Testing
@testable import Synapse
@testable import SynapseTraining

/// Training models with several inputs and outputs: per-output losses, loss weights
/// and metrics in `compile`, arrays and dictionaries in `fit` and `evaluate`.
@Suite("Multi-input, multi-output training")
struct MultiOutputTrainingTests {
    /// Two inputs ("numbers" [4], "flags" [3]) → a shared trunk → "total" (regression
    /// of numbers' weighted sum) and "sign" (sigmoid: whether the flags sum above 0).
    static func twoHeadedModel(seed: UInt64 = 1) -> (model: Model, totalHead: Dense, signHead: Dense) {
        let numbers = Input(shape: [4], name: "numbers")
        let flags = Input(shape: [3], name: "flags")
        let joined = Concatenate()([numbers, flags])
        let trunk = Dense(16, activation: .tanh, kernelInitializer: .glorotUniform(seed: seed))(joined)
        let totalHead = Dense(1, kernelInitializer: .glorotUniform(seed: seed + 1), name: "total")
        let signHead = Dense(1, activation: .sigmoid, kernelInitializer: .glorotUniform(seed: seed + 2), name: "sign")
        let model = Model(inputs: [numbers, flags], outputs: [totalHead(trunk), signHead(trunk)], name: "two_headed")
        return (model, totalHead, signHead)
    }

    /// Seeded data for ``twoHeadedModel(seed:)``: targets a working model learns.
    static func data(samples: Int, seed: UInt64) -> (x: [String: Tensor], y: [String: Tensor]) {
        let numbers = NNTestData.uniform([samples, 4], seed: seed)
        let flags = NNTestData.uniform([samples, 3], seed: seed + 1)
        let total = numbers.matmul(Tensor([0.5, -1, 0.25, 0.75], shape: [4, 1]))
        let sign = (flags.sum(alongAxis: 1, keepDims: true) .> 0).to(.float32)
        return (["numbers": numbers, "flags": flags], ["total": total, "sign": sign])
    }

    @Test("fit with dictionaries learns both outputs and logs the total, each output's loss and its metrics")
    func learnsBothOutputs() throws {
        let (model, _, _) = Self.twoHeadedModel()
        try model.compile(optimizer: Adam(learningRate: 0.01),
                          losses: ["total": MeanSquaredError(), "sign": BinaryCrossentropy()],
                          lossWeights: ["total": 2],
                          metrics: ["sign": ["accuracy"], "total": ["mae"]])
        #expect(model.metrics.map(\.name) == ["total_mae", "sign_accuracy"])
        let train = Self.data(samples: 512, seed: 10)
        let history = try model.fit(x: train.x, y: train.y, epochs: 30, batchSize: 32, validationSplit: 0.25,
                                    shuffle: false, verbose: 0)
        #expect(Set(history.values.keys) == ["loss", "total_loss", "sign_loss", "total_mae", "sign_accuracy",
                                              "val_loss", "val_total_loss", "val_sign_loss", "val_total_mae", "val_sign_accuracy"])
        let test = Self.data(samples: 256, seed: 20)
        let scores = try model.evaluate(x: test.x, y: test.y)
        // A model that ignored one input or one output would miss these.
        #expect(scores["sign_accuracy"]! > 0.9)
        #expect(scores["total_loss"]! < 0.02)
        let losses = history.values["loss"]!
        #expect(losses.last! < losses.first! / 5)
    }

    @Test("The total loss is the weighted sum of the outputs' losses")
    func totalIsWeightedSum() throws {
        let (model, _, _) = Self.twoHeadedModel(seed: 3)
        try model.compile(optimizer: SGD(learningRate: 0.1), losses: [MeanSquaredError(), BinaryCrossentropy()],
                          lossWeights: [0.3, 1.7])
        let test = Self.data(samples: 100, seed: 30)
        let scores = try model.evaluate(x: test.x, y: test.y, batchSize: 100)
        let outputs = model.predict(test.x)
        let mse = MeanSquaredError()(test.y["total"]!, outputs["total"]!).scalars[0]
        let bce = BinaryCrossentropy()(test.y["sign"]!, outputs["sign"]!).scalars[0]
        #expect(abs(scores["total_loss"]! - mse) < 1e-6)
        #expect(abs(scores["sign_loss"]! - bce) < 1e-6)
        #expect(abs(scores["loss"]! - (0.3 * mse + 1.7 * bce)) < 1e-5)
    }

    @Test("An output weighted 0 gives its head no gradient; the other head still learns")
    func zeroWeightFreezesHead() throws {
        let (model, totalHead, signHead) = Self.twoHeadedModel(seed: 5)
        try model.compile(optimizer: SGD(learningRate: 0.1), losses: ["total": MeanSquaredError(), "sign": BinaryCrossentropy()],
                          lossWeights: ["sign": 0])
        let before = (signHead.parameters.map(\.value.scalars), totalHead.parameters.map(\.value.scalars))
        let train = Self.data(samples: 64, seed: 40)
        try model.fit(x: train.x, y: train.y, epochs: 2, batchSize: 16, verbose: 0)
        #expect(signHead.parameters.map(\.value.scalars) == before.0)
        #expect(totalHead.parameters.map(\.value.scalars) != before.1)
    }

    @Test("Arrays in order and dictionaries by name train the same weights")
    func arraysAndDictionariesAgree() throws {
        let train = Self.data(samples: 96, seed: 50)
        var weights: [[[Float]]] = []
        for byName in [true, false] {
            let (model, _, _) = Self.twoHeadedModel(seed: 7)
            try model.compile(optimizer: "adam", losses: ["total": "mse", "sign": "binary_crossentropy"])
            if byName {
                try model.fit(x: train.x, y: train.y, epochs: 2, batchSize: 32, shuffle: false, verbose: 0)
            } else {
                try model.fit(x: [train.x["numbers"]!, train.x["flags"]!], y: [train.y["total"]!, train.y["sign"]!],
                              epochs: 2, batchSize: 32, shuffle: false, verbose: 0)
            }
            weights.append(model.parameters.map(\.value.scalars))
        }
        #expect(weights[0] == weights[1])
    }

    @Test("One loss given to a multi-output model applies to every output, with metrics per output")
    func sharedLossAppliesToEachOutput() throws {
        let numbers = Input(shape: [4], name: "numbers")
        let hidden = Dense(8, activation: .relu, kernelInitializer: .glorotUniform(seed: 1))(numbers)
        let first = Dense(1, kernelInitializer: .glorotUniform(seed: 2), name: "first")(hidden)
        let second = Dense(1, kernelInitializer: .glorotUniform(seed: 3), name: "second")(hidden)
        let model = Model(inputs: [numbers], outputs: [first, second])
        try model.compile(optimizer: SGD(), loss: MeanSquaredError(), metrics: ["mae"])
        #expect(model.objectives.map(\.output) == ["first", "second"])
        #expect(model.metrics.map(\.name) == ["first_mae", "second_mae"])
        let x = NNTestData.uniform([20, 4], seed: 60)
        let targets = [NNTestData.uniform([20, 1], seed: 61), NNTestData.uniform([20, 1], seed: 62)]
        let scores = try model.evaluate(x: [x], y: targets, batchSize: 20)
        let predictions = model.predict([x])
        let firstLoss = MeanSquaredError()(targets[0], predictions[0]).scalars[0]
        let secondLoss = MeanSquaredError()(targets[1], predictions[1]).scalars[0]
        #expect(abs(scores["loss"]! - (firstLoss + secondLoss)) < 1e-5)
        #expect(abs(scores["second_loss"]! - secondLoss) < 1e-6)
    }

    @Test("A one-input, one-output model trains the same from arrays as from tensors")
    func singleArraysMatchTensors() throws {
        var weights: [[[Float]]] = []
        var histories: [[Float]] = []
        let x = NNTestData.uniform([80, 8], seed: 70)
        let y = (x.sum(alongAxis: 1, keepDims: true) .> 0).to(.float32)
        for useArrays in [false, true] {
            let (model, _) = FunctionalModelTests.residualModel(seed: 9)
            try model.compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"])
            let history = useArrays
                ? try model.fit(x: [x], y: [y], epochs: 3, batchSize: 16, validationSplit: 0.25, shuffle: false, verbose: 0)
                : model.fit(x: x, y: y, epochs: 3, batchSize: 16, validationSplit: 0.25, shuffle: false, verbose: 0)
            #expect(Set(history.values.keys) == ["loss", "accuracy", "val_loss", "val_accuracy"])
            weights.append(model.parameters.map(\.value.scalars))
            histories.append(history.values["val_loss"]!)
        }
        #expect(weights[0] == weights[1])
        #expect(histories[0] == histories[1])
    }

    @Test("A model compiled per output saves and loads with its losses, weights and metrics, and trains on")
    func savesPerOutputCompile() throws {
        let (model, _, _) = Self.twoHeadedModel(seed: 11)
        try model.compile(optimizer: Adam(learningRate: 0.01),
                          losses: ["total": MeanSquaredError(), "sign": BinaryCrossentropy()],
                          lossWeights: ["total": 0.5], metrics: ["sign": ["accuracy"]])
        let train = Self.data(samples: 64, seed: 90)
        try model.fit(x: train.x, y: train.y, epochs: 2, batchSize: 16, shuffle: false, verbose: 0)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("multi-output-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("two_headed.safetensors")
        try model.save(to: file)
        let loaded = try Model.load(from: file)
        #expect(loaded.objectives.map(\.output) == ["total", "sign"])
        #expect(loaded.objectives.map(\.weight) == [0.5, 1])
        #expect(loaded.metrics.map(\.name) == ["sign_accuracy"])
        #expect(loaded.objectives.map(\.loss.name) == ["mean_squared_error", "binary_crossentropy"])
        let test = Self.data(samples: 50, seed: 91)
        let (expected, actual) = (try model.evaluate(x: test.x, y: test.y), try loaded.evaluate(x: test.x, y: test.y))
        #expect(expected.values == actual.values)
        #expect(try ModelFile.read(from: file).compile?.lossName == "sign: binary_crossentropy, total: mean_squared_error")
        // The loaded model trains on: its compile settings are whole.
        try loaded.fit(x: train.x, y: train.y, epochs: 1, batchSize: 16, verbose: 0)
    }

    @Test("Mismatched arrays and names throw errors that name the model's inputs and outputs")
    func readableErrors() throws {
        let (model, _, _) = Self.twoHeadedModel()
        let data = Self.data(samples: 10, seed: 80)
        func message(_ body: () throws -> Void) -> String {
            do { try body() } catch { return "\(error)" }
            return "no error"
        }
        #expect(message { try model.compile(optimizer: SGD(), losses: ["total": MeanSquaredError()]) }
            == "compile: no loss for output 'sign' of model 'two_headed'; give one loss per output (total, sign)")
        #expect(message { try model.compile(optimizer: SGD(), losses: ["total": MeanSquaredError(), "sign": MeanSquaredError(), "box": MeanSquaredError()]) }
            == "compile: losses name 'box', which is not an output of model 'two_headed'; its outputs are total, sign")
        try model.compile(optimizer: SGD(), losses: [MeanSquaredError(), BinaryCrossentropy()])
        #expect(message { try model.fit(x: ["numbers": data.x["numbers"]!], y: data.y, verbose: 0) }
            == "fit: no array for input 'flags' of model 'two_headed'; its inputs are numbers, flags")
        #expect(message { try model.evaluate(x: data.x, y: ["total": data.y["total"]!, "sign": data.y["sign"]!, "extra": data.y["sign"]!]) }
            == "evaluate: model 'two_headed' has no output named 'extra'; its outputs are total, sign")
        #expect(message { try model.fit(x: [data.x["numbers"]!], y: [data.y["total"]!, data.y["sign"]!], verbose: 0) }
            == "fit: model 'two_headed' has 2 input(s) (numbers, flags), got 1 array(s)")
        let short = data.x["flags"]!.narrowed(axis: 0, start: 0, length: 5)
        #expect(message { try model.fit(x: [data.x["numbers"]!, short], y: [data.y["total"]!, data.y["sign"]!], verbose: 0) }
            == "fit: inputs of shapes [10, 4], [5, 3] and targets of shapes [10, 1], [10, 1] must all have the same number of samples")
    }
}
