/// RMSprop: divides the gradient by a running root mean square (Keras' `RMSprop`
/// names and defaults, PyTorch's update with `alpha` = `rho`).
///
/// With gradient `g`, parameter `p`, learning rate `lr`, per step:
///
///     s ← ρ · s + (1 − ρ) · g²                       (s, a, b start at 0)
///     a ← ρ · a + (1 − ρ) · g                        (centered only)
///     d ← √(s − a²) + ε if centered, else √s + ε
///     b ← momentum · b + g / d;  p ← p − lr · b      (momentum > 0)
///     p ← p − lr · g / d                             (momentum = 0)
///
/// ```swift
/// let optimizer = RMSprop(parameters: model.trainableParameters, learningRate: 1e-3)
/// ```
///
/// Differences from Keras and PyTorch:
/// - Defaults are Keras': ρ = 0.9 (PyTorch's `alpha`: 0.99), ε = 1e-7 (PyTorch: 1e-8),
///   learning rate 0.001 (PyTorch: 0.01).
/// - ε placement is PyTorch's, outside the root. Keras adds it inside
///   (`g / √(s + ε)`), which is noticeably larger while `s` is small.
/// - Keras folds the learning rate into the momentum buffer
///   (`b ← momentum · b + lr · g / d`); the two agree while the rate is constant.
open class RMSprop: Optimizer {
    /// Decay rate of the squared-gradient average, in [0, 1).
    public let rho: Float
    /// Momentum factor, >= 0.
    public let momentum: Float
    /// Added to the denominator for numerical stability, >= 0.
    public let epsilon: Float
    /// Whether the gradient's running variance (not its raw second moment) is used.
    public let centered: Bool

    /// Creates RMSprop with a learning-rate schedule.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - schedule: learning rate per step.
    ///   - rho: squared-gradient decay in [0, 1) (default 0.9, as Keras).
    ///   - momentum: momentum factor >= 0 (default 0).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - centered: normalize by the estimated variance (default `false`).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public init(parameters: [Parameter] = [], learningRate schedule: any LearningRateSchedule,
                rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7, centered: Bool = false,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        require(rho >= 0 && rho < 1, "RMSprop: rho must be in [0, 1), got \(rho)")
        require(momentum >= 0 && momentum.isFinite, "RMSprop: momentum must be a finite number >= 0, got \(momentum)")
        require(epsilon >= 0 && epsilon.isFinite, "RMSprop: epsilon must be a finite number >= 0, got \(epsilon)")
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered
        super.init(parameters: parameters, learningRate: schedule,
                   clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// Creates RMSprop with a constant learning rate (default 0.001, as Keras).
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - learningRate: the constant learning rate, a finite number >= 0 (default 0.001).
    ///   - rho: squared-gradient decay in [0, 1) (default 0.9, as Keras).
    ///   - momentum: momentum factor >= 0 (default 0).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - centered: normalize by the estimated variance (default `false`).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public convenience init(parameters: [Parameter] = [], learningRate: Float = 0.001,
                            rho: Float = 0.9, momentum: Float = 0, epsilon: Float = 1e-7, centered: Bool = false,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.init(parameters: parameters, learningRate: ConstantLearningRate(unchecked: learningRate) as any LearningRateSchedule,
                  rho: rho, momentum: momentum, epsilon: epsilon, centered: centered,
                  clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// "square_avg", plus "grad_avg" when centered and "momentum_buffer" with momentum.
    open override var stateSlotNames: [String] {
        ["square_avg"] + (centered ? ["grad_avg"] : []) + (momentum > 0 ? ["momentum_buffer"] : [])
    }

    /// One RMSprop step for `parameter` (see the type's formulas).
    ///
    /// - Parameters:
    ///   - parameter: a trainable parameter.
    ///   - gradient: its gradient after the hook and clipping, same shape.
    ///   - learningRate: the schedule's value for this step.
    open override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
        applyFusedUpdate(.rmsprop(learningRate: learningRate, rho: rho, epsilon: epsilon, momentum: momentum,
                                  centered: centered),
                         to: parameter, gradient: gradient, slotNames: stateSlotNames)
    }
}
