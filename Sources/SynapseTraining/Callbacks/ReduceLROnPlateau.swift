/// Multiplies the learning rate by `factor` when a monitored quantity stops
/// improving for `patience` epochs (Keras' `ReduceLROnPlateau`).
///
/// - Parameters: Keras defaults: monitor "val_loss", factor 0.1, patience 10,
///   minDelta 1e-4, cooldown 0 (epochs to wait after a reduction), minLearningRate 0.
public final class ReduceLROnPlateau: Callback {
    public let factor: Float
    public let patience: Int
    public let cooldown: Int
    public let minLearningRate: Float
    private var quantity: MonitoredQuantity
    private var wait = 0
    private var cooldownLeft = 0
    private weak var model: Model?

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
