import Foundation
import SynapseConfig

/// A model loaded for serving: its name, what it takes and gives per sample, and
/// the model itself (run only by the ``InferenceBatcher``'s thread).
///
/// A functional model may have several inputs and outputs: requests then name
/// their inputs (`{"inputs": {"name": [...]}}`) and answers name the outputs.
public final class ServedModel: @unchecked Sendable {
    // @unchecked: `model` is a class graph that is built and warmed up in `init`
    // and afterwards only read by the one inference thread; everything else is immutable.

    /// One input or output: its name, per-sample shape and dtype.
    public struct TensorSpec: Sendable, Equatable {
        /// The input's name (its `Input` layer's), or the output's (its layer's).
        public let name: String
        /// The per-sample shape (without the batch dimension).
        public let shape: [Int]
        /// The dtype (float32, or int32 for inputs of token ids).
        public let dtype: DType
        /// For token-id inputs feeding an `Embedding`, the vocabulary size: ids must
        /// be in `0..<vocabularySize`, checked before the forward pass so that a bad
        /// id is a 400 answer instead of a stopped process.
        public let vocabularySize: Int?
        /// Values per sample.
        public var size: Int { shape.reduce(1, *) }
    }

    /// The name clients use in URLs: `/v1/models/NAME:predict`.
    public let name: String
    /// The model version reported in metadata (always 1: one file, one version).
    public let version = 1
    /// The file the model came from.
    public let path: String
    /// The inputs, in the model's order.
    public let inputs: [TensorSpec]
    /// The outputs, in the model's order.
    public let outputs: [TensorSpec]
    /// The number of weights.
    public let parameterCount: Int
    /// The architecture's name (`mnist_mlp`).
    public let architectureName: String

    /// The first input's per-sample shape.
    public var inputShape: [Int] { inputs[0].shape }
    /// The first input's dtype.
    public var inputDType: DType { inputs[0].dtype }
    /// The first output's per-sample shape.
    public var outputShape: [Int] { outputs[0].shape }
    /// The first output's dtype.
    public var outputDType: DType { outputs[0].dtype }

    let model: Model

    /// The preprocessing `synapse train` fitted and saved with the model (standardising
    /// or scaling the features), applied to every request's instances before the forward
    /// pass, as `synapse predict` does; `nil` when the model takes its inputs as they are.
    public let preprocessing: Preprocessing?

    /// Wraps a built model and runs it once on zeros to learn its output shapes
    /// (this also warms up the kernels, so the first request is not slow).
    ///
    /// - Parameters:
    ///   - model: a model built for a known input shape (loaded, or called once): a
    ///     `Sequential`, a subclass, or a functional model (any number of inputs and outputs).
    ///   - name: the name clients use.
    ///   - path: where it came from (for metadata and logs).
    ///   - preprocessing: fitted scalers applied to the instances of a one-input model
    ///     before the forward pass (default none).
    /// - Throws: ``ServingError`` when the model has no known input shape, or has
    ///   preprocessing but several inputs.
    public init(model: Model, name: String, path: String = "", preprocessing: Preprocessing? = nil) throws(ServingError) {
        self.model = model
        self.name = name
        self.path = path
        self.preprocessing = preprocessing
        if let graph = model.graph {
            let bounds = Self.vocabularySizes(of: graph)
            inputs = graph.inputs.map { input in
                TensorSpec(name: input.layer.name, shape: input.shape, dtype: input.dtype, vocabularySize: bounds[ObjectIdentifier(input.layer)])
            }
            let zeros = inputs.map { Tensor.zeros([1] + $0.shape, dtype: $0.dtype) }
            let results = model.predict(zeros, batchSize: 1)
            outputs = zip(graph.outputs, results).map { output, result in
                TensorSpec(name: output.layer.name, shape: Array(result.shape.dropFirst()), dtype: result.dtype, vocabularySize: nil)
            }
        } else {
            let input = model.layers.first as? Input
            guard let inputShape = model.inputShape ?? input?.shape, inputShape.allSatisfy({ $0 > 0 }) else {
                throw ServingError(.internalServerError, "model '\(name)' has no known input shape; save it after building or training it")
            }
            let embedding = model.layers.first(where: { !($0 is Input) }) as? Embedding
            let spec = TensorSpec(name: input?.name ?? "input", shape: inputShape, dtype: input?.dtype ?? .float32,
                                  vocabularySize: embedding?.inputDim)
            let output = model.predict(Tensor.zeros([1] + inputShape, dtype: spec.dtype), batchSize: 1)
            inputs = [spec]
            outputs = [TensorSpec(name: "output", shape: Array(output.shape.dropFirst()), dtype: output.dtype, vocabularySize: nil)]
        }
        self.parameterCount = model.parameterCount
        self.architectureName = model.name
        if preprocessing != nil && inputs.count != 1 {
            throw ServingError(.internalServerError, "model '\(name)' has \(inputs.count) inputs; saved preprocessing applies to one-input models only")
        }
    }

    /// Loads a model file written by `Model.save(to:)` (see `Model.load(from:)`): a
    /// `Sequential` or a functional model, with the preprocessing `synapse train` saved
    /// in its metadata (see ``preprocessing``), so clients send raw feature values.
    ///
    /// - Parameters:
    ///   - url: the model file.
    ///   - name: the served name; by default the file's stem (`mnist.safetensors` → `mnist`).
    /// - Throws: the loader's `ModelFileError` for a missing or damaged file, a
    ///   `ConfigError` for a damaged preprocessing record, ``ServingError`` for a model
    ///   without a known input shape.
    public convenience init(contentsOf url: URL, name: String? = nil) throws {
        let model = try Model.load(from: url)
        // Only the file's own record: a preprocessing.json lying beside it may belong to
        // another model of the same folder.
        let preprocessing = try SavedModel.preprocessing(forModelAt: url, lookingBeside: false)
        try self.init(model: model, name: name ?? url.deletingPathExtension().lastPathComponent, path: url.path,
                      preprocessing: preprocessing)
    }

    /// Checks a parsed request against the inputs and makes one tensor per input.
    ///
    /// An unnamed list feeds a model with one input; named inputs
    /// (`{"inputs": {"name": [...]}}`) must be exactly the model's. Each instance must
    /// have its input's shape, or hold the same number of values (read row-major: a
    /// flat 784-vector for a `[28, 28, 1]` image). Int32 inputs must be whole numbers.
    ///
    /// - Throws: ``ServingError`` (400) saying which names or shapes disagree.
    func makeInputs(_ request: PredictRequest) throws(ServingError) -> [Tensor] {
        let names = inputs.map(\.name).joined(separator: ", ")
        if request.namedInputs.isEmpty {
            guard inputs.count == 1 else {
                throw .badRequest("model '\(name)' has \(inputs.count) inputs (\(names)); send {\"inputs\": {\"\(inputs[0].name)\": [...], ...}} with one list per input")
            }
            let tensor = try makeTensor(values: request.values, count: request.count, instanceShape: request.instanceShape,
                                        for: inputs[0], label: "each instance")
            return [preprocessing?.transform(tensor) ?? tensor]
        }
        let unknown = request.namedInputs.keys.filter { key in !inputs.contains { $0.name == key } }.sorted()
        guard unknown.isEmpty else {
            throw .badRequest("model '\(name)' has no input named \(unknown.map { "\"\($0.prefix(40))\"" }.joined(separator: ", ")); its inputs are \(names)")
        }
        var tensors: [Tensor] = []
        for input in inputs {
            guard let instances = request.namedInputs[input.name] else {
                throw .badRequest("the request has no instances for input \"\(input.name)\" of model '\(name)'; its inputs are \(names)")
            }
            tensors.append(try makeTensor(values: instances.values, count: request.count, instanceShape: instances.instanceShape,
                                          for: input, label: "each instance of input \"\(input.name)\""))
        }
        return tensors
    }

    private func makeTensor(values: [Float], count: Int, instanceShape: [Int], for input: TensorSpec,
                            label: String) throws(ServingError) -> Tensor {
        let (inputSize, instanceSize) = (input.size, instanceShape.reduce(1, *))
        guard instanceSize == inputSize, values.count == count * inputSize else {
            throw .badRequest("\(label) of model '\(name)' must have shape \(Self.describe(input.shape)) (\(inputSize) values); got instances of shape \(Self.describe(instanceShape)) (\(instanceSize) values)")
        }
        let shape = [count] + input.shape
        switch input.dtype {
        case .int32:
            var integers = [Int32]()
            integers.reserveCapacity(values.count)
            for (index, value) in values.enumerated() {
                guard value == value.rounded(), abs(value) < 2_147_483_648 else {
                    throw .badRequest("model '\(name)' takes int32 inputs; value \(value) at position \(index % inputSize) of instance \(index / inputSize) is not a whole number")
                }
                if let vocabularySize = input.vocabularySize, value < 0 || value >= Float(vocabularySize) {
                    throw .badRequest("model '\(name)' takes token ids in 0..<\(vocabularySize); value \(Int(value)) at position \(index % inputSize) of instance \(index / inputSize) is out of range")
                }
                integers.append(Int32(value))
            }
            return Tensor(int32: integers, shape: shape)
        default:
            return Tensor(values, shape: shape)
        }
    }

    /// For each input of a functional model that feeds Embeddings directly, the
    /// smallest of their vocabulary sizes.
    private static func vocabularySizes(of graph: LayerGraph) -> [ObjectIdentifier: Int] {
        var sizes: [ObjectIdentifier: Int] = [:]
        for node in graph.nodes {
            guard let embedding = node.layer as? Embedding else { continue }
            for input in node.inputs where input.layer is Input {
                let key = ObjectIdentifier(input.layer)
                sizes[key] = Swift.min(sizes[key] ?? Int.max, embedding.inputDim)
            }
        }
        return sizes
    }

    /// `[28, 28, 1]`.
    static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
