/// Errors from describing, saving and loading models: a damaged or hostile file, a
/// configuration that does not describe a valid layer, weights that do not fit the
/// architecture. Every description is one readable line that names what is wrong.
///
/// Loading never traps on a bad file: each check that fails throws one of these.
public enum ModelFileError: Error, CustomStringConvertible, Equatable {
    /// The file cannot be read, or is not a valid safetensors file.
    case unreadable(path: String, reason: String)
    /// The file cannot be written.
    case unwritable(path: String, reason: String)
    /// A valid safetensors file that is not a Synapse model (its `format` metadata).
    case notAModelFile(path: String, reason: String)
    /// A model file written by a newer Synapse.
    case unsupportedFormatVersion(String)
    /// A metadata entry ("architecture", "compile", "history") is not the JSON it should be.
    case invalidJSON(key: String, reason: String)
    /// The architecture is valid JSON but does not describe a model.
    case invalidArchitecture(String)
    /// A layer class that is not registered with ``LayerRegistry``.
    case unknownLayerClass(className: String, layer: String, known: [String])
    /// A configuration key that a layer needs is absent.
    case missingConfigKey(layer: String, className: String, key: String)
    /// A configuration value has the wrong type or is out of range.
    case invalidConfig(layer: String, className: String, key: String, reason: String)
    /// A layer cannot take the shape the layer before it produces.
    case incompatibleShape(layer: String, className: String, inputShape: [Int], reason: String)
    /// A weight the model needs is not in the file.
    case missingTensor(String)
    /// A weight in the file has another shape than the model's parameter.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A weight in the file is not float32 (or a type that converts to it).
    case wrongDType(tensor: String, expected: String, found: String)
    /// Weights in the file that no parameter of the model takes.
    case unexpectedTensors([String])
    /// Two parameters would be saved under the same name.
    case duplicateTensorName(String)
    /// A layer that cannot describe itself (it does not conform to ``ConfigurableLayer``).
    case notSerializable(layer: String, type: String)
    /// A model whose architecture this format cannot describe.
    case unsupportedModel(String)
    /// A model whose parameters do not exist yet (never called, no `Input`).
    case notBuilt(String)

    /// One line naming the problem, the layer, key or tensor, and what was expected.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        case .notAModelFile(let path, let reason): "\(path) is not a Synapse model file: \(reason)"
        case .unsupportedFormatVersion(let version):
            "model file format version \"\(version)\" is not supported (this Synapse reads version 1); upgrade Synapse"
        case .invalidJSON(let key, let reason): "metadata \"\(key)\" is not valid: \(reason)"
        case .invalidArchitecture(let reason): "invalid architecture: \(reason)"
        case .unknownLayerClass(let className, let layer, let known):
            "layer '\(layer)': unknown layer class \"\(className)\" (register it with LayerRegistry.register; known: \(known.joined(separator: ", ")))"
        case .missingConfigKey(let layer, let className, let key):
            "layer '\(layer)' (\(className)): configuration has no \"\(key)\""
        case .invalidConfig(let layer, let className, let key, let reason):
            "layer '\(layer)' (\(className)): \"\(key)\" \(reason)"
        case .incompatibleShape(let layer, let className, let inputShape, let reason):
            "layer '\(layer)' (\(className)) cannot take inputs of per-sample shape \(Shape.describe(inputShape)): \(reason)"
        case .missingTensor(let name): "the file has no weight '\(name)'"
        case .shapeMismatch(let tensor, let expected, let found):
            "weight '\(tensor)' has shape \(Shape.describe(found)) in the file but the model expects \(Shape.describe(expected))"
        case .wrongDType(let tensor, let expected, let found):
            "weight '\(tensor)' has dtype \(found) in the file but the model expects \(expected)"
        case .unexpectedTensors(let names):
            "the file has weights the model does not use: \(names.prefix(10).joined(separator: ", "))\(names.count > 10 ? ", ... (\(names.count) in all)" : "")"
        case .duplicateTensorName(let name): "two parameters are both named '\(name)'"
        case .notSerializable(let layer, let type):
            "layer '\(layer)' of type \(type) cannot describe its configuration (conform it to ConfigurableLayer and register it with LayerRegistry)"
        case .unsupportedModel(let reason): reason
        case .notBuilt(let model):
            "model '\(model)' is not built yet (call it on a batch, or start it with Input(shape:))"
        }
    }
}
