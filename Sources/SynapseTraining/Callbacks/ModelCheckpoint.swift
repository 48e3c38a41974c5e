import Foundation

/// Saves the model at the end of every epoch, as Keras' `ModelCheckpoint`:
/// a full ``Checkpoint`` (weights, architecture, compile settings, optimizer state,
/// epoch, ``/SynapseCore/Random`` state, history) that ``Checkpoint/resume(from:)`` continues
/// from, or with `saveWeightsOnly` the weights alone (``Model/saveWeights(to:)``).
///
/// `filepath` may name the epoch and logged values, in Python's format syntax as
/// Keras: `"ckpt/model-{epoch:02d}-{val_loss:.4f}.safetensors"` gives
/// `ckpt/model-03-0.4182.safetensors` after the third epoch. `{epoch}` counts from 1;
/// a spec is `[0][width][.precision][type]` with type `d`, `f`, `e`, `g` or none
/// (a value without a spec is written in its shortest form); `{{` and `}}` are braces.
/// Missing folders are created. Every write is atomic.
///
/// With `saveBestOnly`, a file is written only when `monitor` improves on the best
/// value so far (lower for losses, higher for accuracies, see ``MonitorMode``); with a
/// fixed `filepath` it then always holds the best model.
///
/// A save that fails (a path that cannot be written, a placeholder that is not in
/// the logs) does not stop training: the callback prints one line naming the epoch,
/// the path and the reason to standard error and records it in ``errors``.
///
/// ```swift
/// let checkpoint = ModelCheckpoint(filepath: "best.safetensors", monitor: "val_accuracy", saveBestOnly: true)
/// model.fit(x: x, y: y, epochs: 20, validationSplit: 0.2, callbacks: [checkpoint])
/// let best = try Sequential.load(from: URL(fileURLWithPath: "best.safetensors"))
/// ```
public final class ModelCheckpoint: Callback {
    /// Rank 0 alone prints and writes files in data-parallel training.
    public var runsOnEveryRank: Bool { false }

    /// The path pattern.
    public let filepath: String
    /// The logged value compared with `saveBestOnly` ("val_loss" by default).
    public let monitor: String
    /// Whether to save only when `monitor` improves.
    public let saveBestOnly: Bool
    /// Whether to save only the weights.
    public let saveWeightsOnly: Bool
    /// 0 silent; 1 prints a line for every save and every skipped save.
    public let verbose: Int
    /// The paths written, in order.
    public private(set) var savedPaths: [String] = []
    /// One message for each save that failed.
    public private(set) var errors: [String] = []

    private var quantity: MonitoredQuantity
    private weak var model: Model?
    private var running = false
    private var earlierHistory: History?

    /// A checkpoint callback (Keras' arguments).
    ///
    /// - Parameters:
    ///   - filepath: the path pattern (see the type's overview).
    ///   - monitor: the logged value `saveBestOnly` compares.
    ///   - verbose: 1 to print each save.
    ///   - saveBestOnly: save only when `monitor` improves.
    ///   - saveWeightsOnly: save only the weights.
    ///   - mode: whether lower or higher `monitor` is better (`auto` from the name).
    ///   - initialValueThreshold: with `saveBestOnly`, the value the first save must beat.
    public init(filepath: String, monitor: String = "val_loss", verbose: Int = 0, saveBestOnly: Bool = false,
                saveWeightsOnly: Bool = false, mode: MonitorMode = .auto, initialValueThreshold: Float? = nil) {
        self.filepath = filepath
        self.monitor = monitor
        self.verbose = verbose
        self.saveBestOnly = saveBestOnly
        self.saveWeightsOnly = saveWeightsOnly
        quantity = MonitoredQuantity(name: monitor, mode: mode, minDelta: 0)
        if let initialValueThreshold { quantity.accept(initialValueThreshold) }
    }

    /// The best value of `monitor` seen (±infinity before the first).
    public var best: Float { quantity.best }

    public func setModel(_ model: Model) {
        self.model = model
        // `fit` hands over the model before it replaces its history: keep the
        // earlier epochs (a resumed run's) for the checkpoints' history.
        if !running { earlierHistory = model.history }
    }

    public func onTrainBegin(logs: Logs) { running = true }

    public func onTrainEnd(logs: Logs) { running = false }

    public func onEpochEnd(_ epoch: Int, logs: Logs) {
        guard let model else { return }
        if saveBestOnly {
            guard let current = quantity.value(in: logs, callback: "ModelCheckpoint") else { return }
            guard quantity.isImprovement(current) else {
                if verbose > 0 { print("Epoch \(epoch + 1): \(monitor) did not improve from \(ProgressBar.format(best))") }
                return
            }
            if verbose > 0 { print("Epoch \(epoch + 1): \(monitor) improved from \(ProgressBar.format(best)) to \(ProgressBar.format(current))") }
            quantity.accept(current)
        }
        save(model, epoch: epoch, logs: logs)
    }

    private func save(_ model: Model, epoch: Int, logs: Logs) {
        var path = filepath
        do {
            path = try Self.formatPath(filepath, epoch: epoch, logs: logs)
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent()
            if !FileManager.default.fileExists(atPath: folder.path) {
                do {
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                } catch {
                    throw ModelFileError.unwritable(path: path, reason: "cannot create the folder \(folder.path)")
                }
            }
            if saveWeightsOnly {
                try model.saveWeights(to: url)
            } else {
                try Checkpoint.save(model, epoch: epoch + 1, history: combinedHistory(model.history), to: url)
            }
            savedPaths.append(path)
            if verbose > 0 { print("Epoch \(epoch + 1): saved \(saveWeightsOnly ? "weights" : "model") to \(path)") }
        } catch {
            let message = "ModelCheckpoint: epoch \(epoch + 1) not saved to \(path): \(error)"
            errors.append(message)
            FileHandle.standardError.write(Data((message + "\n").utf8))
        }
    }

    /// The earlier run's epochs before this run's first, then this run's.
    private func combinedHistory(_ current: History) -> History {
        guard let earlier = earlierHistory, earlier !== current, let first = current.epochs.first else { return current }
        let combined = History()
        for (row, epoch) in earlier.epochs.enumerated() where epoch < first {
            combined.record(epoch: epoch, logs: Logs(earlier.values.compactMapValues { $0[row] }))
        }
        for (row, epoch) in current.epochs.enumerated() {
            combined.record(epoch: epoch, logs: Logs(current.values.compactMapValues { $0[row] }))
        }
        return combined
    }
}
