/// A penalty on a parameter's value added to the training loss, as Keras'
/// `kernel_regularizer` / `bias_regularizer`.
public protocol Regularizer: Sendable {
    /// The penalty for `value` (a scalar tensor, differentiable).
    func callAsFunction(_ value: Tensor) -> Tensor
}

/// `l1 · Σ|w|` (Keras default factor 0.01).
public struct L1: Regularizer {
    public var l1: Float
    public init(_ l1: Float = 0.01) {
        require(l1 >= 0, "L1: factor must be non-negative, got \(l1)")
        self.l1 = l1
    }
    public func callAsFunction(_ value: Tensor) -> Tensor { l1 * value.abs().sum() }
}

/// `l2 · Σw²` (Keras default factor 0.01; note: no ½, as in Keras).
public struct L2: Regularizer {
    public var l2: Float
    public init(_ l2: Float = 0.01) {
        require(l2 >= 0, "L2: factor must be non-negative, got \(l2)")
        self.l2 = l2
    }
    public func callAsFunction(_ value: Tensor) -> Tensor { l2 * value.square().sum() }
}

/// `l1 · Σ|w| + l2 · Σw²`.
public struct L1L2: Regularizer {
    public var l1: Float
    public var l2: Float
    public init(l1: Float = 0, l2: Float = 0) {
        require(l1 >= 0 && l2 >= 0, "L1L2: factors must be non-negative, got l1 \(l1), l2 \(l2)")
        self.l1 = l1
        self.l2 = l2
    }
    public func callAsFunction(_ value: Tensor) -> Tensor {
        l1 * value.abs().sum() + l2 * value.square().sum()
    }
}
