/// Adam with decoupled weight decay (Keras' `AdamW` names and defaults,
/// PyTorch's update).
///
/// Each step first shrinks the parameter, `p ← p − lr · weightDecay · p`, then
/// applies the ``Adam`` update without any L2 term in the gradient.
///
/// ```swift
/// let optimizer = AdamW(parameters: model.trainableParameters, learningRate: 3e-4, weightDecay: 0.01)
/// ```
///
/// Differences from Keras and PyTorch:
/// - Defaults are Keras': weight decay 0.004 (PyTorch: 0.01), ε = 1e-7 (PyTorch: 1e-8).
/// - ε placement is PyTorch's (see ``Adam``).
/// - Keras and PyTorch both multiply the decay by the learning rate, as here.
open class AdamW: Optimizer {
    /// Decoupled decay factor, >= 0 (multiplied by the learning rate).
    public let weightDecay: Float
    /// Decay rate of the first-moment average, in [0, 1).
    public let beta1: Float
    /// Decay rate of the second-moment average, in [0, 1).
    public let beta2: Float
    /// Added to the denominator for numerical stability, >= 0.
    public let epsilon: Float
    /// Whether the maximum of past second moments is used (AMSGrad).
    public let amsgrad: Bool

    /// Creates AdamW with a learning-rate schedule.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - schedule: learning rate per step (the decay follows it).
    ///   - weightDecay: decoupled decay >= 0 (default 0.004, as Keras).
    ///   - beta1: first-moment decay in [0, 1) (default 0.9).
    ///   - beta2: second-moment decay in [0, 1) (default 0.999).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - amsgrad: use AMSGrad (default `false`).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public init(parameters: [Parameter] = [], learningRate schedule: any LearningRateSchedule,
                weightDecay: Float = 0.004, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                amsgrad: Bool = false,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        validateAdam(name: "AdamW", beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay)
        self.weightDecay = weightDecay
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.amsgrad = amsgrad
        super.init(parameters: parameters, learningRate: schedule,
                   clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// Creates AdamW with a constant learning rate (default 0.001).
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - learningRate: the constant learning rate, a finite number >= 0 (default 0.001).
    ///   - weightDecay: decoupled decay >= 0 (default 0.004, as Keras).
    ///   - beta1: first-moment decay in [0, 1) (default 0.9).
    ///   - beta2: second-moment decay in [0, 1) (default 0.999).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - amsgrad: use AMSGrad (default `false`).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public convenience init(parameters: [Parameter] = [], learningRate: Float = 0.001,
                            weightDecay: Float = 0.004, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7,
                            amsgrad: Bool = false,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.init(parameters: parameters, learningRate: ConstantLearningRate(unchecked: learningRate) as any LearningRateSchedule,
                  weightDecay: weightDecay, beta1: beta1, beta2: beta2, epsilon: epsilon, amsgrad: amsgrad,
                  clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// "exp_avg", "exp_avg_sq", and "max_exp_avg_sq" with AMSGrad.
    open override var stateSlotNames: [String] { adamSlotNames(amsgrad: amsgrad) }

    /// Decays `parameter`, then applies one Adam step.
    ///
    /// - Parameters:
    ///   - parameter: a trainable parameter.
    ///   - gradient: its gradient after the hook and clipping, same shape.
    ///   - learningRate: the schedule's value for this step.
    open override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
        // PyTorch: param.mul_(1 − lr · wd), with lr · wd formed in double precision.
        let decayFactor = weightDecay == 0 ? 1 : Float(1 - Double(learningRate) * Double(weightDecay))
        applyAdam(parameter, gradient: gradient, learningRate: learningRate, beta1: beta1, beta2: beta2,
                  epsilon: epsilon, amsgrad: amsgrad, l2: 0, decayFactor: decayFactor)
    }
}
