/// Adagrad: per-element learning rates scaled by the accumulated squared
/// gradients (Keras' `Adagrad` names and defaults, PyTorch's update).
///
/// With gradient `g`, parameter `p`, learning rate `lr`, per step:
///
///     s ← s + g²                         (s starts at initialAccumulatorValue)
///     p ← p − lr · g / (√s + ε)
///
/// ```swift
/// let optimizer = Adagrad(parameters: model.trainableParameters, learningRate: 0.01)
/// ```
///
/// Differences from Keras and PyTorch:
/// - Defaults are Keras': learning rate 0.001 (PyTorch: 0.01), initial accumulator
///   0.1 (PyTorch: 0), ε = 1e-7 (PyTorch: 1e-10).
/// - ε placement is PyTorch's, outside the root; Keras adds it inside (`g / √(s + ε)`).
/// - PyTorch's `lr_decay` and `weight_decay` are not offered.
open class Adagrad: Optimizer {
    /// Starting value of every accumulator element, >= 0.
    public let initialAccumulatorValue: Float
    /// Added to the denominator for numerical stability, >= 0.
    public let epsilon: Float

    /// Creates Adagrad with a learning-rate schedule.
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - schedule: learning rate per step.
    ///   - initialAccumulatorValue: accumulator start >= 0 (default 0.1, as Keras).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public init(parameters: [Parameter] = [], learningRate schedule: any LearningRateSchedule,
                initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
                clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        require(initialAccumulatorValue >= 0 && initialAccumulatorValue.isFinite,
                "Adagrad: initialAccumulatorValue must be a finite number >= 0, got \(initialAccumulatorValue)")
        require(epsilon >= 0 && epsilon.isFinite, "Adagrad: epsilon must be a finite number >= 0, got \(epsilon)")
        self.initialAccumulatorValue = initialAccumulatorValue
        self.epsilon = epsilon
        super.init(parameters: parameters, learningRate: schedule,
                   clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// Creates Adagrad with a constant learning rate (default 0.001, as Keras).
    ///
    /// - Parameters:
    ///   - parameters: the parameters to update (may be assigned later).
    ///   - learningRate: the constant learning rate, a finite number >= 0 (default 0.001).
    ///   - initialAccumulatorValue: accumulator start >= 0 (default 0.1, as Keras).
    ///   - epsilon: stability term >= 0 (default 1e-7, as Keras).
    ///   - clipNorm: per-parameter gradient norm limit > 0, or `nil` (default) for none (``Optimizer/clipNorm``).
    ///   - globalClipNorm: joint gradient norm limit > 0, or `nil` (default); not with `clipNorm` (``Optimizer/globalClipNorm``).
    ///   - clipValue: gradient element limit > 0, or `nil` (default) for none (``Optimizer/clipValue``).
    public convenience init(parameters: [Parameter] = [], learningRate: Float = 0.001,
                            initialAccumulatorValue: Float = 0.1, epsilon: Float = 1e-7,
                            clipNorm: Float? = nil, globalClipNorm: Float? = nil, clipValue: Float? = nil) {
        self.init(parameters: parameters, learningRate: ConstantLearningRate(unchecked: learningRate) as any LearningRateSchedule,
                  initialAccumulatorValue: initialAccumulatorValue, epsilon: epsilon,
                  clipNorm: clipNorm, globalClipNorm: globalClipNorm, clipValue: clipValue)
    }

    /// "sum", PyTorch's name for the accumulator.
    open override var stateSlotNames: [String] { ["sum"] }

    /// One Adagrad step for `parameter` (see the type's formulas).
    ///
    /// - Parameters:
    ///   - parameter: a trainable parameter.
    ///   - gradient: its gradient after the hook and clipping, same shape.
    ///   - learningRate: the schedule's value for this step.
    open override func update(_ parameter: Parameter, gradient: Tensor, learningRate: Float) {
        applyFusedUpdate(.adagrad(learningRate: learningRate, epsilon: epsilon), to: parameter, gradient: gradient,
                         slotNames: stateSlotNames, initialSlotValue: initialAccumulatorValue)
    }
}
