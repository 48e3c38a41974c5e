/// Stochastic gradient descent with optional momentum, Nesterov momentum and L2
/// weight decay (Keras' `SGD` names and defaults, PyTorch's update).
///
/// With gradient `g`, parameter `p`, learning rate `lr`, per step:
///
///     g ← g + weightDecay · p
///     b ← g on the first step, else momentum · b + g        (when momentum > 0)
///     g ← g + momentum · b if nesterov, else b               (when momentum > 0)
///     p ← p − lr · g
///
/// ```swift
/// let optimizer = SGD(parameters: model.trainableParameters, learningRate: 0.1, momentum: 0.9)
/// ```
///
/// Differences from Keras and PyTorch:
/// - Defaults are Keras': learning rate 0.01 (PyTorch requires one).
/// - Keras keeps the velocity with the learning rate folded in
///   (`v ← momentum · v − lr · g; p ← p + v`); that equals the update above while the
///   rate is constant and differs when a schedule changes it. Synapse follows PyTorch.
/// - `weightDecay` is PyTorch's L2 term added to the gradient; Keras 3's
///   `weight_decay` is decoupled (`p ← p − lr · wd · p`, as ``AdamW``).
/// - PyTorch's `dampening` is not offered (always 0).
open class SGD: Optimizer {
    /// Momentum factor, >= 0 (0 turns momentum off).
    public let momentum: Float
    /// Whether Nesterov momentum is used (needs `momentum > 0`).
    public let nesterov: Bool
    /// L2 penalty factor added to the gradient, >= 0.
    public let weightDecay: Float

    /// Creates SGD with a learning-rate schedule.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - schedule: learning rate per step.
    ///   - momentum: momentum factor >= 0 (default 0).
    ///   - nesterov: Nesterov momentum (default `false`).
    ///   - weightDecay: L2 factor >= 0 added to the gradient (default 0).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public init(parameters: [Parameter] = [], learningRate schedule: any LearningRateSchedule,
                momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        require(momentum >= 0 && momentum.isFinite, "SGD: momentum must be a finite number >= 0, got \(momentum)")
        require(!nesterov || momentum > 0, "SGD: nesterov momentum requires momentum > 0, got \(momentum)")
        require(weightDecay >= 0 && weightDecay.isFinite, "SGD: weightDecay must be a finite number >= 0, got \(weightDecay)")
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        super.init(parameters: parameters, learningRate: schedule,
                   clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// Creates SGD with a constant learning rate (default 0.01, as Keras).
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - learningRate: the constant learning rate, a finite number >= 0 (default 0.01).
    ///   - momentum: momentum factor >= 0 (default 0).
    ///   - nesterov: Nesterov momentum (default `false`).
    ///   - weightDecay: L2 factor >= 0 added to the gradient (default 0).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public convenience init(parameters: [Parameter] = [], learningRate: Float = 0.01,
                            momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.init(parameters: parameters, learningRate: ConstantLearningRate(unchecked: learningRate) as any LearningRateSchedule,
                  momentum: momentum, nesterov: nesterov, weightDecay: weightDecay,
                  clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// "momentum_buffer" when momentum is on.
    open override var stateSlotNames: [String] { momentum > 0 ? ["momentum_buffer"] : [] }

    /// One SGD step for `parameter` (see the type's formulas).
    ///
    /// - Parameters:
    ///   - parameter: a trainable parameter.
    ///   - gradient: its gradient after the hook and clipping, same shape.
    ///   - learningRate: the schedule's value for this step.
    open override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
        applyFusedUpdate(.sgd(learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay),
                         to: parameter, gradient: gradient, slotNames: momentum != 0 ? ["momentum_buffer"] : [])
    }
}
