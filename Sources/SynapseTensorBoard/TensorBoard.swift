import Foundation
import SynapseCore
import SynapseNN
import SynapseTraining

/// Logs training to TensorBoard, as Keras' `keras.callbacks.TensorBoard`.
///
/// Writes to two runs under `logDir`, as Keras does: `train/` (the training loss and
/// metrics as `epoch_loss`, `epoch_accuracy`, ..., the learning rate as
/// `epoch_learning_rate`, and with batch updates `batch_loss`, ...) and
/// `validation/` (the `val_` values under the same names, so TensorBoard draws
/// training and validation in one chart). With `histogramFrequency` it adds every
/// weight's histogram (`dense_1/kernel`) and the last step's gradient
/// (`dense_1/kernel/gradient`); with `writeImages` each weight matrix and
/// convolution kernel as a picture (`dense_1/kernel/image`); `epochSummaries`
/// adds your own pictures and texts. Start TensorBoard with
/// `tensorboard --logdir LOGDIR`.
///
/// ```swift
/// let inputs = xTest[0..<64]
/// let tensorBoard = TensorBoard(logDir: "runs/autoencoder", histogramFrequency: 1) { writer, model, epoch in
///     try writer.images("reconstructions", model.predict(inputs), step: epoch)
/// }
/// model.fit(x: x, y: x, epochs: 10, callbacks: [tensorBoard])
/// ```
///
/// A folder or file that cannot be written prints one warning and turns the
/// callback off; training goes on.
public final class TensorBoard: Callback {
    /// Rank 0 alone prints and writes files in data-parallel training.
    public var runsOnEveryRank: Bool { false }

    /// When batch-level scalars are written.
    public enum UpdateFrequency: Sendable, Equatable {
        /// Only at the end of each epoch (Keras' `update_freq="epoch"`, the default).
        case epoch
        /// After every training batch (`update_freq="batch"`).
        case batch
        /// After every `n`-th training batch, counted across epochs (`update_freq=n`).
        case batches(Int)
    }

    /// Writes extra summaries at the end of an epoch: the run's `train` writer, the
    /// model being trained and the epoch index (also the summaries' step).
    public typealias EpochSummaries = (_ writer: SummaryWriter, _ model: Model, _ epoch: Int) throws -> Void

    /// The folder holding the `train` and `validation` runs.
    public let logDir: String
    /// When batch-level scalars are written.
    public let updateFrequency: UpdateFrequency
    /// Every how many epochs weight and gradient histograms are written; 0 writes none.
    public let histogramFrequency: Int
    /// Whether weights are written as pictures at each histogram epoch (epoch 0 when
    /// `histogramFrequency` is 0).
    public let writeImages: Bool
    private let epochSummaries: EpochSummaries?

    private weak var model: Model?
    private var trainWriter: SummaryWriter?
    private var validationWriter: SummaryWriter?
    private var globalBatch = 0
    private var lastGradients: [(tag: String, gradient: Tensor)] = []
    private var chainedTransform: (([Parameter]) -> Void)?
    private var installedTransform = false

    /// Creates the callback; the event files are created when training begins.
    ///
    /// - Parameters:
    ///   - logDir: the folder for the runs (default "logs", as Keras); created when missing.
    ///   - updateFrequency: when to write batch scalars (default `.epoch`: none).
    ///   - histogramFrequency: every how many epochs to write weight and gradient
    ///     histograms (default 0: never). Must not be negative.
    ///   - writeImages: also write weight matrices and kernels as pictures (default `false`).
    ///   - epochSummaries: called after each epoch's scalars to write pictures or texts
    ///     with the `train` writer; an error it throws is printed and the training goes on.
    public init(logDir: String = "logs", updateFrequency: UpdateFrequency = .epoch, histogramFrequency: Int = 0,
                writeImages: Bool = false, epochSummaries: EpochSummaries? = nil) {
        require(histogramFrequency >= 0, "TensorBoard: histogramFrequency must not be negative, got \(histogramFrequency)")
        if case .batches(let n) = updateFrequency {
            require(n > 0, "TensorBoard: updateFrequency .batches(n) needs n > 0, got \(n)")
        }
        self.logDir = logDir
        self.updateFrequency = updateFrequency
        self.histogramFrequency = histogramFrequency
        self.writeImages = writeImages
        self.epochSummaries = epochSummaries
    }

    /// The path of a run folder inside ``logDir``.
    ///
    /// - Parameter run: "train" or "validation".
    /// - Returns: `logDir/run`.
    public func runDirectory(_ run: String) -> String {
        logDir.hasSuffix("/") ? logDir + run : logDir + "/" + run
    }

    /// Keeps a weak reference to the model whose weights and learning rate are logged.
    ///
    /// - Parameter model: the model being trained.
    public func setModel(_ model: Model) { self.model = model }

    /// Starts the `train` event file and, with histograms, chains a gradient hook
    /// onto the optimizer's ``/SynapseNN/Optimizer/gradientTransform``.
    ///
    /// - Parameter logs: unused.
    public func onTrainBegin(logs: Logs) {
        globalBatch = 0
        do {
            trainWriter = try SummaryWriter(logDir: runDirectory("train"))
        } catch {
            disable(error)
            return
        }
        if histogramFrequency > 0, let optimizer = model?.optimizer {
            chainedTransform = optimizer.gradientTransform
            installedTransform = true
            let previous = chainedTransform
            optimizer.gradientTransform = { [weak self] parameters in
                previous?(parameters)
                self?.keepGradients(of: parameters)
            }
        }
    }

    /// Writes `batch_<name>` scalars at the chosen batch frequency.
    ///
    /// - Parameters:
    ///   - batch: the batch index within the epoch.
    ///   - logs: the running loss and metrics.
    public func onTrainBatchEnd(_ batch: Int, logs: Logs) {
        globalBatch += 1
        let every: Int
        switch updateFrequency {
        case .epoch: return
        case .batch: every = 1
        case .batches(let n): every = n
        }
        guard let trainWriter, globalBatch % every == 0 else { return }
        for key in logs.keys.sorted() where !key.hasPrefix("val_") {
            if let value = logs[key] { trainWriter.scalar("batch_" + key, value, step: globalBatch) }
        }
    }

    /// Writes the epoch's scalars, histograms, weight pictures and the user's summaries, then flushes.
    ///
    /// - Parameters:
    ///   - epoch: the epoch index (the summaries' step).
    ///   - logs: the epoch's training and `val_` values.
    public func onEpochEnd(_ epoch: Int, logs: Logs) {
        guard let trainWriter else { return }
        var validation: [(String, Float)] = []
        for key in logs.keys.sorted() {
            guard let value = logs[key] else { continue }
            if key.hasPrefix("val_") {
                validation.append((String(key.dropFirst(4)), value))
            } else {
                trainWriter.scalar("epoch_" + key, value, step: epoch)
            }
        }
        if let optimizer = model?.optimizer {
            trainWriter.scalar("epoch_learning_rate", optimizer.learningRate, step: epoch)
        }
        do {
            if !validation.isEmpty {
                if validationWriter == nil { validationWriter = try SummaryWriter(logDir: runDirectory("validation")) }
                for (name, value) in validation { validationWriter?.scalar("epoch_" + name, value, step: epoch) }
                try validationWriter?.flush()
            }
            let histogramEpoch = histogramFrequency > 0 && epoch % histogramFrequency == 0
            if histogramEpoch { try writeHistograms(trainWriter, step: epoch) }
            if writeImages && (histogramEpoch || (histogramFrequency == 0 && epoch == 0)) {
                try writeWeightImages(trainWriter, step: epoch)
            }
            try trainWriter.flush()
        } catch {
            disable(error)
            return
        }
        if let epochSummaries, let model {
            do {
                try epochSummaries(trainWriter, model, epoch)
                try trainWriter.flush()
            } catch {
                print("TensorBoard: epoch summaries failed at epoch \(epoch + 1): \(error)")
            }
        }
    }

    /// Restores the optimizer's gradient hook and closes the event files.
    ///
    /// - Parameter logs: unused.
    public func onTrainEnd(logs: Logs) {
        if installedTransform, let optimizer = model?.optimizer {
            optimizer.gradientTransform = chainedTransform
        }
        installedTransform = false
        chainedTransform = nil
        lastGradients = []
        do {
            try trainWriter?.close()
            try validationWriter?.close()
        } catch {
            print("\(error); the last summaries may be missing")
        }
        trainWriter = nil
        validationWriter = nil
    }

    private func keepGradients(of parameters: [Parameter]) {
        guard let model else { return }
        let tags = Dictionary(Self.taggedParameters(of: model).map { (ObjectIdentifier($0.parameter), $0.tag) },
                              uniquingKeysWith: { first, _ in first })
        lastGradients = parameters.compactMap { parameter in
            guard let gradient = parameter.grad, let tag = tags[ObjectIdentifier(parameter)] else { return nil }
            return (tag, gradient)
        }
    }

    private func writeHistograms(_ writer: SummaryWriter, step: Int) throws {
        guard let model else { return }
        for (tag, parameter) in Self.taggedParameters(of: model) {
            try? writer.histogram(tag, parameter.value, step: step)
        }
        for (tag, gradient) in lastGradients {
            try? writer.histogram(tag + "/gradient", gradient, step: step)
        }
    }

    /// 2-D weights as one picture; 4-D convolution kernels `[kh, kw, in, out]` as a
    /// grid of `kh × kw` tiles (the first 64 input/output pairs). Each picture is
    /// scaled from its own minimum (black) to maximum (white).
    private func writeWeightImages(_ writer: SummaryWriter, step: Int) throws {
        guard let model else { return }
        for (tag, parameter) in Self.taggedParameters(of: model) {
            let shape = parameter.value.shape
            let values = parameter.value.scalars
            guard let low = values.min(), let high = values.max(), values.count > 1 else { continue }
            let range = high > low ? high - low : 1
            let normalised = values.map { ($0 - low) / range }
            switch shape.count {
            case 2:
                try writer.images(tag + "/image", Tensor(normalised, shape: [1, shape[0], shape[1], 1]),
                                  step: step, columns: 1, scale: 1)
            case 4:
                let (kh, kw, inputs, outputs) = (shape[0], shape[1], shape[2], shape[3])
                let pairs = Swift.min(64, inputs * outputs)
                var tiles = [Float](repeating: 0, count: pairs * kh * kw)
                for pair in 0..<pairs {
                    let (output, input) = (pair / inputs, pair % inputs)
                    for y in 0..<kh {
                        for x in 0..<kw {
                            tiles[(pair * kh + y) * kw + x] = normalised[((y * kw + x) * inputs + input) * outputs + output]
                        }
                    }
                }
                try writer.images(tag + "/image", Tensor(tiles, shape: [pairs, kh, kw, 1]),
                                  step: step, columns: 8, scale: Swift.max(1, 24 / Swift.max(kh, kw)))
            default:
                continue
            }
        }
    }

    /// The model's parameters under their tags: "model.dense_1.kernel" → "dense_1/kernel"
    /// (without the model's own name, as Keras; "/" is TensorBoard's grouping separator).
    static func taggedParameters(of model: Model) -> [(tag: String, parameter: Parameter)] {
        model.namedParameters.map { name, parameter in
            let inside = name.hasPrefix(model.name + ".") ? String(name.dropFirst(model.name.count + 1)) : name
            return (inside.replacingOccurrences(of: ".", with: "/"), parameter)
        }
    }

    private func disable(_ error: any Error) {
        print("\(error); TensorBoard logging is off for this run")
        trainWriter = nil
        validationWriter = nil
    }
}
