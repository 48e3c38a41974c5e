import Foundation
import SynapseIO

/// Training checkpoints: a model file (see ``ModelFile``) that also holds what a
/// run needs to continue exactly where it stopped.
///
/// Beyond the weights, architecture, compile settings and history of
/// ``Model/save(to:)``, a checkpoint stores
/// - the optimizer's state (``/SynapseNN/Optimizer/stateTensors()``) as tensors named
///   `optimizer.<key>` (`optimizer.iterations`, `optimizer.0.exp_avg`, ...);
/// - in the metadata key `checkpoint`, JSON with the number of finished epochs and
///   the state of the default generator ``/SynapseCore/Random`` (seed and offset, as decimal
///   strings): `{"epoch": 2, "random": {"offset": "96", "seed": "42"}}`.
///
/// ``ModelCheckpoint`` writes them at epoch ends; ``resume(from:)`` or
/// ``Model/loadCheckpoint(from:)`` restore them, and `fit(..., initialEpoch:)`
/// continues the run. With the same data and settings, the resumed run's weights
/// equal an uninterrupted run's bit for bit. ``Model/load(from:)`` also reads
/// a checkpoint (as a model, without the optimizer state).
///
/// ```swift
/// model.fit(x: x, y: y, epochs: 10, callbacks: [ModelCheckpoint(filepath: "run/last.safetensors", monitor: "loss")])
/// // later, in a new process:
/// let (model, initialEpoch) = try Checkpoint.resume(from: URL(fileURLWithPath: "run/last.safetensors"))
/// model.fit(x: x, y: y, epochs: 10, initialEpoch: initialEpoch)
/// ```
public enum Checkpoint {
    /// The metadata key of the checkpoint state.
    public static let metadataKey = "checkpoint"
    /// The name prefix of the optimizer state tensors.
    public static let optimizerPrefix = "optimizer."

    /// What a checkpoint stores beyond a model file.
    public struct State: Sendable, Equatable {
        /// The number of finished epochs: the `initialEpoch` to resume with.
        public var epoch: Int
        /// The state of ``/SynapseCore/Random`` when the checkpoint was written.
        public var random: RandomGenerator

        /// A state from its parts.
        ///
        /// - Parameters:
        ///   - epoch: the number of finished epochs.
        ///   - random: the state of the default generator to restore.
        public init(epoch: Int, random: RandomGenerator) {
            (self.epoch, self.random) = (epoch, random)
        }

        /// The JSON text (compact, sorted keys).
        public func jsonText() throws -> String {
            let value: ConfigValue = ["epoch": .int(epoch),
                                      "random": ["seed": .string(String(random.seed)), "offset": .string(String(random.offset))]]
            return try value.jsonText()
        }

        /// Checks and reads the JSON text of a checkpoint state.
        ///
        /// - Parameter jsonText: JSON as ``jsonText()`` writes it:
        ///   `{"epoch": 2, "random": {"offset": "96", "seed": "42"}}`.
        /// - Throws: ``/SynapseNN/ModelFileError/invalidJSON(key:reason:)`` (key "checkpoint").
        public init(jsonText: String) throws {
            func fail(_ reason: String) -> ModelFileError { .invalidJSON(key: Checkpoint.metadataKey, reason: reason) }
            guard let object = (try? ConfigValue(jsonText: jsonText))?.objectValue else { throw fail("expected a JSON object") }
            guard let epoch = object["epoch"]?.intValue, epoch >= 0 else { throw fail("\"epoch\" must be a whole number >= 0") }
            guard let random = object["random"]?.objectValue,
                  let seed = random["seed"]?.stringValue.flatMap({ UInt64($0) }),
                  let offset = random["offset"]?.stringValue.flatMap({ UInt64($0) }) else {
                throw fail("\"random\" must be {\"seed\": \"<decimal>\", \"offset\": \"<decimal>\"}")
            }
            self.init(epoch: epoch, random: RandomGenerator(seed: seed, offset: offset))
        }
    }

    /// Writes a checkpoint of `model` (a ``Sequential``) atomically: the model file,
    /// the optimizer's state, `epoch` finished epochs and the current ``/SynapseCore/Random`` state.
    ///
    /// - Parameters:
    ///   - model: the model to save; its optimizer's state is stored when it is compiled.
    ///   - epoch: the number of finished epochs (the `initialEpoch` to resume with).
    ///   - history: the history to store (default `nil`: the model's own).
    ///   - url: the `.safetensors` file to write (replaced when it exists).
    /// - Throws: the errors of ``Model/save(to:)``.
    public static func save(_ model: Model, epoch: Int, history: History? = nil, to url: URL) throws {
        var (tensors, metadata) = try model.modelFileContents()
        if let optimizer = model.optimizer {
            for (key, tensor) in optimizer.stateTensors() { tensors[optimizerPrefix + key] = tensor.detached() }
        }
        if let history { metadata["history"] = try ModelFile.encodeHistory(history) }
        metadata[metadataKey] = try State(epoch: epoch, random: Random.state).jsonText()
        try ModelFile.writeSafeTensors(tensors, metadata: metadata, to: url)
    }

    /// A checkpoint file, read and checked, with its optimizer state apart.
    struct Contents {
        var file: ModelFile
        var optimizerState: [String: Tensor]
        var state: State
    }

    /// Reads and checks a checkpoint written by ``save(_:epoch:history:to:)``.
    static func read(from url: URL) throws -> Contents {
        let raw = try ModelFile.readSafeTensors(from: url)
        let file = try ModelFile.checked(raw, path: url.path)
        guard let stateText = file.metadata[metadataKey] else {
            throw ModelFileError.notAModelFile(path: url.path, reason: "it is a model file without checkpoint state (load it with Sequential.load(from:))")
        }
        var optimizerState: [String: Tensor] = [:]
        for (name, tensor) in raw.tensors where name.hasPrefix(optimizerPrefix) {
            optimizerState[String(name.dropFirst(optimizerPrefix.count))] = tensor
        }
        return Contents(file: file, optimizerState: optimizerState, state: try State(jsonText: stateText))
    }

    /// The checkpoint state stored in a file, without loading anything.
    ///
    /// - Parameter url: a checkpoint written by ``save(_:epoch:history:to:)``.
    /// - Returns: the stored epoch and generator state.
    /// - Throws: ``/SynapseNN/ModelFileError`` for an unreadable or invalid file, or a
    ///   model file without checkpoint state (`notAModelFile`).
    public static func state(at url: URL) throws -> State { try read(from: url).state }

    /// Rebuilds the model of a checkpoint (a ``Sequential`` or a functional model) and restores everything a run needs to
    /// continue: the weights, the compile settings (stored optimizer, loss and
    /// metrics, see ``Model/load(from:)``), the optimizer's state, the history
    /// and the state of ``/SynapseCore/Random``. Pass the returned epoch as `fit`'s `initialEpoch`.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError`` for an unreadable or invalid file, or
    ///   `unsupportedModel` when the stored optimizer or loss is not a built-in one
    ///   (build and compile the model in code, then call
    ///   ``Model/loadCheckpoint(from:)``); ``/SynapseNN/OptimizerStateError`` when the
    ///   optimizer state does not fit.
    ///
    /// - Parameter url: a checkpoint written by ``save(_:epoch:history:to:)`` or ``ModelCheckpoint``.
    /// - Returns: the compiled model and the number of finished epochs, to pass as
    ///   `fit`'s `initialEpoch`.
    public static func resume(from url: URL) throws -> (model: Model, initialEpoch: Int) {
        let contents = try read(from: url)
        let model = try contents.file.makeModel()
        guard let optimizer = model.optimizer else {
            throw ModelFileError.unsupportedModel(
                "checkpoint \(url.path): its optimizer (\(contents.file.compile?.optimizerClassName ?? "none")) or loss cannot be rebuilt; build and compile the model in code, then call loadCheckpoint(from:)")
        }
        try optimizer.loadStateTensors(contents.optimizerState)
        Random.state = contents.state.random
        return (model, contents.state.epoch)
    }
}

extension Model {
    /// Restores a checkpoint into this model: its weights (by name, strictly), the
    /// optimizer's state, the history and the state of ``/SynapseCore/Random``. An uncompiled
    /// model is first compiled with the stored settings. Returns the epoch to pass
    /// as `fit`'s `initialEpoch`.
    ///
    /// Every weight is checked before any is assigned, and the optimizer state
    /// before it replaces the old one; the weights are assigned first.
    ///
    /// - Throws: ``/SynapseNN/ModelFileError`` (`notBuilt`, `missingTensor`, `shapeMismatch`,
    ///   `unsupportedModel` when the model is not compiled and the stored settings
    ///   cannot be rebuilt, ...), ``/SynapseNN/OptimizerStateError``.
    ///
    /// - Parameter url: a checkpoint written by ``Checkpoint/save(_:epoch:history:to:)``
    ///   or ``ModelCheckpoint``.
    /// - Returns: the number of finished epochs, to pass as `fit`'s `initialEpoch`.
    @discardableResult
    public func loadCheckpoint(from url: URL) throws -> Int {
        let contents = try Checkpoint.read(from: url)
        buildFromDeclaredInput()
        guard isBuilt else { throw ModelFileError.notBuilt(name) }
        if optimizer == nil {
            guard let compile = contents.file.compile, try compile.compile(self) else {
                throw ModelFileError.unsupportedModel("model '\(name)' is not compiled and the checkpoint's compile settings cannot be rebuilt; compile it first")
            }
        }
        try assignWeights(contents.file.tensors, strict: true)
        try optimizer?.loadStateTensors(contents.optimizerState)
        if let history = contents.file.history { setHistory(history) }
        Random.state = contents.state.random
        return contents.state.epoch
    }
}
