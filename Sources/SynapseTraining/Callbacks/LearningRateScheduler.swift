/// Sets the optimizer's learning rate at the start of every epoch from a function of
/// the epoch index and the current rate (Keras' `LearningRateScheduler`).
///
/// ```swift
/// LearningRateScheduler { epoch, rate in epoch < 10 ? rate : rate * 0.9 }
/// ```
public final class LearningRateScheduler: Callback {
    private let schedule: (Int, Float) -> Float
    private let verbose: Bool
    private weak var model: Model?

    /// Creates the callback.
    ///
    /// - Parameters:
    ///   - verbose: print the rate set at the start of every epoch (default `false`).
    ///   - schedule: the new learning rate from the epoch index (0-based) and the
    ///     optimizer's current rate; it must return a finite, non-negative rate.
    public init(verbose: Bool = false, _ schedule: @escaping (_ epoch: Int, _ learningRate: Float) -> Float) {
        self.schedule = schedule
        self.verbose = verbose
    }

    public func setModel(_ model: Model) { self.model = model }

    public func onEpochBegin(_ epoch: Int, logs: Logs) {
        guard let optimizer = model?.optimizer else { return }
        let rate = schedule(epoch, optimizer.learningRate)
        require(rate.isFinite && rate >= 0, "LearningRateScheduler: the schedule returned \(rate) for epoch \(epoch)")
        optimizer.learningRate = rate
        if verbose { print("Epoch \(epoch + 1): LearningRateScheduler setting learning rate to \(rate)") }
    }
}
