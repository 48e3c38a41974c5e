/// A learning rate that depends on the training step, as Keras'
/// `LearningRateSchedule`.
///
/// An ``Optimizer`` evaluates its schedule at ``Optimizer/iterations`` before each
/// step, so the first step uses `schedule(step: 0)`. Conform a struct to write
/// your own:
///
/// ```swift
/// struct InverseTimeDecay: LearningRateSchedule {
///     func callAsFunction(step: Int) -> Float { 0.1 / (1 + Float(step) / 100) }
/// }
/// let optimizer = SGD(learningRate: InverseTimeDecay())
/// ```
public protocol LearningRateSchedule: Sendable {
    /// The learning rate for the step with index `step` (0 for the first step).
    ///
    /// - Parameter step: the step index (``Optimizer/iterations``), 0 for the first step.
    /// - Returns: the learning rate for that step.
    func callAsFunction(step: Int) -> Float
}

/// The same learning rate at every step; optimizers wrap a plain `Float` rate in it.
public struct ConstantLearningRate: LearningRateSchedule, Equatable {
    /// The learning rate.
    public let value: Float

    /// - Parameter value: a finite learning rate >= 0.
    public init(_ value: Float) {
        require(value >= 0 && value.isFinite, "ConstantLearningRate: value must be a finite number >= 0, got \(value)")
        self.value = value
    }

    /// Wraps a rate the caller validated (optimizers check it with their own name
    /// in the message).
    init(unchecked value: Float) { self.value = value }

    /// Returns ``value``.
    ///
    /// - Parameter step: the step index; ignored.
    /// - Returns: ``value``, whatever the step.
    public func callAsFunction(step: Int) -> Float { value }
}
