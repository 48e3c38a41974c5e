/// One optimizer update rule, applied elementwise by a single fused kernel
/// (``Tensor/applyUpdate(_:gradient:slots:)``) instead of a chain of tensor ops.
///
/// A chain such as `p - lr * m / (v.sqrt() + eps)` reads and writes every
/// parameter-sized tensor several times and allocates as many temporaries; the
/// fused kernel makes one pass over parameter, gradient and state, in place.
/// The arithmetic follows PyTorch's order of operations, so results match
/// `torch.optim` to rounding.
public enum ParameterUpdateRule: Sendable, Equatable {
    /// Stochastic gradient descent with optional L2 weight decay, momentum and
    /// Nesterov momentum. State slots: `[momentumBuffer]` when `momentum != 0`, else none.
    ///
    ///     g ← g + weightDecay · p
    ///     b ← momentum · b + g                      (b starts at 0)
    ///     g ← nesterov ? g + momentum · b : b
    ///     p ← p − learningRate · g
    case sgd(learningRate: Float, momentum: Float, nesterov: Bool, weightDecay: Float)

    /// Adam and AdamW. State slots: `[m, v]`, or `[m, v, vMax]` with AMSGrad.
    case adam(AdamUpdate)

    /// RMSprop, plain or centered, with optional momentum. State slots:
    /// `[squareAverage]`, then `gradientAverage` when centered, then `momentumBuffer`
    /// when `momentum > 0`.
    ///
    ///     s ← ρ · s + (1 − ρ) · g²
    ///     a ← a + (1 − ρ)(g − a);  s' ← s − a²        (centered; else s' = s)
    ///     q ← g / (√s' + ε)
    ///     b ← momentum · b + q;  p ← p − learningRate · b   (momentum > 0)
    ///     p ← p − learningRate · q                    (otherwise)
    case rmsprop(learningRate: Float, rho: Float, epsilon: Float, momentum: Float, centered: Bool)

    /// Adagrad. State slot: `[sum]` (starting at the optimizer's initial accumulator value).
    ///
    ///     s ← s + g²
    ///     p ← p − learningRate · g / (√s + ε)
    case adagrad(learningRate: Float, epsilon: Float)

    /// An exponential moving average of another tensor (Keras' optimizer EMA of the
    /// weights): the updated tensor is the average, and the `gradient` argument of
    /// ``Tensor/applyUpdate(_:gradient:slots:)`` is the current value being tracked.
    /// No state slots.
    ///
    ///     p ← momentum · p + (1 − momentum) · g
    case movingAverage(momentum: Float)

    /// Number of state tensors the rule reads and writes.
    public var slotCount: Int {
        switch self {
        case .sgd(_, let momentum, _, _): return momentum != 0 ? 1 : 0
        case .adam(let adam): return adam.amsgrad ? 3 : 2
        case .rmsprop(_, _, _, let momentum, let centered): return 1 + (centered ? 1 : 0) + (momentum > 0 ? 1 : 0)
        case .adagrad: return 1
        case .movingAverage: return 0
        }
    }
}

/// The constants of one Adam/AdamW step, bias corrections already folded in.
///
///     p ← p · decayFactor                                  (AdamW's decoupled decay; 1 for Adam)
///     g ← g + l2 · p_old                                   (Adam's L2 term; 0 for AdamW)
///     m ← m + (1 − β₁)(g − m)
///     v ← β₂ · v + (1 − β₂) · g²
///     vMax ← max(vMax, v)                                  (AMSGrad; used in place of v)
///     p ← p − stepSize · m / (√v / secondCorrectionRoot + ε)
public struct AdamUpdate: Sendable, Equatable {
    /// `lr / (1 − β₁ᵗ)`.
    public var stepSize: Float
    /// β₁, the decay rate of the first-moment average `m`.
    public var beta1: Float
    /// β₂, the decay rate of the second-moment average `v`.
    public var beta2: Float
    /// ε, added to the denominator for numerical stability.
    public var epsilon: Float
    /// `√(1 − β₂ᵗ)`.
    public var secondCorrectionRoot: Float
    /// L2 factor added to the gradient (Adam's `weightDecay`).
    public var l2: Float
    /// Factor the parameter is scaled by before the step (AdamW: `1 − lr · weightDecay`).
    public var decayFactor: Float
    /// Whether to use AMSGrad: divide by the running maximum `vMax` of `v` (a third state slot).
    public var amsgrad: Bool

    /// - Parameters: see the type's formulas; `l2` defaults to 0 and `decayFactor` to 1.
    public init(stepSize: Float, beta1: Float, beta2: Float, epsilon: Float, secondCorrectionRoot: Float,
                l2: Float = 0, decayFactor: Float = 1, amsgrad: Bool = false) {
        self.stepSize = stepSize
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.secondCorrectionRoot = secondCorrectionRoot
        self.l2 = l2
        self.decayFactor = decayFactor
        self.amsgrad = amsgrad
    }
}

extension Tensor {
    /// Applies one optimizer update to this tensor in place, reading `gradient` and
    /// reading and writing the rule's state tensors.
    ///
    /// Not recorded by autograd (optimizers run without gradient recording). Storage
    /// shared with another tensor is copied first, so other holders of the old value
    /// keep it.
    ///
    /// ```swift
    /// var m = Tensor.zeros(w.shape), v = Tensor.zeros(w.shape)
    /// var slots = [m, v]
    /// w.applyUpdate(.adam(AdamUpdate(stepSize: 1e-3 / 0.1, beta1: 0.9, beta2: 0.999,
    ///                                epsilon: 1e-7, secondCorrectionRoot: 0.0316)),
    ///               gradient: g, slots: &slots)
    /// ```
    ///
    /// - Parameters:
    ///   - rule: the update rule and its constants for this step.
    ///   - gradient: float32, same shape as this tensor.
    ///   - slots: ``ParameterUpdateRule/slotCount`` float32 tensors of this tensor's shape.
    public mutating func applyUpdate(_ rule: ParameterUpdateRule, gradient: Tensor, slots: inout [Tensor]) {
        requireDType(.float32, "applyUpdate")
        require(gradient.dtype == .float32 && gradient.shape == shape,
                "applyUpdate: gradient of shape \(Shape.describe(gradient.shape)) \(gradient.dtype) does not match parameter of shape \(Shape.describe(shape)) float32")
        require(gradient.device == device, "applyUpdate: the gradient is on \(gradient.device), the parameter on \(device)")
        require(slots.allSatisfy { $0.device == device }, "applyUpdate: the optimizer state must be on the parameter's device, \(device)")
        require(slots.count == rule.slotCount, "applyUpdate: the rule needs \(rule.slotCount) state tensors, got \(slots.count)")
        for index in slots.indices {
            require(slots[index].dtype == .float32 && slots[index].shape == shape,
                    "applyUpdate: state tensor \(index) of shape \(Shape.describe(slots[index].shape)) does not match parameter of shape \(Shape.describe(shape))")
            slots[index].makeStorageUnique()
        }
        makeStorageUnique()
        backend.applyUpdate(rule, parameter: storage, gradient: gradient.storage,
                            slots: slots.map(\.storage), count: scalarCount)
    }

    /// Copies the storage when another tensor shares it, so it can be written in place.
    mutating func makeStorageUnique() {
        if !isKnownUniquelyReferenced(&storage) {
            storage = backend.copy(storage, byteCount: scalarCount * dtype.byteSize)
        }
    }
}
