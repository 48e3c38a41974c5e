import Foundation
import Synapse

/// A model loaded for serving: its name, what it takes and gives per sample, and
/// the model itself (run only by the ``InferenceBatcher``'s thread).
public final class ServedModel: @unchecked Sendable {
    // @unchecked: `model` is a class graph that is built and warmed up in `init`
    // and afterwards only read by the one inference thread; everything else is immutable.

    /// The name clients use in URLs: `/v1/models/NAME:predict`.
    public let name: String
    /// The model version reported in metadata (always 1: one file, one version).
    public let version = 1
    /// The file the model came from.
    public let path: String
    /// The per-sample input shape (without the batch dimension).
    public let inputShape: [Int]
    /// The input dtype (float32, or int32 for models that take token ids).
    public let inputDType: DType
    /// The per-sample output shape (without the batch dimension).
    public let outputShape: [Int]
    /// The output dtype.
    public let outputDType: DType
    /// The number of weights.
    public let parameterCount: Int
    /// The architecture's name (`mnist_mlp`).
    public let architectureName: String
    /// Values per input sample.
    public let inputSize: Int
    /// Values per output sample.
    public let outputSize: Int
    /// For token-id models (an `Embedding` first), the vocabulary size: ids must be
    /// in `0..<vocabularySize`, checked before the forward pass so that a bad id is
    /// a 400 answer instead of a stopped process.
    public let vocabularySize: Int?

    let model: Model

    /// Wraps a built model and runs it once on zeros to learn its output shape
    /// (this also warms up the kernels, so the first request is not slow).
    ///
    /// - Parameters:
    ///   - model: a model built for a known input shape (loaded, or called once): a
    ///     ``Sequential``, a subclass, or a functional model with one input and one output.
    ///   - name: the name clients use.
    ///   - path: where it came from (for metadata and logs).
    /// - Throws: ``ServingError`` when the model has no known input shape.
    public init(model: Model, name: String, path: String = "") throws(ServingError) {
        if let graph = model.graph, graph.inputs.count != 1 || graph.outputs.count != 1 {
            throw ServingError(.internalServerError, "model '\(name)' has \(graph.inputs.count) inputs and \(graph.outputs.count) outputs; synapse serve serves models with one input and one output")
        }
        let input = model.layers.first as? Input
        guard let inputShape = model.inputShape ?? input?.shape, inputShape.allSatisfy({ $0 > 0 }) else {
            throw ServingError(.internalServerError, "model '\(name)' has no known input shape; save it after building or training it")
        }
        self.model = model
        self.name = name
        self.path = path
        self.inputShape = inputShape
        self.inputDType = input?.dtype ?? .float32
        self.inputSize = inputShape.reduce(1, *)
        self.vocabularySize = Self.vocabularySize(of: model)
        let zeros = Tensor.zeros([1] + inputShape, dtype: inputDType)
        let output = model.predict(zeros, batchSize: 1)
        self.outputShape = Array(output.shape.dropFirst())
        self.outputDType = output.dtype
        self.outputSize = outputShape.reduce(1, *)
        self.parameterCount = model.parameterCount
        self.architectureName = model.name
    }

    /// Loads a model file written by `Model.save(to:)` (see `Model.load(from:)`): a
    /// `Sequential` or a functional model with one input and one output.
    ///
    /// - Parameters:
    ///   - url: the model file.
    ///   - name: the served name; by default the file's stem (`mnist.safetensors` → `mnist`).
    /// - Throws: the loader's `ModelFileError` for a missing or damaged file,
    ///   ``ServingError`` for a model without a known input shape.
    public convenience init(contentsOf url: URL, name: String? = nil) throws {
        let model = try Model.load(from: url)
        try self.init(model: model, name: name ?? url.deletingPathExtension().lastPathComponent, path: url.path)
    }

    /// Checks a parsed request against the input shape and makes the input tensor.
    ///
    /// Each instance must have the input shape, or hold the same number of values
    /// (read row-major: a flat 784-vector for a `[28, 28, 1]` image). Int32 inputs
    /// must be whole numbers.
    ///
    /// - Throws: ``ServingError`` (400) saying which shapes disagree.
    func makeInput(_ request: PredictRequest) throws(ServingError) -> Tensor {
        let instanceSize = request.instanceShape.reduce(1, *)
        guard instanceSize == inputSize, request.values.count == request.count * inputSize else {
            throw .badRequest("each instance of model '\(name)' must have shape \(Self.describe(inputShape)) (\(inputSize) values); got instances of shape \(Self.describe(request.instanceShape)) (\(instanceSize) values)")
        }
        let shape = [request.count] + inputShape
        switch inputDType {
        case .int32:
            var integers = [Int32]()
            integers.reserveCapacity(request.values.count)
            for (index, value) in request.values.enumerated() {
                guard value == value.rounded(), abs(value) < 2_147_483_648 else {
                    throw .badRequest("model '\(name)' takes int32 inputs; value \(value) at position \(index % inputSize) of instance \(index / inputSize) is not a whole number")
                }
                if let vocabularySize, value < 0 || value >= Float(vocabularySize) {
                    throw .badRequest("model '\(name)' takes token ids in 0..<\(vocabularySize); value \(Int(value)) at position \(index % inputSize) of instance \(index / inputSize) is out of range")
                }
                integers.append(Int32(value))
            }
            return Tensor(int32: integers, shape: shape)
        default:
            return Tensor(request.values, shape: shape)
        }
    }

    /// The first layer after the `Input`'s vocabulary size, when it is an `Embedding`.
    private static func vocabularySize(of model: Model) -> Int? {
        if let graph = model.graph {
            // Every Embedding called on the input bounds the ids.
            let sizes = graph.nodes.filter { node in node.inputs.contains { $0.layer is Input } }
                .compactMap { ($0.layer as? Embedding)?.inputDim }
            return sizes.min()
        }
        guard let first = model.layers.first(where: { !($0 is Input) }) as? Embedding else { return nil }
        return first.inputDim
    }

    /// `[28, 28, 1]`.
    static func describe(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
}
