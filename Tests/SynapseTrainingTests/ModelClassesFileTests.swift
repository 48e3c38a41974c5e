import Foundation
import Testing
@testable import Synapse
@testable import SynapseTraining

/// A classifier written as a `Model` subclass that describes its constructor
/// arguments, so it saves whole once registered (Keras' `get_config` /
/// `from_config` with a registered class).
final class RegisteredClassifier: Model, ConfigurableLayer {
    let hidden: Int
    let classes: Int
    let body: Dense
    let head: Dense

    init(hidden: Int, classes: Int, seed: UInt64 = 1, name: String? = nil) {
        (self.hidden, self.classes) = (hidden, classes)
        body = Dense(hidden, activation: .relu, kernelInitializer: .glorotUniform(seed: seed), name: "body")
        head = Dense(classes, activation: .softmax, kernelInitializer: .glorotUniform(seed: seed + 1), name: "head")
        super.init(name: name)
    }

    override func forward(_ input: Tensor, training: Bool) -> Tensor { head(body(input, training: training), training: training) }

    var config: LayerConfig {
        var config = baseConfig()
        config["hidden"] = .int(hidden)
        config["classes"] = .int(classes)
        return config
    }

    convenience init(config: LayerConfig) throws {
        self.init(hidden: try config.int("hidden"), classes: try config.int("classes"), name: try config.name())
    }
}

/// The model classes SynapseNN's registry cannot know by itself, in model files:
/// `Branches`, models nested as layers, and registered `Model` subclasses.
@Suite("Model files: Branches, nested models and registered subclasses")
struct ModelClassesFileTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("model-classes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("Branches inside a Sequential save and load bit for bit, with each branch's config")
    func branches() throws {
        let model = Sequential(name: "encoder") {
            Input(shape: [6])
            Dense(8, activation: .relu, kernelInitializer: .glorotUniform(seed: 1))
            Branches(Dense(3, kernelInitializer: .glorotUniform(seed: 2), name: "mean"),
                     Dense(3, kernelInitializer: .glorotUniform(seed: 3), name: "log_variance"))
        }
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("encoder.safetensors")
        try model.save(to: url)
        let loaded = try Sequential.load(from: url)
        let branches = try #require(loaded.layers.last as? Branches)
        #expect(branches.branches.map(\.name) == ["mean", "log_variance"])
        #expect(loaded.namedWeights.map(\.name) == model.namedWeights.map(\.name))
        let x = NNTestData.uniform([4, 6], seed: 5)
        #expect(loaded.predict(x).scalars == model.predict(x).scalars)
        let text = try ModelFile.read(from: url).architecture.jsonText()
        #expect(text.contains(#""class_name":"Branches""#) && text.contains(#""name":"log_variance""#))

        // A config without layers is refused by key.
        #expect(throws: ModelFileError.self) { try Branches(config: LayerConfig(className: "Branches", values: ["name": .string("b"), "layers": .array([])])) }
    }

    @Test("A Sequential and a functional model nested in a functional model save and load bit for bit; weights go by the nested names")
    func nestedModels() throws {
        let stack = Sequential(name: "features") {
            Dense(8, activation: .relu, kernelInitializer: .glorotUniform(seed: 1))
            BatchNormalization()
        }
        let innerInput = Input(shape: [8], name: "inner_input")
        let head = Model(inputs: innerInput, outputs: Dense(3, activation: .softmax, kernelInitializer: .glorotUniform(seed: 2))(innerInput),
                         name: "head")
        let inputs = Input(shape: [5], name: "x")
        let features = stack(inputs)
        let outputs = head(Add()([features, Dense(8, kernelInitializer: .glorotUniform(seed: 3))(inputs)]))
        let model = Model(inputs: inputs, outputs: outputs, name: "outer")
        try model.compile(optimizer: "adam", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        // One training step moves the batch-norm statistics away from their start.
        let x = NNTestData.uniform([16, 5], seed: 4)
        let y = Tensor((0..<16).map { Float($0 % 3) }, shape: [16])
        _ = model.fit(x: x, y: y, epochs: 1, batchSize: 16, verbose: 0)

        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("outer.safetensors")
        try model.save(to: url)
        let loaded = try Model.load(from: url)
        #expect(loaded.layers.map(\.name) == model.layers.map(\.name))
        #expect(loaded.layers.contains { $0 is Sequential && $0.name == "features" })
        #expect(loaded.layers.contains { ($0 as? Model)?.isFunctional == true && $0.name == "head" })
        #expect(loaded.namedWeights.map(\.name) == model.namedWeights.map(\.name))
        #expect(model.namedWeights.map(\.name).contains { $0.hasPrefix("features.") && $0.hasSuffix(".moving_mean") })
        #expect(loaded.predict(x).scalars == model.predict(x).scalars)
        #expect(loaded.optimizer is Adam)

        let architecture = try ModelFile.read(from: url).architecture
        let classes = architecture.layers.map(\.className)
        #expect(classes.contains("Sequential") && classes.contains("Functional"))
    }

    @Test("A registered Model subclass saves whole and loads from its config, bit for bit; unregistered ones are refused with what to do")
    func registeredSubclass() throws {
        let model = RegisteredClassifier(hidden: 6, classes: 3, seed: 7, name: "classifier")
        let x = NNTestData.uniform([5, 4], seed: 2)
        let before = model.predict(x)
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("classifier.safetensors")

        // Conforming but not registered: refused at save, naming the class.
        LayerRegistry.unregister(typeName: RegisteredClassifier.className)
        #expect {
            try model.save(to: url)
        } throws: { error in
            String(describing: error).contains("RegisteredClassifier")
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))

        LayerRegistry.register(RegisteredClassifier.self)
        defer { LayerRegistry.unregister(typeName: RegisteredClassifier.className) }
        try model.compile(optimizer: "sgd", loss: "sparse_categorical_crossentropy", metrics: ["accuracy"])
        try model.save(to: url)
        let loaded = try #require(try Model.load(from: url) as? RegisteredClassifier)
        #expect(loaded.name == "classifier" && loaded.hidden == 6 && loaded.classes == 3)
        #expect(loaded.predict(x).scalars == before.scalars)
        #expect(loaded.optimizer is SGD)
        let architecture = try ModelFile.read(from: url).architecture
        #expect(architecture.className == "RegisteredClassifier" && architecture.buildInputShape == [4])
        #expect(try RegisteredClassifier.load(from: url).hidden == 6)
        // Registered, it can also be shared as a Sendable snapshot.
        #expect(try model.inferenceSnapshot().predict(x).scalars == before.scalars)

        // A subclass that cannot describe itself still saves its weights.
        final class Plain: Model {
            let dense = Dense(2, kernelInitializer: .glorotUniform(seed: 1))
            override func forward(_ input: Tensor, training: Bool) -> Tensor { dense(input) }
        }
        let plain = Plain(name: "plain")
        _ = plain(x)
        #expect {
            try plain.save(to: folder.appendingPathComponent("plain.safetensors"))
        } throws: { error in
            let message = String(describing: error)
            return message.contains("saveWeights") && message.contains("ConfigurableLayer")
        }
        try plain.saveWeights(to: folder.appendingPathComponent("plain.weights.safetensors"))
        let copy = Plain(name: "plain")
        _ = copy(x)
        try copy.loadWeights(from: folder.appendingPathComponent("plain.weights.safetensors"))
        #expect(copy(x).scalars == plain(x).scalars)
    }
}
