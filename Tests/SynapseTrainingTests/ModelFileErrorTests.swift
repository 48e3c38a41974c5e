import Foundation
import Testing
@testable import SynapseTraining
import SynapseIO

/// Damaged and hostile model files: each throws its typed error, and nothing traps.
@Suite("Model files: damaged and hostile files")
struct ModelFileErrorTests {
    typealias F = ModelFileFixtures

    /// Rewrites the architecture JSON of a saved MLP through `edit`.
    private func editedArchitecture(_ edit: (inout [String: ConfigValue], inout [ConfigValue]) -> Void) throws -> URL {
        let (_, url) = try F.savedMLP()
        try F.rewrite(url) { file in
            var architecture = try ConfigValue(jsonText: file.metadata["architecture"]!).objectValue!
            var config = architecture["config"]!.objectValue!
            var layers = config["layers"]!.arrayValue!
            edit(&config, &layers)
            config["layers"] = .array(layers)
            architecture["config"] = .object(config)
            file.metadata["architecture"] = try ConfigValue.object(architecture).jsonText()
        }
        return url
    }

    /// Changes one key of layer `index`'s config.
    private func editedLayer(_ index: Int, _ key: String, _ value: ConfigValue) throws -> URL {
        try editedArchitecture { _, layers in
            var layer = layers[index].objectValue!
            var config = layer["config"]!.objectValue!
            config[key] = value
            layer["config"] = .object(config)
            layers[index] = .object(layer)
        }
    }

    @Test("A missing weight throws missingTensor naming it")
    func missingTensor() throws {
        let (_, url) = try F.savedMLP()
        try F.rewrite(url) { $0.tensors["dense_1.bias"] = nil }
        let error = F.loadError(url)
        #expect(error as? ModelFileError == .missingTensor("dense_1.bias"))
        #expect(String(describing: error!) == "the file has no weight 'dense_1.bias'")
    }

    @Test("A weight of the wrong shape throws shapeMismatch with both shapes")
    func wrongShape() throws {
        let (_, url) = try F.savedMLP()
        try F.rewrite(url) { $0.tensors["dense.kernel"] = .zeros([3, 3]) }
        let error = F.loadError(url)
        #expect(error as? ModelFileError == .shapeMismatch(tensor: "dense.kernel", expected: [8, 16], found: [3, 3]))
        #expect(String(describing: error!) == "weight 'dense.kernel' has shape [3, 3] in the file but the model expects [8, 16]")
    }

    @Test("A weight of the wrong dtype throws wrongDType")
    func wrongDType() throws {
        let (_, url) = try F.savedMLP()
        try F.rewrite(url) { $0.tensors["dense_1.bias"] = Tensor(int32: [1], shape: [1]) }
        #expect(F.loadError(url) as? ModelFileError == .wrongDType(tensor: "dense_1.bias", expected: "float32", found: "int32"))
    }

    @Test("A weight no layer uses throws unexpectedTensors")
    func unexpectedTensor() throws {
        let (_, url) = try F.savedMLP()
        try F.rewrite(url) { $0.tensors["dense_2.kernel"] = .zeros([2]) }
        #expect(F.loadError(url) as? ModelFileError == .unexpectedTensors(["dense_2.kernel"]))
    }

    @Test("An unknown layer class throws unknownLayerClass naming the layer and the class")
    func unknownLayerClass() throws {
        let url = try editedArchitecture { _, layers in
            var layer = layers[1].objectValue!
            layer["class_name"] = "Densest"
            layers[1] = .object(layer)
        }
        guard case .unknownLayerClass(let className, let layer, let known)? = F.loadError(url) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(url)))")
            return
        }
        #expect(className == "Densest" && layer == "dense" && known.contains("Conv2D"))
    }

    @Test("Architecture metadata that is not JSON throws invalidJSON; JSON of the wrong form throws invalidArchitecture")
    func badArchitectureJSON() throws {
        let (_, url) = try F.savedMLP()
        try F.rewrite(url) { $0.metadata["architecture"] = "{\"class_name\": \"Sequential\", " }
        guard case .invalidJSON(let key, _)? = F.loadError(url) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(url)))")
            return
        }
        #expect(key == "architecture")
        for text in ["[]", "{\"class_name\": \"Sequential\"}", "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [3]}}",
                     "{\"class_name\": \"Sequential\", \"config\": {\"layers\": [], \"build_input_shape\": [null, -4]}}",
                     "{\"class_name\": \"Functional\", \"config\": {\"layers\": []}}"] {
            try F.rewrite(url) { $0.metadata["architecture"] = text }
            guard case .invalidArchitecture? = F.loadError(url) as? ModelFileError else {
                Issue.record("\(text): \(String(describing: F.loadError(url)))")
                continue
            }
        }
    }

    @Test("Bad layer configs name the layer and key")
    func badLayerConfig() throws {
        #expect(F.loadError(try editedLayer(1, "units", "sixteen")) as? ModelFileError
                == .invalidConfig(layer: "dense", className: "Dense", key: "units", reason: "must be an integer in 1...16777216, found \"sixteen\""))
        #expect(F.loadError(try editedLayer(2, "rate", nil)) as? ModelFileError == .missingConfigKey(layer: "dropout", className: "Dropout", key: "rate"))
        #expect(F.loadError(try editedLayer(2, "rate", 1.5)) is ModelFileError)
    }

    @Test("Duplicate or missing layer names are rejected before the model is assembled")
    func layerNames() throws {
        let duplicate = try editedLayer(3, "name", "dense")
        #expect(F.loadError(duplicate) as? ModelFileError == .invalidArchitecture("two layers are named 'dense'"))
        let unnamed = try editedArchitecture { _, layers in
            var layer = layers[1].objectValue!
            var config = layer["config"]!.objectValue!
            config["name"] = nil
            layer["name"] = nil
            layer["config"] = .object(config)
            layers[1] = .object(layer)
        }
        guard case .invalidArchitecture(let reason)? = F.loadError(unnamed) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(unnamed)))")
            return
        }
        #expect(reason.contains("no name"))
    }

    @Test("Huge sizes are rejected by shape checks before anything is allocated")
    func hostileSizes() throws {
        // 2^24 units with the file's small weights: a shape mismatch (parameters are
        // checked in name order), not a 512 MB allocation.
        #expect(F.loadError(try editedLayer(1, "units", .int(1 << 24))) as? ModelFileError
                == .shapeMismatch(tensor: "dense.bias", expected: [1 << 24], found: [16]))
        let hugeInput = try editedArchitecture { config, layers in
            config["build_input_shape"] = [nil, .int(1 << 24), .int(1 << 24)]
            var layer = layers[0].objectValue!
            layer["config"] = ["name": "input", "shape": [.int(1 << 24), .int(1 << 24)]]
            layers[0] = .object(layer)
        }
        guard case .incompatibleShape? = F.loadError(hugeInput) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(hugeInput)))")
            return
        }
        let beyondLimit = try editedLayer(1, "units", .int(1 << 40))
        guard case .invalidConfig(_, _, "units", _)? = F.loadError(beyondLimit) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(beyondLimit)))")
            return
        }
    }

    @Test("Layers that cannot take their input shape throw incompatibleShape instead of stopping the process")
    func incompatibleLayers() throws {
        let url = try editedArchitecture { _, layers in
            layers.insert(["class_name": "Conv2D", "name": "conv", "config": ["name": "conv", "filters": 2, "kernel_size": 3]], at: 2)
        }
        guard case .incompatibleShape(let layer, let className, let shape, _)? = F.loadError(url) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(url)))")
            return
        }
        #expect(layer == "conv" && className == "Conv2D" && shape == [16])
        let mismatchedInput = try editedArchitecture { config, _ in config["build_input_shape"] = [nil, 9] }
        guard case .incompatibleShape("input", "Input", [9], _)? = F.loadError(mismatchedInput) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(mismatchedInput)))")
            return
        }
    }

    @Test("Damaged compile and history metadata throw invalidJSON naming the key")
    func badCompileAndHistory() throws {
        let cases: [(String, String)] = [
            ("compile", "{\"optimizer\": {\"class_name\": \"Adam\", \"config\": {\"beta_1\": 2}}, \"loss\": \"mse\", \"metrics\": []}"),
            ("compile", "{\"optimizer\": {\"class_name\": \"SGD\", \"config\": {\"nesterov\": true}}, \"loss\": \"mse\"}"),
            ("compile", "{\"optimizer\": {\"class_name\": \"SGD\"}, \"loss\": {\"name\": \"huber\", \"delta\": -1}}"),
            ("compile", "{\"optimizer\": {\"class_name\": \"SGD\", \"config\": {\"learning_rate\": -1}}, \"loss\": \"mse\"}"),
            ("compile", "{\"optimizer\": 3, \"loss\": \"mse\"}"),
            ("compile", "not json"),
            ("history", "{\"epochs\": [0, 1], \"values\": {\"loss\": [0.5]}}"),
            ("history", "{\"epochs\": \"many\"}"),
        ]
        for (key, text) in cases {
            let (_, url) = try F.savedMLP()
            try F.rewrite(url) { $0.metadata[key] = text }
            guard case .invalidJSON(let errorKey, let reason)? = F.loadError(url) as? ModelFileError else {
                Issue.record("\(text): \(String(describing: F.loadError(url)))")
                continue
            }
            #expect(errorKey == key && !reason.isEmpty, "\(text)")
        }
    }

    @Test("Garbage, missing files, weights files and newer formats throw readable errors")
    func notModelFiles() throws {
        let garbage = F.temporaryURL("garbage.safetensors")
        try Data((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: garbage)
        guard case .unreadable(let path, let reason)? = F.loadError(garbage) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(garbage)))")
            return
        }
        #expect(path == garbage.path && reason.contains("not a safetensors file"))
        let missing = F.temporaryURL("missing.safetensors")
        guard case .unreadable? = F.loadError(missing) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(missing)))")
            return
        }
        let (model, url) = try F.savedMLP()
        let weights = F.temporaryURL("weights.safetensors")
        try model.saveWeights(to: weights)
        guard case .notAModelFile(_, let why)? = F.loadError(weights) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(weights)))")
            return
        }
        #expect(why.contains("synapse-weights"))
        try F.rewrite(url) { $0.metadata["format_version"] = "2" }
        #expect(F.loadError(url) as? ModelFileError == .unsupportedFormatVersion("2"))
        try SafeTensors.write(["w": .zeros([2])], to: url)
        guard case .notAModelFile? = F.loadError(url) as? ModelFileError else {
            Issue.record("\(String(describing: F.loadError(url)))")
            return
        }
    }

    @Test("Every truncation of a model file throws a typed error")
    func truncations() throws {
        let (_, url) = try F.savedMLP()
        let bytes = try Data(contentsOf: url)
        let cut = F.temporaryURL("cut.safetensors")
        for length in stride(from: 0, to: bytes.count, by: Swift.max(1, bytes.count / 97)) {
            try bytes.prefix(length).write(to: cut)
            #expect(F.loadError(cut) is ModelFileError, "length \(length)")
        }
    }

    @Test("Saving refuses models it could not load again")
    func saveErrors() throws {
        final class Opaque: Layer {
            override func forward(_ input: Tensor, training: Bool) -> Tensor { input }
        }
        let url = F.temporaryURL()
        let opaque = Sequential { Input(shape: [2]); Opaque(name: "opaque") }
        #expect(throws: ModelFileError.notSerializable(layer: "opaque", type: "Opaque")) { try opaque.save(to: url) }
        final class ModelFileErrorTestsUnregistered: Layer, ConfigurableLayer {
            override func forward(_ input: Tensor, training: Bool) -> Tensor { input }
            var config: LayerConfig { baseConfig() }
            convenience init(config: LayerConfig) throws { self.init(name: try config.name()) }
        }
        let unregistered = Sequential { Input(shape: [2]); ModelFileErrorTestsUnregistered(name: "custom") }
        guard case .unknownLayerClass("ModelFileErrorTestsUnregistered", "custom", _)? = (#expect(throws: ModelFileError.self) {
            try unregistered.save(to: url)
        }) else {
            Issue.record("expected unknownLayerClass")
            return
        }
        #expect(!FileManager.default.fileExists(atPath: url.path))
        let folder = F.temporaryURL("no-such-folder/model.safetensors")
        guard case .unwritable? = (#expect(throws: ModelFileError.self) { try F.mlp().save(to: folder.appendingPathComponent("x")) }) else {
            Issue.record("expected unwritable")
            return
        }
    }
}
