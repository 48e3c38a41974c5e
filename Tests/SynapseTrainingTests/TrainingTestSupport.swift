import Testing
@testable import SynapseTraining

/// Small data sets, models and recorders shared by the SynapseTraining suites.
///
/// Suites run in parallel and share the process-wide generator (``Random``), so
/// models here use seeded initializers: a test gets the same weights on every run
/// no matter what other tests draw. Tests that need `Random.seed` itself run in an
/// exit test (their own process).
enum TrainingFixtures {
    /// `y = 2·a − b + 0.5` on a deterministic grid of `count` samples; the first
    /// feature column is not the sample index (see ``indexedData(count:)`` for that).
    static func linearData(count: Int) -> (x: Tensor, y: Tensor) {
        var inputs: [Float] = []
        var targets: [Float] = []
        for index in 0..<count {
            let a = Float(index) / Float(count) * 2 - 1
            let b = Float((index * 7) % count) / Float(count) * 2 - 1
            inputs += [a, b]
            targets.append(2 * a - b + 0.5)
        }
        return (Tensor(inputs, shape: [count, 2]), Tensor(targets, shape: [count, 1]))
    }

    /// Samples whose first feature is their index (0, 1, 2, ...), so a
    /// ``BatchRecorder`` can tell which samples a batch held; targets are `index / count`.
    static func indexedData(count: Int) -> (x: Tensor, y: Tensor) {
        let inputs = (0..<count).flatMap { index -> [Float] in [Float(index), 1] }
        let targets = (0..<count).map { Float($0) / Float(count) }
        return (Tensor(inputs, shape: [count, 2]), Tensor(targets, shape: [count, 1]))
    }

    /// A dense layer with a seeded Glorot kernel (and an optional constant bias).
    static func dense(_ units: Int, activation: ActivationFunction = .linear, seed: UInt64, bias: Float = 0,
                      kernelRegularizer: (any Regularizer)? = nil, biasRegularizer: (any Regularizer)? = nil,
                      name: String? = nil) -> Dense {
        Dense(units, activation: activation, kernelInitializer: .glorotUniform(seed: seed),
              biasInitializer: Constant(bias), kernelRegularizer: kernelRegularizer,
              biasRegularizer: biasRegularizer, name: name)
    }

    /// A 2-8-1 regression network with fixed initial weights, built from an Input.
    static func regressor(seed: UInt64 = 1) -> Sequential {
        Sequential {
            Input(shape: [2])
            dense(8, activation: .tanh, seed: seed)
            dense(1, seed: seed + 1)
        }
    }

    /// A 2-feature Input, a ``BatchRecorder`` and a seeded dense layer, built (the
    /// build's probe sample is not recorded), for use with ``indexedData(count:)``.
    static func recordingModel() -> (Sequential, BatchRecorder) {
        let recorder = BatchRecorder()
        let model = Sequential { Input(shape: [2]); recorder; dense(1, seed: 3) }
        model.buildFromDeclaredInput()
        recorder.clear()
        return (model, recorder)
    }

    /// Every parameter's scalars, in order.
    static func weights(_ layer: Layer) -> [[Float]] { layer.parameters.map(\.value.scalars) }

    /// Every parameter's scalars as bit patterns (for bit-for-bit comparisons).
    static func bits(_ layer: Layer) -> [[UInt32]] { layer.parameters.map { $0.value.scalars.map(\.bitPattern) } }

    /// Whether `a` and `b` agree within `tolerance`, relative to their magnitude (at least 1).
    static func close(_ a: Float, _ b: Float, tolerance: Float = 1e-5) -> Bool {
        Swift.abs(a - b) <= tolerance * Swift.max(1, Swift.abs(a), Swift.abs(b))
    }

    /// Whether two arrays have the same length and agree element-wise within `tolerance`.
    static func close(_ a: [Float], _ b: [Float], tolerance: Float = 1e-5) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { close($0, $1, tolerance: tolerance) }
    }

    /// Standard error or output of an exit test as text.
    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}

/// A parameter-free layer that passes its input through and records, per call,
/// the first feature of every sample (the sample index with
/// ``TrainingFixtures/indexedData(count:)``), separately for training and inference.
final class BatchRecorder: Layer {
    /// One entry per training-mode call: the sample indices of that batch.
    private(set) var trainingBatches: [[Int]] = []
    /// One entry per inference-mode call.
    private(set) var inferenceBatches: [[Int]] = []

    override var ownParameters: [Parameter] { [] }
    override var sublayers: [Layer] { [] }

    override func forward(_ input: Tensor, training: Bool) -> Tensor {
        let indices = input.narrowed(axis: 1, start: 0, length: 1).scalars.map { Int($0) }
        if training { trainingBatches.append(indices) } else { inferenceBatches.append(indices) }
        return input
    }

    func clear() {
        trainingBatches = []
        inferenceBatches = []
    }
}

/// Records every hook it receives as a short string ("epochBegin 0", "trainBatchEnd 2", ...).
final class HookRecorder: Callback {
    private(set) var events: [String] = []
    /// The logs of each `onEpochEnd`, in order.
    private(set) var epochLogs: [Logs] = []
    /// The logs of each `onTrainBatchEnd`, in order.
    private(set) var batchLogs: [Logs] = []
    private(set) var model: Model?

    func setModel(_ model: Model) { self.model = model }
    func onTrainBegin(logs: Logs) { events.append("trainBegin") }
    func onTrainEnd(logs: Logs) { events.append("trainEnd") }
    func onEpochBegin(_ epoch: Int, logs: Logs) { events.append("epochBegin \(epoch)") }
    func onEpochEnd(_ epoch: Int, logs: Logs) {
        events.append("epochEnd \(epoch)")
        epochLogs.append(logs)
    }
    func onTrainBatchBegin(_ batch: Int, logs: Logs) { events.append("trainBatchBegin \(batch)") }
    func onTrainBatchEnd(_ batch: Int, logs: Logs) {
        events.append("trainBatchEnd \(batch)")
        batchLogs.append(logs)
    }
    func onTestBegin(logs: Logs) { events.append("testBegin") }
    func onTestEnd(logs: Logs) { events.append("testEnd") }
    func onTestBatchBegin(_ batch: Int, logs: Logs) { events.append("testBatchBegin \(batch)") }
    func onTestBatchEnd(_ batch: Int, logs: Logs) { events.append("testBatchEnd \(batch)") }
    func onPredictBegin(logs: Logs) { events.append("predictBegin") }
    func onPredictEnd(logs: Logs) { events.append("predictEnd") }
    func onPredictBatchBegin(_ batch: Int, logs: Logs) { events.append("predictBatchBegin \(batch)") }
    func onPredictBatchEnd(_ batch: Int, logs: Logs) { events.append("predictBatchEnd \(batch)") }

    func events(withPrefix prefix: String) -> [String] { events.filter { $0.hasPrefix(prefix) } }
}

/// A model whose training step reports a scripted value under `"score"` (one per
/// step), after a real optimization step: lets EarlyStopping and ReduceLROnPlateau
/// see exactly the sequence a test chooses, with weights that really change.
final class ScriptedScoreModel: Model {
    let layer = TrainingFixtures.dense(1, seed: 5)
    private let scores: [Float]
    private(set) var steps = 0

    init(scores: [Float]) {
        self.scores = scores
        super.init(name: "scripted")
    }

    override func forward(_ input: Tensor, training: Bool) -> Tensor { layer(input, training: training) }

    override func trainStep(x: Tensor, y: Tensor) -> Logs {
        var logs = super.trainStep(x: x, y: y)
        logs["score"] = scores[Swift.min(steps, scores.count - 1)]
        steps += 1
        return logs
    }
}
