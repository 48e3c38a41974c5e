#if canImport(Glibc)
import Glibc
#endif

/// Adam: adaptive moment estimation (Keras' `Adam` names and defaults, PyTorch's
/// update), with optional AMSGrad and L2 weight decay.
///
/// With gradient `g`, parameter `p`, learning rate `lr` and `t` the parameter's
/// update count (1 on its first update), per step:
///
///     g ← g + weightDecay · p
///     m ← β₁ · m + (1 − β₁) · g                  (m, v start at 0)
///     v ← β₂ · v + (1 − β₂) · g²
///     v̂max ← max(v̂max, v)                        (amsgrad only; used instead of v)
///     p ← p − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// ```swift
/// let optimizer = Adam(parameters: model.trainableParameters)   // lr 0.001
/// ```
///
/// Differences from Keras and PyTorch:
/// - Defaults are Keras': ε = 1e-7 (PyTorch: 1e-8); learning rate 0.001 and
///   β₁ = 0.9, β₂ = 0.999 as both.
/// - ε placement is PyTorch's: added to the bias-corrected `√v̂`. Keras computes
///   `lr · √(1 − β₂ᵗ)/(1 − β₁ᵗ) · m / (√v + ε)`, which adds ε before the bias
///   correction (an effective ε of `ε · √(1 − β₂ᵗ)` here); the two differ only while
///   `√v̂` is comparable to ε.
/// - `weightDecay` is PyTorch's L2 term added to the gradient; Keras 3's
///   `weight_decay` is decoupled, as ``AdamW``.
/// - The bias correction counts each parameter's own updates (PyTorch); Keras uses
///   the optimizer's iterations. They agree when every parameter gets a gradient
///   at every step.
open class Adam: Optimizer {
    /// Decay rate of the first-moment average, in [0, 1).
    public let beta1: Float
    /// Decay rate of the second-moment average, in [0, 1).
    public let beta2: Float
    /// Added to the denominator for numerical stability, >= 0.
    public let epsilon: Float
    /// Whether the maximum of past second moments is used (AMSGrad).
    public let amsgrad: Bool
    /// L2 penalty factor added to the gradient, >= 0.
    public let weightDecay: Float

    /// Creates Adam with a learning-rate schedule.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - schedule: learning rate per step.
    ///   - beta1: first-moment decay in [0, 1) (default 0.9).
    ///   - beta2: second-moment decay in [0, 1) (default 0.999).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - amsgrad: use AMSGrad (default `false`).
    ///   - weightDecay: L2 factor >= 0 added to the gradient (default 0).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public init(parameters: [Parameter] = [], learningRate schedule: any LearningRateSchedule,
                beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false,
                weightDecay: Float = 0,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        validateAdam(name: "Adam", beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        self.weightDecay = weightDecay
        super.init(parameters: parameters, learningRate: schedule,
                   clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// Creates Adam with a constant learning rate (default 0.001).
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - learningRate: the constant learning rate, a finite number >= 0 (default 0.001).
    ///   - beta1: first-moment decay in [0, 1) (default 0.9).
    ///   - beta2: second-moment decay in [0, 1) (default 0.999).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - amsgrad: use AMSGrad (default `false`).
    ///   - weightDecay: L2 factor >= 0 added to the gradient (default 0).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public convenience init(parameters: [Parameter] = [], learningRate: Float = 0.001,
                            beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7, amsgrad: Bool = false,
                            weightDecay: Float = 0,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.init(parameters: parameters, learningRate: ConstantLearningRate(unchecked: learningRate) as any LearningRateSchedule,
                  beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad, weightDecay: weightDecay,
                  clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with AMSGrad.
    open override var stateSlotNames: [String] { adamSlotNames(amsgrad: amsgrad) }

    /// One Adam step for `parameter` (see the type's formulas), as one fused kernel.
    ///
    /// - Parameters:
    ///   - parameter: a trainable parameter.
    ///   - gradient: its gradient after the hook and clipping, same shape.
    ///   - learningRate: the schedule's value for this step.
    open override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
        applyAdam(parameter, gradient: gradient, learningRate: learningRate, beta1: beta1, beta2: beta2,
                  epsilon: epsilon, amsgrad: amsgrad, l2: weightDecay, decayFactor: 1)
    }
}

/// Validation shared by ``Adam`` and ``AdamW``; `name` prefixes the messages.
func validateAdam(name: String, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float) {
    require(beta1 >= 0 && beta1 < 1, "\(name): beta1 must be in [0, 1), got \(beta1)")
    require(beta2 >= 0 && beta2 < 1, "\(name): beta2 must be in [0, 1), got \(beta2)")
    require(epsilon >= 0 && epsilon.isFinite, "\(name): epsilon must be a finite number >= 0, got \(epsilon)")
    require(weightDecay >= 0 && weightDecay.isFinite, "\(name): weightDecay must be a finite number >= 0, got \(weightDecay)")
}

extension Optimizer {
    /// State slots of the Adam family.
    func adamSlotNames(amsgrad: Bool) -> [String] {
        amsgrad ? ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"] : ["exp_avg", "exp_avg_sq"]
    }

    /// One fused Adam/AdamW step of `parameter`: the bias corrections are formed in
    /// double precision (as PyTorch does in Python floats) and the kernel applies
    /// the rest in PyTorch's order of operations (``AdamUpdate``).
    func applyAdam(_ parameter: Parameter, gradient: Tensor, learningRate: Float,
                   beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool, l2: Float, decayFactor: Float) {
        let step = Double(updateCount(for: parameter))
        let correction1 = 1 - pow(Double(beta1), step)
        let correction2Root = (1 - pow(Double(beta2), step)).squareRoot()
        let rule = AdamUpdate(stepSize: Float(Double(learningRate) / correction1), beta1: beta1, beta2: beta2,
                              epsilon: epsilon, secondCorrectionRoot: Float(correction2Root),
                              l2: l2, decayFactor: decayFactor, amsgrad: amsgrad)
        applyFusedUpdate(.adam(rule), to: parameter, gradient: gradient, slotNames: adamSlotNames(amsgrad: amsgrad))
    }
}
