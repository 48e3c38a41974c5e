/// A frozen copy of a model for inference that any number of threads and tasks
/// may share: `Sendable`, so strict Swift 6 code can capture it in `@Sendable`
/// closures and task groups, which it cannot do with a ``Model`` (a model is
/// mutable: `fit`, `compile` and layer properties change it).
///
/// Made by ``Model/inferenceSnapshot()``: the architecture is rebuilt from its
/// configuration and the weights are shared copy-on-write, so training the
/// original afterwards never changes the snapshot's answers. The snapshot keeps its
/// model private and runs it only through `predict`, which records no gradient,
/// runs every layer in inference mode and keeps no per-call state in the layers; a
/// warm-up pass at creation settles everything layers compute lazily. That is the
/// guarantee behind `@unchecked Sendable`, and the concurrency tests check it.
///
/// ```swift
/// let predictor = try model.inferenceSnapshot()
/// let answers = await withTaskGroup(of: Tensor.self) { group in
///     for batch in batches { group.addTask { predictor.predict(batch) } }
///     return await group.reduce(into: []) { $0.append($1) }
/// }
/// ```
public final class InferenceModel: @unchecked Sendable {
    /// The model, never exposed and never mutated after ``init(copying:)``.
    private let model: Model
    /// The model's name.
    public let name: String
    /// The per-sample shape of each input, in order.
    public let inputShapes: [[Int]]
    /// The per-sample shape of each output, in order.
    public let outputShapes: [[Int]]
    /// The input names of a functional model (its ``/SynapseNN/Input`` layers'), else empty.
    public let inputNames: [String]
    /// The output names of a functional model, else empty.
    public let outputNames: [String]
    /// The number of weights.
    public let parameterCount: Int

    /// Rebuilds `model` from its architecture with its current weights and runs
    /// one warm-up sample through it.
    ///
    /// - Parameter model: a built ``Sequential``, functional model or registered
    ///   subclass whose layers can describe themselves (built-in or registered layers).
    /// - Throws: ``/SynapseNN/ModelFileError`` when the model cannot be described (a `Model`
    ///   subclass that is not registered, an unregistered custom layer) or is not built yet.
    init(copying model: Model) throws {
        model.buildFromDeclaredInput()
        guard model.isBuilt else { throw ModelFileError.notBuilt(model.name) }
        let file = ModelFile(tensors: try model.weightTensors(), metadata: [:], architecture: try model.architecture(),
                             compile: nil, history: nil, privacy: nil)
        let copy = try withDevice(model.executionDevice) { try file.makeModel() }
        self.model = copy
        name = copy.name
        inputShapes = copy.graph?.inputs.map(\.shape) ?? [copy.inputShape ?? []]
        inputNames = copy.inputNames
        outputNames = copy.outputNames
        parameterCount = copy.parameterCount
        // Warm-up: every layer records its lazily computed state now, on this thread.
        let dtypes = copy.graph?.inputs.map(\.dtype) ?? [(copy.layers.first as? Input)?.dtype ?? .float32]
        let samples = zip(inputShapes, dtypes).map { Tensor.zeros([1] + $0, dtype: $1) }
        let outputs = copy.graph != nil ? copy.predict(samples, batchSize: 1) : [copy.predict(samples[0], batchSize: 1)]
        outputShapes = outputs.map { Array($0.shape.dropFirst()) }
    }

    /// Outputs for `x` (a model with one input and one output), in batches, in
    /// inference mode, without recording gradients.
    ///
    /// - Parameters:
    ///   - x: inputs, `[samples] + inputShapes[0]`.
    ///   - batchSize: samples per forward pass (32 by default).
    /// - Returns: `[samples] + outputShapes[0]`, on `x`'s device.
    public func predict(_ x: Tensor, batchSize: Int = 32) -> Tensor {
        model.predict(x, batchSize: batchSize)
    }

    /// Outputs of a functional model for one array per input.
    ///
    /// - Parameters:
    ///   - inputs: one array `[samples, ...]` per input, in the order of ``inputNames``.
    ///   - batchSize: samples per forward pass (32 by default).
    /// - Returns: one array per output, in the order of ``outputNames``.
    public func predict(_ inputs: [Tensor], batchSize: Int = 32) -> [Tensor] {
        model.predict(inputs, batchSize: batchSize)
    }

    /// Outputs of a functional model for named inputs, by output name.
    ///
    /// - Parameters:
    ///   - inputs: one array per input, keyed by ``inputNames``.
    ///   - batchSize: samples per forward pass (32 by default).
    /// - Returns: one array per output, keyed by ``outputNames``.
    public func predict(_ inputs: [String: Tensor], batchSize: Int = 32) -> [String: Tensor] {
        model.predict(inputs, batchSize: batchSize)
    }
}

extension Model {
    /// A frozen, `Sendable` copy of this model for inference from many threads or
    /// tasks at once (see ``InferenceModel``). Later training of this model does not
    /// change the snapshot.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError`` for a model that cannot be described (a `Model`
    ///   subclass that is not a registered `ConfigurableLayer`: share it with your own
    ///   synchronisation instead) or is not built.
    public func inferenceSnapshot() throws -> InferenceModel {
        try InferenceModel(copying: self)
    }
}
