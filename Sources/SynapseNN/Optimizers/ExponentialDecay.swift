#if canImport(Glibc)
import Glibc
#endif

/// A learning rate that decays exponentially (Keras' `ExponentialDecay`).
///
/// `rate(step) = initialLearningRate · decayRate ^ (step / decaySteps)`, with the
/// exponent rounded down when `staircase` is true.
///
/// ```swift
/// // Halves every 1000 steps, smoothly.
/// let schedule = ExponentialDecay(initialLearningRate: 0.01, decaySteps: 1000, decayRate: 0.5)
/// ```
public struct ExponentialDecay: LearningRateSchedule, Equatable {
    /// The rate at step 0.
    public let initialLearningRate: Float
    /// Steps over which the rate is multiplied by `decayRate` once.
    public let decaySteps: Int
    /// Multiplier per `decaySteps` steps.
    public let decayRate: Float
    /// Whether the exponent is rounded down (a step function).
    public let staircase: Bool

    /// - Parameters:
    ///   - initialLearningRate: finite rate >= 0.
    ///   - decaySteps: > 0.
    ///   - decayRate: finite number > 0.
    ///   - staircase: decay in discrete drops (default `false`, as Keras).
    public init(initialLearningRate: Float, decaySteps: Int, decayRate: Float, staircase: Bool = false) {
        require(initialLearningRate >= 0 && initialLearningRate.isFinite,
                "ExponentialDecay: initialLearningRate must be a finite number >= 0, got \(initialLearningRate)")
        require(decaySteps > 0, "ExponentialDecay: decaySteps must be > 0, got \(decaySteps)")
        require(decayRate > 0 && decayRate.isFinite, "ExponentialDecay: decayRate must be a finite number > 0, got \(decayRate)")
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.decayRate = decayRate
        self.staircase = staircase
    }

    /// `initialLearningRate · decayRate ^ (step / decaySteps)`.
    ///
    /// - Parameter step: the step index, 0 for the first step.
    /// - Returns: the learning rate for that step.
    public func callAsFunction(step: Int) -> Float {
        var exponent = Double(step) / Double(decaySteps)
        if staircase { exponent.round(.down) }
        return Float(Double(initialLearningRate) * pow(Double(decayRate), exponent))
    }
}
