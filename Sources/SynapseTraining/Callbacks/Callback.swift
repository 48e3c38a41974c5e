/// Hooks into `fit`, `evaluate` and `predict`, as Keras' callbacks. Every hook has a
/// do-nothing default; implement the ones you need.
///
/// ```swift
/// final class PrintEpochs: Callback {
///     func onEpochEnd(_ epoch: Int, logs: Logs) { print(epoch, logs["loss"]!) }
/// }
/// model.fit(x: x, y: y, epochs: 3, callbacks: [PrintEpochs()])
/// ```
///
/// Epoch and batch indices start at 0, as in Keras.
public protocol Callback: AnyObject {
    /// Called once before training with the model being trained; keep a weak
    /// reference if the callback needs it (EarlyStopping restores its weights).
    ///
    /// - Parameter model: the model that `fit`, `evaluate` or `predict` runs.
    func setModel(_ model: Model)
    /// Called once when `fit` starts, before the first epoch.
    ///
    /// - Parameter logs: empty.
    func onTrainBegin(logs: Logs)
    /// Called once when `fit` ends (after the last epoch, or after a stop).
    ///
    /// - Parameter logs: the last epoch's logs (empty when no epoch ran).
    func onTrainEnd(logs: Logs)
    /// Called at the start of every epoch of `fit`.
    ///
    /// - Parameters:
    ///   - epoch: the epoch's index, from 0 (or from `initialEpoch`).
    ///   - logs: empty.
    func onEpochBegin(_ epoch: Int, logs: Logs)
    /// Called at the end of every epoch of `fit`, after validation.
    ///
    /// `logs` holds the epoch's training metrics and, when validating, the `val_` ones.
    ///
    /// - Parameters:
    ///   - epoch: the epoch's index, from 0 (or from `initialEpoch`).
    ///   - logs: the epoch's loss and metrics, and the `val_` ones when validating.
    func onEpochEnd(_ epoch: Int, logs: Logs)
    /// Called before every training batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index within the epoch, from 0.
    ///   - logs: empty.
    func onTrainBatchBegin(_ batch: Int, logs: Logs)
    /// Called after every training step.
    ///
    /// `logs` holds the running (epoch-to-date) loss and metrics.
    ///
    /// - Parameters:
    ///   - batch: the batch's index within the epoch, from 0.
    ///   - logs: the running (epoch-to-date) loss and metrics.
    func onTrainBatchEnd(_ batch: Int, logs: Logs)
    /// Called when `evaluate` starts (also for the validation at the end of each epoch of `fit`).
    ///
    /// - Parameter logs: empty.
    func onTestBegin(logs: Logs)
    /// Called when `evaluate` ends.
    ///
    /// - Parameter logs: the loss and metrics over all the batches.
    func onTestEnd(logs: Logs)
    /// Called before every evaluation batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index, from 0.
    ///   - logs: empty.
    func onTestBatchBegin(_ batch: Int, logs: Logs)
    /// Called after every evaluation batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index, from 0.
    ///   - logs: what the test step returned for the batch (by default its loss).
    func onTestBatchEnd(_ batch: Int, logs: Logs)
    /// Called when `predict` starts.
    ///
    /// - Parameter logs: empty.
    func onPredictBegin(logs: Logs)
    /// Called when `predict` ends.
    ///
    /// - Parameter logs: empty.
    func onPredictEnd(logs: Logs)
    /// Called before every prediction batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index, from 0.
    ///   - logs: empty.
    func onPredictBatchBegin(_ batch: Int, logs: Logs)
    /// Called after every prediction batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index, from 0.
    ///   - logs: empty.
    func onPredictBatchEnd(_ batch: Int, logs: Logs)
    /// Whether every rank of a data-parallel `fit` runs this callback (`true` by
    /// default: callbacks that change training, such as EarlyStopping and
    /// ReduceLROnPlateau, must act the same on every rank). Callbacks that print or
    /// write files return `false` and run on rank 0 only.
    var runsOnEveryRank: Bool { get }
}

/// Do-nothing defaults for every hook: a callback implements only the ones it needs,
/// and runs on every rank of a data-parallel `fit` unless it says otherwise.
extension Callback {
    /// Ignores the model.
    ///
    /// - Parameter model: the model being trained (unused).
    public func setModel(_ model: Model) {}
    /// Does nothing when training begins.
    ///
    /// - Parameter logs: the hook's logs (unused).
    public func onTrainBegin(logs: Logs) {}
    /// Does nothing when training ends.
    ///
    /// - Parameter logs: the hook's logs (unused).
    public func onTrainEnd(logs: Logs) {}
    /// Does nothing when an epoch begins.
    ///
    /// - Parameters:
    ///   - epoch: the epoch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onEpochBegin(_ epoch: Int, logs: Logs) {}
    /// Does nothing when an epoch ends.
    ///
    /// - Parameters:
    ///   - epoch: the epoch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onEpochEnd(_ epoch: Int, logs: Logs) {}
    /// Does nothing before a training batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onTrainBatchBegin(_ batch: Int, logs: Logs) {}
    /// Does nothing after a training batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onTrainBatchEnd(_ batch: Int, logs: Logs) {}
    /// Does nothing when evaluation begins.
    ///
    /// - Parameter logs: the hook's logs (unused).
    public func onTestBegin(logs: Logs) {}
    /// Does nothing when evaluation ends.
    ///
    /// - Parameter logs: the hook's logs (unused).
    public func onTestEnd(logs: Logs) {}
    /// Does nothing before an evaluation batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onTestBatchBegin(_ batch: Int, logs: Logs) {}
    /// Does nothing after an evaluation batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onTestBatchEnd(_ batch: Int, logs: Logs) {}
    /// Does nothing when prediction begins.
    ///
    /// - Parameter logs: the hook's logs (unused).
    public func onPredictBegin(logs: Logs) {}
    /// Does nothing when prediction ends.
    ///
    /// - Parameter logs: the hook's logs (unused).
    public func onPredictEnd(logs: Logs) {}
    /// Does nothing before a prediction batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onPredictBatchBegin(_ batch: Int, logs: Logs) {}
    /// Does nothing after a prediction batch.
    ///
    /// - Parameters:
    ///   - batch: the batch's index (unused).
    ///   - logs: the hook's logs (unused).
    public func onPredictBatchEnd(_ batch: Int, logs: Logs) {}
    /// Runs on every rank of a data-parallel `fit`.
    public var runsOnEveryRank: Bool { true }
}

/// Fans every hook out to a list of callbacks, in order.
final class CallbackList {
    let callbacks: [any Callback]
    init(_ callbacks: [any Callback]) { self.callbacks = callbacks }
    func setModel(_ model: Model) { callbacks.forEach { $0.setModel(model) } }
    func trainBegin(_ logs: Logs = [:]) { callbacks.forEach { $0.onTrainBegin(logs: logs) } }
    func trainEnd(_ logs: Logs) { callbacks.forEach { $0.onTrainEnd(logs: logs) } }
    func epochBegin(_ epoch: Int) { callbacks.forEach { $0.onEpochBegin(epoch, logs: [:]) } }
    func epochEnd(_ epoch: Int, _ logs: Logs) { callbacks.forEach { $0.onEpochEnd(epoch, logs: logs) } }
    func trainBatchBegin(_ batch: Int) { callbacks.forEach { $0.onTrainBatchBegin(batch, logs: [:]) } }
    func trainBatchEnd(_ batch: Int, _ logs: Logs) { callbacks.forEach { $0.onTrainBatchEnd(batch, logs: logs) } }
    func testBegin() { callbacks.forEach { $0.onTestBegin(logs: [:]) } }
    func testEnd(_ logs: Logs) { callbacks.forEach { $0.onTestEnd(logs: logs) } }
    func testBatchBegin(_ batch: Int) { callbacks.forEach { $0.onTestBatchBegin(batch, logs: [:]) } }
    func testBatchEnd(_ batch: Int, _ logs: Logs) { callbacks.forEach { $0.onTestBatchEnd(batch, logs: logs) } }
    func predictBegin() { callbacks.forEach { $0.onPredictBegin(logs: [:]) } }
    func predictEnd() { callbacks.forEach { $0.onPredictEnd(logs: [:]) } }
    func predictBatchBegin(_ batch: Int) { callbacks.forEach { $0.onPredictBatchBegin(batch, logs: [:]) } }
    func predictBatchEnd(_ batch: Int) { callbacks.forEach { $0.onPredictBatchEnd(batch, logs: [:]) } }
}
