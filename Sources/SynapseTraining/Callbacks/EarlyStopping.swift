/// Stops training when a monitored quantity stops improving (Keras' `EarlyStopping`).
///
/// ```swift
/// let stop = EarlyStopping(monitor: "val_loss", patience: 3, restoreBestWeights: true)
/// model.fit(x: x, y: y, epochs: 100, validationSplit: 0.2, callbacks: [stop])
/// ```
public final class EarlyStopping: Callback {
    /// Epochs without improvement before stopping (0 acts as 1).
    public let patience: Int
    /// Whether the weights of the best epoch are put back when training ends.
    public let restoreBestWeights: Bool
    /// The value the quantity must beat for the patience count to restart, or `nil`.
    public let baseline: Float?
    /// Epochs to wait before monitoring (warm-up).
    public let startFromEpoch: Int
    /// The epoch at which training was stopped, or `nil` if it ran to the end.
    public private(set) var stoppedEpoch: Int?
    /// The best epoch seen.
    public private(set) var bestEpoch: Int?

    private var quantity: MonitoredQuantity
    private var wait = 0
    private var bestWeights: [Tensor]?
    private weak var model: Model?

    /// Creates the callback.
    ///
    /// - Parameters:
    ///   - monitor: the logged quantity (default "val_loss").
    ///   - minDelta: the smallest change that counts as an improvement (default 0).
    ///   - patience: epochs without improvement before stopping (default 0, which
    ///     stops after the first epoch without one); must be non-negative.
    ///   - mode: whether lower or higher is better (default `.auto`, which decides
    ///     from the name).
    ///   - baseline: stop if the quantity does not beat this value within `patience`
    ///     epochs (default `nil`: no baseline).
    ///   - restoreBestWeights: put back the weights of the best epoch when training ends
    ///     (stopped early or not, as Keras 3); without an improvement on the baseline,
    ///     the best epoch among those seen (default `false`).
    ///   - startFromEpoch: epochs to wait before monitoring (warm-up; default 0).
    public init(monitor: String = "val_loss", minDelta: Float = 0, patience: Int = 0, mode: MonitorMode = .auto,
                baseline: Float? = nil, restoreBestWeights: Bool = false, startFromEpoch: Int = 0) {
        require(patience >= 0, "EarlyStopping: patience must be non-negative, got \(patience)")
        quantity = MonitoredQuantity(name: monitor, mode: mode, minDelta: minDelta)
        self.patience = patience
        self.baseline = baseline
        self.restoreBestWeights = restoreBestWeights
        self.startFromEpoch = startFromEpoch
    }

    public func setModel(_ model: Model) { self.model = model }

    public func onTrainBegin(logs: Logs) {
        wait = 0
        stoppedEpoch = nil
        bestEpoch = nil
        bestWeights = nil
        quantity.reset()
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs) {
        guard epoch >= startFromEpoch, let value = quantity.value(in: logs, callback: "EarlyStopping") else { return }
        if restoreBestWeights && bestWeights == nil {
            bestWeights = snapshot()
            bestEpoch = epoch
        }
        wait += 1
        if quantity.isImprovement(value) {
            quantity.accept(value)
            bestEpoch = epoch
            if restoreBestWeights { bestWeights = snapshot() }
            // As Keras 3: the count restarts only when the value also beats the baseline.
            if baseline.map({ quantity.isImprovement(value, over: $0) }) ?? true { wait = 0 }
            return
        }
        if wait >= max(patience, 1) && epoch > 0 {
            stoppedEpoch = epoch
            model?.stopTraining = true
        }
    }

    public func onTrainEnd(logs: Logs) {
        if restoreBestWeights, let bestWeights, let model {
            for (parameter, value) in zip(model.parameters, bestWeights) { parameter.assign(value) }
        }
        if let stoppedEpoch {
            print("Epoch \(stoppedEpoch + 1): early stopping" + (restoreBestWeights && bestEpoch != nil ? " (restored the weights of epoch \(bestEpoch! + 1))" : ""))
        }
    }

    private func snapshot() -> [Tensor] {
        model?.parameters.map { $0.value.detached() } ?? []
    }
}
