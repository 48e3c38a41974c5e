#if canImport(Glibc)
import Glibc
#endif

/// A cosine-shaped decay with an optional linear warm-up (Keras 3's `CosineDecay`).
///
/// Without warm-up (`warmupTarget == nil`), for `s = min(step, decaySteps)`:
///
///     rate(step) = initialLearningRate · ((1 − alpha) · ½(1 + cos(π s / decaySteps)) + alpha)
///
/// With warm-up, the rate first rises linearly from `initialLearningRate` to
/// `warmupTarget` over `warmupSteps` steps, then decays from `warmupTarget` as
/// above over the next `decaySteps` steps (`s = min(step, warmupSteps + decaySteps) − warmupSteps`),
/// and stays at `alpha · warmupTarget` afterwards.
///
/// ```swift
/// // 1000 warm-up steps from 0 to 1e-3, then a cosine decay to 0 over 9000 steps.
/// let schedule = CosineDecay(initialLearningRate: 0, decaySteps: 9000,
///                            warmupTarget: 1e-3, warmupSteps: 1000)
/// ```
///
/// PyTorch's `CosineAnnealingLR(T_max: decaySteps, eta_min: alpha · initialLearningRate)`
/// gives the same values during the decay; PyTorch keeps following the cosine
/// after `T_max` steps, Keras (and Synapse) hold the final value.
public struct CosineDecay: LearningRateSchedule, Equatable {
    /// The rate at step 0 (the start of the warm-up when there is one).
    public let initialLearningRate: Float
    /// Length of the cosine decay, in steps.
    public let decaySteps: Int
    /// The final rate as a fraction of the rate the decay starts from.
    public let alpha: Float
    /// The rate reached at the end of the warm-up, or `nil` for no warm-up.
    public let warmupTarget: Float?
    /// Length of the linear warm-up, in steps.
    public let warmupSteps: Int

    /// - Parameters:
    ///   - initialLearningRate: finite rate >= 0.
    ///   - decaySteps: length of the decay, > 0.
    ///   - alpha: final rate as a fraction, in [0, 1] (default 0).
    ///   - warmupTarget: rate at the end of the warm-up (default `nil`: no warm-up).
    ///   - warmupSteps: warm-up length, >= 0 (default 0); needs a `warmupTarget` when > 0.
    public init(initialLearningRate: Float, decaySteps: Int, alpha: Float = 0,
                warmupTarget: Float? = nil, warmupSteps: Int = 0) {
        require(initialLearningRate >= 0 && initialLearningRate.isFinite,
                "CosineDecay: initialLearningRate must be a finite number >= 0, got \(initialLearningRate)")
        require(decaySteps > 0, "CosineDecay: decaySteps must be > 0, got \(decaySteps)")
        require(alpha >= 0 && alpha <= 1, "CosineDecay: alpha must be in [0, 1], got \(alpha)")
        require(warmupSteps >= 0, "CosineDecay: warmupSteps must be >= 0, got \(warmupSteps)")
        if let warmupTarget {
            require(warmupTarget >= 0 && warmupTarget.isFinite,
                    "CosineDecay: warmupTarget must be a finite number >= 0, got \(warmupTarget)")
        } else {
            require(warmupSteps == 0, "CosineDecay: warmupSteps is \(warmupSteps) but no warmupTarget was given")
        }
        self.initialLearningRate = initialLearningRate
        self.decaySteps = decaySteps
        self.alpha = alpha
        self.warmupTarget = warmupTarget
        self.warmupSteps = warmupSteps
    }

    /// The warm-up or cosine value at `step`.
    ///
    /// - Parameter step: the step index, 0 for the first step; negative steps count as 0.
    /// - Returns: the learning rate for that step.
    public func callAsFunction(step: Int) -> Float {
        let step = Double(Swift.max(step, 0))
        let decaySteps = Double(self.decaySteps)
        guard let warmupTarget else {
            return Float(decay(Swift.min(step, decaySteps), from: Double(initialLearningRate)))
        }
        let warmupSteps = Double(self.warmupSteps)
        let clamped = Swift.min(step, decaySteps + warmupSteps)
        if clamped < warmupSteps {
            let initial = Double(initialLearningRate)
            return Float((Double(warmupTarget) - initial) * (clamped / warmupSteps) + initial)
        }
        return Float(decay(clamped - warmupSteps, from: Double(warmupTarget)))
    }

    private func decay(_ step: Double, from rate: Double) -> Double {
        let cosine = 0.5 * (1 + cos(Double.pi * step / Double(decaySteps)))
        let alpha = Double(self.alpha)
        return rate * ((1 - alpha) * cosine + alpha)
    }
}
