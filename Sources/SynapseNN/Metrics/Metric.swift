/// A streaming evaluation metric, as Keras' `keras.metrics.Metric`: it accumulates
/// state over the batches of an epoch and reports one number.
///
/// The training loop calls ``update(yTrue:yPred:sampleWeight:)`` once per batch,
/// reads ``result()`` for the logs, and calls ``reset()`` at the start of every epoch
/// and of every evaluation. Metrics never record gradients: they run their tensor ops
/// in a no-grad scope and keep their totals on the device of the predictions (in
/// float64), so that updating them reads nothing back; ``deferredResult()`` hands the
/// value to the training loop without a device read.
///
/// Argument order is Keras' (targets first). Targets may be float32, int32 or bool.
///
/// ```swift
/// let accuracy = Metrics.BinaryAccuracy()
/// for (x, y) in batches { accuracy.update(yTrue: y, yPred: model(x)) }
/// print(accuracy.name, accuracy.result())   // "binary_accuracy 0.93"
/// accuracy.reset()
/// ```
///
/// Conform a class to write your own metric, or wrap a per-sample function in
/// ``Metrics/MeanMetricWrapper``.
public protocol Metric: AnyObject {
    /// The name shown in logs and history, e.g. "accuracy" or "auc".
    var name: String { get }

    /// Adds one batch to the accumulated state.
    ///
    /// - Parameters:
    ///   - yTrue: targets (float32, int32 or bool).
    ///   - yPred: the model's float32 outputs for the same samples.
    ///   - sampleWeight: optional per-sample weights (shape `[batch]`, or any shape
    ///     that broadcasts against the targets); `nil` weighs every sample 1.
    func update(yTrue: Tensor, yPred: Tensor, sampleWeight: Tensor?)

    /// The value over everything seen since the last ``reset()``; 0 before any update.
    /// Reads the device.
    func result() -> Float

    /// The value as it stands now, read only when someone asks: the training loop
    /// gives it to callbacks so that a step waits for no device read. The default
    /// calls ``result()`` at once; metrics that accumulate on a device return a value
    /// that captures their current totals.
    func deferredResult() -> DeferredScalar

    /// Forgets the accumulated state (called at the start of every epoch).
    func reset()
}

extension Metric {
    public func deferredResult() -> DeferredScalar { DeferredScalar(result()) }

    /// Adds one batch with every sample weighted 1.
    ///
    /// - Parameters:
    ///   - yTrue: Targets (float32, int32 or bool).
    ///   - yPred: The model's float32 outputs for the same samples.
    public func update(yTrue: Tensor, yPred: Tensor) {
        update(yTrue: yTrue, yPred: yPred, sampleWeight: nil)
    }
}

/// The built-in metrics (`Metrics.BinaryAccuracy()`, `Metrics.AUC()`, …) and their
/// look-up by Keras name (``named(_:loss:)``).
///
/// The classes live in this namespace, as in `keras.metrics`, because several share
/// their Keras names with losses (`MeanSquaredError` is both a loss and a metric).
public enum Metrics {}
