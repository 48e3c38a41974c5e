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
    func setModel(_ model: Model)
    func onTrainBegin(logs: Logs)
    func onTrainEnd(logs: Logs)
    func onEpochBegin(_ epoch: Int, logs: Logs)
    /// `logs` holds the epoch's training metrics and, when validating, the `val_` ones.
    func onEpochEnd(_ epoch: Int, logs: Logs)
    func onTrainBatchBegin(_ batch: Int, logs: Logs)
    /// `logs` holds the running (epoch-to-date) loss and metrics.
    func onTrainBatchEnd(_ batch: Int, logs: Logs)
    func onTestBegin(logs: Logs)
    func onTestEnd(logs: Logs)
    func onTestBatchBegin(_ batch: Int, logs: Logs)
    func onTestBatchEnd(_ batch: Int, logs: Logs)
    func onPredictBegin(logs: Logs)
    func onPredictEnd(logs: Logs)
    func onPredictBatchBegin(_ batch: Int, logs: Logs)
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
    public func setModel(_ model: Model) {}
    /// Does nothing when training begins.
    public func onTrainBegin(logs: Logs) {}
    /// Does nothing when training ends.
    public func onTrainEnd(logs: Logs) {}
    /// Does nothing when an epoch begins.
    public func onEpochBegin(_ epoch: Int, logs: Logs) {}
    /// Does nothing when an epoch ends.
    public func onEpochEnd(_ epoch: Int, logs: Logs) {}
    /// Does nothing before a training batch.
    public func onTrainBatchBegin(_ batch: Int, logs: Logs) {}
    /// Does nothing after a training batch.
    public func onTrainBatchEnd(_ batch: Int, logs: Logs) {}
    /// Does nothing when evaluation begins.
    public func onTestBegin(logs: Logs) {}
    /// Does nothing when evaluation ends.
    public func onTestEnd(logs: Logs) {}
    /// Does nothing before an evaluation batch.
    public func onTestBatchBegin(_ batch: Int, logs: Logs) {}
    /// Does nothing after an evaluation batch.
    public func onTestBatchEnd(_ batch: Int, logs: Logs) {}
    /// Does nothing when prediction begins.
    public func onPredictBegin(logs: Logs) {}
    /// Does nothing when prediction ends.
    public func onPredictEnd(logs: Logs) {}
    /// Does nothing before a prediction batch.
    public func onPredictBatchBegin(_ batch: Int, logs: Logs) {}
    /// Does nothing after a prediction batch.
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
