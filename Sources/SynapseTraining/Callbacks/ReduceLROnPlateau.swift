/// Multiplies the learning rate by `factor` when a monitored quantity stops
/// improving for `patience` epochs (Keras' `ReduceLROnPlateau`).
///
/// The defaults are Keras': monitor "val_loss", factor 0.1, patience 10,
/// minDelta 1e-4, cooldown 0 (epochs to wait after a reduction), minLearningRate 0.
///
/// ```swift
/// let plateau = ReduceLROnPlateau(factor: 0.5, patience: 3)
/// model.fit(x: x, y: y, epochs: 50, validationSplit: 0.2, callbacks: [plateau])
/// ```
public final class ReduceLROnPlateau: Callback {
    /// What the learning rate is multiplied by at each reduction, in (0, 1).
    public let factor: Float
    /// Epochs without improvement before the rate is reduced.
    public let patience: Int
    /// Epochs after a reduction during which no improvement is waited for.
    public let cooldown: Int
    /// The rate is never reduced below this.
    public let minLearningRate: Float
    private var quantity: MonitoredQuantity
    private var wait = 0
    private var cooldownLeft = 0
    private weak var model: Model?

    /// Creates the callback.
    ///
    /// - Parameters:
    ///   - monitor: the logged quantity (default "val_loss").
    ///   - factor: what the rate is multiplied by, in (0, 1) (default 0.1).
    ///   - patience: epochs without improvement before a reduction (default 10);
    ///     non-negative.
    ///   - mode: whether lower or higher is better (default `.auto`, which decides
    ///     from the name).
    ///   - minDelta: the smallest change that counts as an improvement (default 1e-4).
    ///   - cooldown: epochs to wait after a reduction before counting again
    ///     (default 0); non-negative.
    ///   - minLearningRate: the lower bound of the rate (default 0).
    public init(monitor: String = "val_loss", factor: Float = 0.1, patience: Int = 10, mode: MonitorMode = .auto,
                minDelta: Float = 1e-4, cooldown: Int = 0, minLearningRate: Float = 0) {
        require(factor > 0 && factor < 1, "ReduceLROnPlateau: factor must be in (0, 1), got \(factor)")
        require(patience >= 0 && cooldown >= 0, "ReduceLROnPlateau: patience (\(patience)) and cooldown (\(cooldown)) must be non-negative")
        quantity = MonitoredQuantity(name: monitor, mode: mode, minDelta: minDelta)
        self.factor = factor
        self.patience = patience
        self.cooldown = cooldown
        self.minLearningRate = minLearningRate
    }

    public func setModel(_ model: Model) { self.model = model }

    public func onTrainBegin(logs: Logs) {
        quantity.reset()
        wait = 0
        cooldownLeft = 0
    }

    public func onEpochEnd(_ epoch: Int, logs: Logs) {
        guard let value = quantity.value(in: logs, callback: "ReduceLROnPlateau"),
              let optimizer = model?.optimizer else { return }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            wait = 0
        }
        if quantity.isImprovement(value) {
            quantity.accept(value)
            wait = 0
        } else if cooldownLeft == 0 {
            wait += 1
            if wait >= patience {
                let old = optimizer.learningRate
                if old > minLearningRate {
                    let new = Swift.max(old * factor, minLearningRate)
                    optimizer.learningRate = new
                    print("Epoch \(epoch + 1): ReduceLROnPlateau reducing learning rate to \(new)")
                    cooldownLeft = cooldown
                    wait = 0
                }
            }
        }
    }
}
