/// Stops training as soon as a batch's loss is NaN or infinite, naming the batch
/// (Keras' `TerminateOnNaN`).
public final class TerminateOnNaN: Callback {
    /// The (epoch, batch) where training was stopped, if it was.
    public private(set) var terminatedAt: (epoch: Int, batch: Int)?
    private var epoch = 0
    private weak var model: Model?

    /// Creates the callback.
    public init() {}

    public func setModel(_ model: Model) { self.model = model }
    public func onEpochBegin(_ epoch: Int, logs: Logs) { self.epoch = epoch }

    public func onTrainBatchEnd(_ batch: Int, logs: Logs) {
        guard let loss = logs["loss"], !loss.isFinite else { return }
        terminatedAt = (epoch, batch)
        print("\nTerminateOnNaN: epoch \(epoch + 1), batch \(batch): invalid loss \(loss), terminating training")
        model?.stopTraining = true
    }
}
