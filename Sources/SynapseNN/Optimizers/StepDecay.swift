#if canImport(Glibc)
import Glibc
#endif

/// A learning rate multiplied by `factor` every `stepSize` steps (PyTorch's
/// `StepLR` with `gamma` = `factor`; Keras' `ExponentialDecay` with
/// `staircase: true` computes the same).
///
/// `rate(step) = initialLearningRate · factor ^ ⌊step / stepSize⌋`
///
/// ```swift
/// // 0.1 for steps 0..<1000, 0.01 for 1000..<2000, ...
/// let schedule = StepDecay(initialLearningRate: 0.1, stepSize: 1000, factor: 0.1)
/// ```
public struct StepDecay: LearningRateSchedule, Equatable {
    /// The rate of the first `stepSize` steps.
    public let initialLearningRate: Float
    /// Steps between two drops.
    public let stepSize: Int
    /// Multiplier applied at each drop.
    public let factor: Float

    /// - Parameters:
    ///   - initialLearningRate: finite rate >= 0.
    ///   - stepSize: steps between drops, > 0.
    ///   - factor: multiplier at each drop, finite and >= 0 (default 0.1, as PyTorch's `gamma`).
    public init(initialLearningRate: Float, stepSize: Int, factor: Float = 0.1) {
        require(initialLearningRate >= 0 && initialLearningRate.isFinite,
                "StepDecay: initialLearningRate must be a finite number >= 0, got \(initialLearningRate)")
        require(stepSize > 0, "StepDecay: stepSize must be > 0, got \(stepSize)")
        require(factor >= 0 && factor.isFinite, "StepDecay: factor must be a finite number >= 0, got \(factor)")
        self.initialLearningRate = initialLearningRate
        self.stepSize = stepSize
        self.factor = factor
    }

    /// `initialLearningRate · factor ^ ⌊step / stepSize⌋`.
    ///
    /// - Parameter step: the step index, 0 for the first step; negative steps count as 0.
    /// - Returns: the learning rate for that step.
    public func callAsFunction(step: Int) -> Float {
        let drops = Double((Swift.max(step, 0) / stepSize))
        return Float(Double(initialLearningRate) * pow(Double(factor), drops))
    }
}
