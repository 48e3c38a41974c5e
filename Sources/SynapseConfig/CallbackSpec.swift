/// The `callbacks:` section: early stopping, checkpoints, a CSV log and TensorBoard logs.
///
/// ```yaml
/// callbacks:
///   early_stopping: {monitor: val_loss, patience: 5, restore_best_weights: true}
///   checkpoint: {monitor: val_loss, save_best_only: false}   # checkpoints/last.safetensors (or best.safetensors)
///   csv_log: true                                           # training_log.csv in the output folder
///   tensorboard: {log_dir: logs, update_freq: epoch, histogram_freq: 1, write_images: false}
/// ```
///
/// `tensorboard: true` logs to `logs/` in the output folder; a relative `log_dir`
/// is taken inside the output folder too.
public struct CallbackSpec: Sendable {
    /// Early-stopping settings, if enabled.
    public struct EarlyStoppingSpec: Sendable {
        /// The monitored quantity.
        public var monitor: String
        /// Epochs without improvement before stopping.
        public var patience: Int
        /// The smallest change that counts as an improvement.
        public var minDelta: Float
        /// Restore the best epoch's weights at the end.
        public var restoreBestWeights: Bool
    }

    /// Checkpoint settings, if enabled.
    public struct CheckpointSpec: Sendable {
        /// The monitored quantity (with `saveBestOnly`).
        public var monitor: String
        /// Save only when `monitor` improves (to `best.safetensors`); otherwise after
        /// every epoch (to `last.safetensors`).
        public var saveBestOnly: Bool
    }

    /// TensorBoard settings (Keras' `TensorBoard` arguments), if enabled.
    public struct TensorBoardSpec: Sendable, Equatable {
        /// The log folder; relative paths are inside the output folder.
        public var logDir: String
        /// `epoch` (default), `batch`, or every N batches.
        public var updateFrequency: TensorBoard.UpdateFrequency
        /// Every how many epochs weight and gradient histograms are written; 0 (default) writes none.
        public var histogramFrequency: Int
        /// Whether weights are also written as pictures (default `false`).
        public var writeImages: Bool
    }

    /// Early stopping.
    public var earlyStopping: EarlyStoppingSpec?
    /// Checkpoints.
    public var checkpoint: CheckpointSpec?
    /// The CSV log's file name in the output folder, if enabled.
    public var csvLog: String?
    /// TensorBoard logs.
    public var tensorBoard: TensorBoardSpec?

    /// Reads the `callbacks:` section.
    ///
    /// - Parameter node: the `callbacks:` node; `nil` or `null` enables no callbacks.
    /// - Returns: the callbacks the section enables, with defaults for keys left out.
    /// - Throws: ``ConfigError`` naming the key and line.
    public static func parse(_ node: ConfigNode?) throws -> CallbackSpec {
        var result = CallbackSpec()
        guard let node, !node.isNull else { return result }
        _ = try node.mapping(allowed: ["early_stopping", "checkpoint", "csv_log", "tensorboard"])
        if let section = try enabled(node["early_stopping"]) {
            _ = try section.mapping(allowed: ["monitor", "patience", "min_delta", "restore_best_weights"])
            result.earlyStopping = EarlyStoppingSpec(
                monitor: try section["monitor"]?.string() ?? "val_loss",
                patience: try section["patience"]?.int(in: 0...1_000_000) ?? 0,
                minDelta: Float(try section["min_delta"]?.double("a number >= 0") { $0 >= 0 } ?? 0),
                restoreBestWeights: try section["restore_best_weights"]?.bool() ?? false)
        }
        if let section = try enabled(node["checkpoint"]) {
            _ = try section.mapping(allowed: ["monitor", "save_best_only"])
            result.checkpoint = CheckpointSpec(monitor: try section["monitor"]?.string() ?? "val_loss",
                                               saveBestOnly: try section["save_best_only"]?.bool() ?? false)
        }
        if let section = node["csv_log"] {
            if case .scalar(.bool(let flag)) = section.kind {
                result.csvLog = flag ? "training_log.csv" : nil
            } else {
                _ = try section.mapping(allowed: ["filename"])
                result.csvLog = try section["filename"]?.string() ?? "training_log.csv"
            }
        }
        if let section = try enabled(node["tensorboard"]) {
            _ = try section.mapping(allowed: ["log_dir", "update_freq", "histogram_freq", "write_images"])
            result.tensorBoard = TensorBoardSpec(
                logDir: try section["log_dir"]?.string() ?? "logs",
                updateFrequency: try section["update_freq"].map(updateFrequency) ?? .epoch,
                histogramFrequency: try section["histogram_freq"]?.int(in: 0...1_000_000) ?? 0,
                writeImages: try section["write_images"]?.bool() ?? false)
        }
        return result
    }

    /// `epoch`, `batch` or a positive number of batches (Keras' `update_freq`).
    private static func updateFrequency(_ node: ConfigNode) throws -> TensorBoard.UpdateFrequency {
        if case .scalar(.string) = node.kind {
            return try node.choice(["epoch", "batch"]) == "epoch" ? .epoch : .batch
        }
        return .batches(try node.int(in: 1...Int.max))
    }

    /// `nil` for an absent or `false` entry; an empty mapping for `true`; the mapping otherwise.
    private static func enabled(_ node: ConfigNode?) throws -> ConfigNode? {
        guard let node else { return nil }
        switch node.kind {
        case .scalar(.bool(let flag)):
            return flag ? ConfigNode(kind: .mapping([]), line: node.line, path: node.path, file: node.file) : nil
        case .scalar(.null):
            return ConfigNode(kind: .mapping([]), line: node.line, path: node.path, file: node.file)
        default:
            return node
        }
    }
}
