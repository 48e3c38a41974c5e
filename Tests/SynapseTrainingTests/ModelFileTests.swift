import Foundation
import Testing
@testable import SynapseTraining
import SynapseIO

/// A custom layer with its own parameter, registered by the tests that save it.
final class ModelFileTestsScale: Layer, ConfigurableLayer {
    let initialValue: Float
    private(set) var factor: Parameter!
    init(initialValue: Float, name: String? = nil) {
        self.initialValue = initialValue
        super.init(name: name)
    }
    override func build(inputShape: [Int]) {
        factor = Parameter(.full([inputShape.last!], value: initialValue), name: "factor")
    }
    override var ownParameters: [Parameter] { [factor].compactMap { $0 } }
    override func forward(_ input: Tensor, training: Bool) -> Tensor { input * factor.value }
    var config: LayerConfig {
        var config = baseConfig()
        config["initial_value"] = ConfigValue(initialValue)
        return config
    }
    convenience init(config: LayerConfig) throws {
        self.init(initialValue: try config.float("initial_value"), name: try config.name())
    }
}

/// Shared models, data and file helpers.
enum ModelFileFixtures {
    /// A fresh path in the temporary folder (the file does not exist yet).
    static func temporaryURL(_ name: String = "model.safetensors") -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("synapse-modelfile-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder.appendingPathComponent(name)
    }

    /// A 8-16-1 classifier with dropout, seeded initializers.
    static func mlp() -> Sequential {
        Sequential(name: "mlp") {
            Input(shape: [8])
            Dense(16, activation: .relu, kernelInitializer: .glorotUniform(seed: 1), kernelRegularizer: L2(1e-4))
            Dropout(0.2)
            Dense(1, activation: .sigmoid, kernelInitializer: .glorotUniform(seed: 2))
        }
    }

    /// The MNIST CNN architecture of the examples.
    static func mnistCNN() -> Sequential {
        Sequential(name: "mnist_cnn") {
            Input(shape: [28, 28, 1])
            Conv2D(8, kernelSize: 3, activation: .relu, kernelInitializer: .glorotUniform(seed: 3))
            MaxPooling2D(2)
            Conv2D(16, kernelSize: 3, activation: .relu, kernelInitializer: .glorotUniform(seed: 4))
            MaxPooling2D(2)
            Flatten()
            Dropout(0.5)
            Dense(10, activation: .softmax, kernelInitializer: .glorotUniform(seed: 5))
        }
    }

    /// Deterministic features `[count, features]` and 0/1 targets `[count, 1]`.
    static func binaryData(count: Int = 64, features: Int = 8, seed: UInt64 = 7) -> (x: Tensor, y: Tensor) {
        var generator = RandomGenerator(seed: seed)
        let x = Tensor.randomNormal([count, features], generator: &generator)
        let y = (x.sum(alongAxis: 1, keepDims: true) .> 0).to(.float32)
        return (x, y)
    }

    /// Random inputs of a per-sample shape.
    static func inputs(_ shape: [Int], count: Int = 5, seed: UInt64 = 9) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.randomNormal([count] + shape, generator: &generator)
    }

    static func bits(_ tensor: Tensor) -> [UInt32] { tensor.scalars.map(\.bitPattern) }

    /// Reads a file, lets `edit` change it, writes it back.
    static func rewrite(_ url: URL, _ edit: (inout SafeTensors) throws -> Void) throws {
        var file = try SafeTensors.read(from: url)
        try edit(&file)
        try file.write(to: url)
    }

    /// The error `Sequential.load` throws for `url`, if any.
    static func loadError(_ url: URL) -> (any Error)? {
        do {
            _ = try Sequential.load(from: url)
            return nil
        } catch {
            return error
        }
    }

    /// A saved (compiled, trained) MLP.
    static func savedMLP() throws -> (model: Sequential, url: URL) {
        let model = mlp()
        try model.compile(optimizer: "adam", loss: "binary_crossentropy", metrics: ["accuracy"])
        let (x, y) = binaryData()
        _ = model.fit(x: x, y: y, epochs: 2, batchSize: 16, verbose: 0)
        let url = temporaryURL()
        try model.save(to: url)
        return (model, url)
    }
}

@Suite("Model files: save and load")
struct ModelFileTests {
    typealias F = ModelFileFixtures

    @Test("An MLP round-trips: predictions bit for bit, compile settings and history")
    func mlpRoundTrip() throws {
        let (model, url) = try F.savedMLP()
        let loaded = try Sequential.load(from: url)
        let x = F.inputs([8], count: 20)
        #expect(F.bits(loaded.predict(x)) == F.bits(model.predict(x)))
        #expect(loaded.name == "mlp" && loaded.layers.map(\.name) == model.layers.map(\.name))
        #expect(loaded.namedWeights.map(\.name) == model.namedWeights.map(\.name))
        let optimizer = try #require(loaded.optimizer as? Adam)
        #expect(optimizer.learningRate == 0.001 && optimizer.beta1 == 0.9 && optimizer.beta2 == 0.999 && optimizer.epsilon == 1e-7)
        #expect(loaded.loss?.name == "binary_crossentropy")
        #expect(loaded.metrics.map(\.name) == ["accuracy"])
        #expect(loaded.metrics.first is Metrics.BinaryAccuracy)
        #expect(loaded.history.epochs == [0, 1])
        #expect(loaded.history.values == model.history.values)
        #expect((loaded.layers[1] as? Dense)?.kernelRegularizer is L2)
        // Loaded and compiled: it trains on.
        let (trainX, trainY) = F.binaryData()
        let before = loaded.evaluate(x: trainX, y: trainY)["loss"]!
        _ = loaded.fit(x: trainX, y: trainY, epochs: 3, batchSize: 16, verbose: 0)
        #expect(loaded.evaluate(x: trainX, y: trainY)["loss"]! < before)
    }

    @Test("The MNIST CNN (Conv2D, MaxPooling2D, Flatten, Dropout, Dense) round-trips bit for bit")
    func mnistCNNRoundTrip() throws {
        let model = F.mnistCNN()
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        let x = F.inputs([28, 28, 1], count: 8)
        _ = model.fit(x: x, y: Tensor(int32: [0, 1, 2, 3, 4, 5, 6, 7], shape: [8]), epochs: 1, batchSize: 4, verbose: 0)
        let url = F.temporaryURL()
        try model.save(to: url)
        let loaded = try Sequential.load(from: url)
        #expect(F.bits(loaded.predict(x)) == F.bits(model.predict(x)))
        #expect(loaded.summaryText() == model.summaryText())
        #expect(loaded.parameterCount == model.parameterCount)
        #expect(loaded.metrics.first is Metrics.SparseCategoricalAccuracy)
    }

    @Test("BatchNormalization moving statistics and frozen layers survive the round trip")
    func batchNormRoundTrip() throws {
        let model = Sequential(name: "bn") {
            Input(shape: [8])
            Dense(12, kernelInitializer: .glorotUniform(seed: 6))
            BatchNormalization(momentum: 0.5)
            Activation(.relu)
            Dropout(0.3)
            Dense(1, kernelInitializer: .glorotUniform(seed: 7))
        }
        model.layers[1].isTrainable = false
        try model.compile(optimizer: "rmsprop", loss: "mse")
        let (x, y) = F.binaryData()
        _ = model.fit(x: x, y: y, epochs: 2, batchSize: 16, verbose: 0)
        let movingMean = try #require((model.layers[2] as? BatchNormalization)?.movingMean.value)
        #expect(movingMean.scalars.contains { $0 != 0 }, "training moved the statistics")
        let url = F.temporaryURL()
        try model.save(to: url)
        let loaded = try Sequential.load(from: url)
        let batchNorm = try #require(loaded.layers[2] as? BatchNormalization)
        #expect(F.bits(batchNorm.movingMean.value) == F.bits(movingMean))
        #expect(batchNorm.momentum == 0.5)
        #expect(!loaded.layers[1].isTrainable && loaded.trainableParameterCount == model.trainableParameterCount)
        #expect(F.bits(loaded.predict(x)) == F.bits(model.predict(x)))
    }

    @Test("A model with every kind of built-in layer round-trips bit for bit")
    func everyLayerRoundTrip() throws {
        let model = Sequential(name: "zoo") {
            Input(shape: [8, 8, 3])
            ZeroPadding2D(padding: ((1, 0), (0, 1)))
            Conv2D(4, kernelSize: 3, strides: 2, padding: .same, activation: .elu(alpha: 0.5), kernelInitializer: .heNormal(seed: 1))
            SpatialDropout2D(0.2)
            Conv2DTranspose(4, kernelSize: (3, 3), strides: (2, 2), padding: .same, kernelInitializer: .glorotUniform(seed: 2))
            UpSampling2D(size: (2, 1))
            AveragePooling2D(poolSize: (2, 2), strides: (2, 1), padding: .valid)
            BatchNormalization()
            GlobalMaxPooling2D()
            Reshape([2, -1])
            Conv1D(3, kernelSize: 2, kernelInitializer: .glorotUniform(seed: 3))
            LayerNormalization()
            Flatten()
            Dense(5, activation: .gelu(approximate: true), kernelInitializer: .glorotUniform(seed: 4))
            Activation(.softmax)
        }
        let x = F.inputs([8, 8, 3], count: 3)
        let url = F.temporaryURL()
        try model.save(to: url)
        let loaded = try Sequential.load(from: url)
        #expect(loaded.layers.map { String(describing: type(of: $0)) } == model.layers.map { String(describing: type(of: $0)) })
        #expect(F.bits(loaded.predict(x)) == F.bits(model.predict(x)))
        #expect(loaded.optimizer == nil, "an uncompiled model loads uncompiled")
        let modelGlobal = GlobalAveragePooling2D(keepDims: true)
        let withGlobal = Sequential { Input(shape: [4, 4, 2]); MaxPooling2D(2); modelGlobal }
        let otherURL = F.temporaryURL()
        try withGlobal.save(to: otherURL)
        let image = F.inputs([4, 4, 2], count: 2)
        #expect(F.bits(try Sequential.load(from: otherURL).predict(image)) == F.bits(withGlobal.predict(image)))
    }

    @Test("The file is plain safetensors: weights in Keras layouts under stable names, and the documented metadata")
    func fileLayout() throws {
        let (model, url) = try F.savedMLP()
        let file = try SafeTensors.read(from: url)
        #expect(file.tensors.keys.sorted() == ["dense.bias", "dense.kernel", "dense_1.bias", "dense_1.kernel"])
        #expect(file.tensors["dense.kernel"]?.shape == [8, 16] && file.tensors["dense_1.kernel"]?.shape == [16, 1])
        #expect(file.tensors["dense.kernel"].map(F.bits) == F.bits((model.layers[1] as! Dense).kernel.value))
        #expect(file.metadata["format"] == "synapse-model" && file.metadata["format_version"] == "1")
        #expect(file.metadata["synapse_version"] == SystemInfo.synapseVersion)
        #expect(file.metadata["weight_layout"]?.contains("Linear.weight = kernel.T") == true)
        let architecture = try ConfigValue(jsonText: try #require(file.metadata["architecture"]))
        #expect(architecture.objectValue?["class_name"] == "Sequential")
        let config = try #require(architecture.objectValue?["config"]?.objectValue)
        #expect(config["name"] == "mlp" && config["build_input_shape"] == [nil, 8])
        let layers = try #require(config["layers"]?.arrayValue)
        // Keras 3's form: modules and registered names, the input as an InputLayer.
        #expect(architecture.objectValue?["module"] == "keras" && architecture.objectValue?["registered_name"] == .some(.null))
        #expect(layers.map { $0.objectValue?["class_name"] } == ["InputLayer", "Dense", "Dropout", "Dense"])
        #expect(layers.allSatisfy { $0.objectValue?["module"] == "keras.layers" })
        #expect(layers[0].objectValue?["config"] == ["batch_shape": [nil, 8], "dtype": "float32", "name": "input"])
        #expect(layers[1].objectValue?["name"] == "dense")
        #expect(layers[1].objectValue?["config"]?.objectValue?["units"] == 16)
        #expect(layers[1].objectValue?["config"]?.objectValue?["kernel_initializer"]?.objectValue?["module"] == "keras.initializers")
        let compile = try ConfigValue(jsonText: try #require(file.metadata["compile"]))
        #expect(compile.objectValue?["metrics"] == ["accuracy"])
        #expect(compile.objectValue?["optimizer"]?.objectValue?["class_name"] == "Adam")
        #expect(compile.objectValue?["loss"]?.objectValue?["name"] == "binary_crossentropy")
        let history = try ConfigValue(jsonText: try #require(file.metadata["history"]))
        #expect(history.objectValue?["epochs"] == [0, 1])
        #expect(history.objectValue?["values"]?.objectValue?["loss"]?.arrayValue?.count == 2)
    }

    @Test("Each built-in optimizer and loss comes back with its hyper-parameters")
    func compileSettings() throws {
        let optimizers: [Optimizer] = [
            SGD(learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01, clipNorm: 1),
            Adam(learningRate: 0.002, beta1: 0.8, beta2: 0.99, epsilon: 1e-6, amsgrad: true, weightDecay: 0.1, clipValue: 0.5),
            AdamW(learningRate: 0.003, weightDecay: 0.02, globalClipNorm: 2),
            RMSprop(learningRate: 0.004, rho: 0.8, momentum: 0.1, epsilon: 1e-5, centered: true),
            Adagrad(learningRate: 0.02, initialAccumulatorValue: 0.2, epsilon: 1e-6),
        ]
        let losses: [any Loss] = [BinaryCrossentropy(fromLogits: true), CategoricalCrossentropy(reduction: .sum), Huber(delta: 2),
                                  MeanAbsoluteError(), SparseCategoricalCrossentropy(fromLogits: true)]
        for (optimizer, loss) in zip(optimizers, losses) {
            let model = Sequential { Input(shape: [3]); Dense(2) }
            try model.compile(optimizer: optimizer, loss: loss.name, metrics: ["mae"])
            model.compile(optimizer: optimizer, loss: loss, metrics: model.metrics)
            let url = F.temporaryURL()
            try model.save(to: url)
            let loaded = try Sequential.load(from: url)
            let restored = try #require(loaded.optimizer)
            #expect(type(of: restored) == type(of: optimizer))
            #expect(OptimizerConfig.value(of: restored) == OptimizerConfig.value(of: optimizer))
            #expect(LossConfig.value(of: try #require(loaded.loss)) == LossConfig.value(of: loss))
            #expect(loaded.metrics.map(\.name) == ["mae"])
            #expect(restored.parameters.count == 2, "compile assigns the loaded parameters")
        }
    }

    @Test("A custom optimizer leaves the loaded model uncompiled; the stored settings stay readable")
    func customOptimizer() throws {
        final class SignSGD: Optimizer {
            override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
                parameter.assign(parameter.value - learningRate * gradient.sign())
            }
        }
        let model = Sequential { Input(shape: [3]); Dense(2) }
        try model.compile(optimizer: SignSGD(learningRate: 0.1), loss: "mse")
        let url = F.temporaryURL()
        try model.save(to: url)
        #expect(try Sequential.load(from: url).optimizer == nil)
        let file = try ModelFile.read(from: url)
        #expect(file.compile?.optimizerClassName == "SignSGD" && file.compile?.lossName == "mean_squared_error")
        #expect(file.compile?.descriptionLines.first == "optimizer: SignSGD (learning_rate=0.1)")
    }

    @Test("History values, NaN included, come back exactly")
    func historyWithNaN() throws {
        let model = Sequential { Input(shape: [2]); Dense(1) }
        let history = History()
        history.record(epoch: 0, logs: ["loss": 0.5])
        history.record(epoch: 1, logs: ["loss": .nan, "val_loss": .infinity])
        model.setHistory(history)
        let url = F.temporaryURL()
        try model.save(to: url)
        let loaded = try Sequential.load(from: url).history
        #expect(loaded.epochs == [0, 1] && loaded.keys == ["loss", "val_loss"])
        #expect(loaded.values["loss"]![0] == 0.5 && loaded.values["loss"]![1].isNaN)
        #expect(loaded.values["val_loss"]![0].isNaN && loaded.values["val_loss"]![1] == .infinity)
    }

    @Test("An unbuilt model saves its architecture and loads unbuilt")
    func unbuiltModel() throws {
        let model = Sequential { Dense(4); Dense(1) }
        let url = F.temporaryURL()
        try model.save(to: url)
        #expect(try SafeTensors.read(from: url).tensors.isEmpty)
        let loaded = try Sequential.load(from: url)
        #expect(!loaded.isBuilt && loaded.layers.count == 2)
        #expect(loaded(Tensor.ones([2, 3])).shape == [2, 1])
    }

    @Test("A registered custom layer round-trips with its weights")
    func customLayerRoundTrip() throws {
        LayerRegistry.register(ModelFileTestsScale.self)
        let model = Sequential {
            Input(shape: [3])
            ModelFileTestsScale(initialValue: 1.5, name: "scale")
            Dense(2, kernelInitializer: .glorotUniform(seed: 8))
        }
        model.buildFromDeclaredInput()
        (model.layers[1] as! ModelFileTestsScale).factor.assign(Tensor([1, -2, 3]))
        let url = F.temporaryURL()
        try model.save(to: url)
        #expect(try SafeTensors.read(from: url).tensors["scale.factor"]?.scalars == [1, -2, 3])
        let loaded = try Sequential.load(from: url)
        let scale = try #require(loaded.layers[1] as? ModelFileTestsScale)
        #expect(scale.initialValue == 1.5 && scale.factor.value.scalars == [1, -2, 3])
        let x = F.inputs([3])
        #expect(F.bits(loaded.predict(x)) == F.bits(model.predict(x)))
    }

    @Test("Saving over an existing file replaces it and leaves no temporary files")
    func atomicReplace() throws {
        let (_, url) = try F.savedMLP()
        let other = Sequential(name: "other") { Input(shape: [2]); Dense(3) }
        try other.save(to: url)
        #expect(try Sequential.load(from: url).name == "other")
        let folder = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
        #expect(folder == [url.lastPathComponent])
    }
}

@Suite("Model files: weights only")
struct ModelWeightsFileTests {
    typealias F = ModelFileFixtures

    @Test("saveWeights / loadWeights round-trip by name into a fresh model of the same architecture")
    func weightsRoundTrip() throws {
        let (model, _) = try F.savedMLP()
        let url = F.temporaryURL("weights.safetensors")
        try model.saveWeights(to: url)
        let file = try SafeTensors.read(from: url)
        #expect(file.metadata["format"] == "synapse-weights" && file.metadata["architecture"] == nil)
        let fresh = Sequential {
            Input(shape: [8])
            Dense(16, activation: .relu, kernelInitializer: .glorotUniform(seed: 99))
            Dropout(0.2)
            Dense(1, activation: .sigmoid)
        }
        let x = F.inputs([8])
        #expect(F.bits(fresh.predict(x)) != F.bits(model.predict(x)))
        try fresh.loadWeights(from: url)
        #expect(F.bits(fresh.predict(x)) == F.bits(model.predict(x)))
        // A full model file also serves as a weights file.
        let (other, modelURL) = try F.savedMLP()
        try fresh.loadWeights(from: modelURL)
        #expect(F.bits(fresh.predict(x)) == F.bits(other.predict(x)))
    }

    @Test("Custom Model subclasses save and load weights")
    func customModelWeights() throws {
        final class TwoHeads: Model {
            let body = Dense(4, kernelInitializer: .glorotUniform(seed: 1), name: "body")
            let head = Dense(2, kernelInitializer: .glorotUniform(seed: 2), name: "head")
            override func forward(_ input: Tensor, training: Bool) -> Tensor { head(body(input).relu()) }
        }
        let model = TwoHeads()
        let x = F.inputs([3])
        _ = model(x)
        #expect(model.namedWeights.map(\.name) == ["body.kernel", "body.bias", "head.kernel", "head.bias"])
        let url = F.temporaryURL()
        #expect(throws: ModelFileError.self) { try model.save(to: url) }
        try model.saveWeights(to: url)
        let copy = TwoHeads()
        _ = copy(x)
        copy.body.kernel.assign(.zeros([3, 4]))
        try copy.loadWeights(from: url)
        #expect(F.bits(copy.predict(x)) == F.bits(model.predict(x)))
        #expect(throws: ModelFileError.notBuilt(TwoHeads().name)) { try TwoHeads().saveWeights(to: url) }
    }

    @Test("Strict loading refuses missing and unused weights and assigns nothing; non-strict loads what matches")
    func strictness() throws {
        let small = Sequential { Input(shape: [8]); Dense(16, kernelInitializer: .glorotUniform(seed: 3)) }
        let url = F.temporaryURL()
        try small.saveWeights(to: url)
        let (large, _) = try F.savedMLP()
        let before = F.bits((large.layers[1] as! Dense).kernel.value)
        #expect(throws: ModelFileError.missingTensor("dense_1.kernel")) { try large.loadWeights(from: url) }
        #expect(F.bits((large.layers[1] as! Dense).kernel.value) == before, "nothing assigned after a failed check")
        try large.loadWeights(from: url, strict: false)
        #expect(F.bits((large.layers[1] as! Dense).kernel.value) == F.bits((small.layers[1] as! Dense).kernel.value))
        let largeURL = F.temporaryURL()
        try large.saveWeights(to: largeURL)
        #expect(throws: ModelFileError.unexpectedTensors(["dense_1.bias", "dense_1.kernel"])) { try small.loadWeights(from: largeURL) }
        let mismatched = Sequential { Input(shape: [4]); Dense(16) }
        #expect(throws: ModelFileError.shapeMismatch(tensor: "dense.kernel", expected: [4, 16], found: [8, 16])) {
            try mismatched.loadWeights(from: url, strict: false)
        }
    }
}
