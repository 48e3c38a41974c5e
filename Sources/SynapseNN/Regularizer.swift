/// A penalty on a parameter's value added to the training loss, as Keras'
/// `kernel_regularizer` / `bias_regularizer`.
public protocol Regularizer: Sendable {
    /// The penalty for `value` (a scalar tensor, differentiable).
    ///
    /// - Parameter value: the parameter's value, any shape.
    /// - Returns: the penalty, a scalar.
    func callAsFunction(_ value: Tensor) -> Tensor
}

/// `l1 · Σ|w|` (Keras default factor 0.01).
public struct L1: Regularizer {
    /// The factor of `Σ|w|`.
    public var l1: Float
    /// Creates an L1 penalty.
    ///
    /// Stops with a message when `l1` is negative.
    ///
    /// - Parameter l1: the factor, non-negative; default `0.01`.
    public init(_ l1: Float = 0.01) {
        require(l1 >= 0, "L1: factor must be non-negative, got \(l1)")
        self.l1 = l1
    }
    /// The penalty `l1 · Σ|w|`.
    ///
    /// - Parameter value: the parameter's value, any shape.
    /// - Returns: the penalty, a scalar.
    public func callAsFunction(_ value: Tensor) -> Tensor { l1 * value.abs().sum() }
}

/// `l2 · Σw²` (Keras default factor 0.01; note: no ½, as in Keras).
public struct L2: Regularizer {
    /// The factor of `Σw²`.
    public var l2: Float
    /// Creates an L2 penalty.
    ///
    /// Stops with a message when `l2` is negative.
    ///
    /// - Parameter l2: the factor, non-negative; default `0.01`.
    public init(_ l2: Float = 0.01) {
        require(l2 >= 0, "L2: factor must be non-negative, got \(l2)")
        self.l2 = l2
    }
    /// The penalty `l2 · Σw²`.
    ///
    /// - Parameter value: the parameter's value, any shape.
    /// - Returns: the penalty, a scalar.
    public func callAsFunction(_ value: Tensor) -> Tensor { l2 * value.square().sum() }
}

/// `l1 · Σ|w| + l2 · Σw²`.
public struct L1L2: Regularizer {
    /// The factor of `Σ|w|`.
    public var l1: Float
    /// The factor of `Σw²`.
    public var l2: Float
    /// Creates a combined L1 and L2 penalty.
    ///
    /// Stops with a message when either factor is negative.
    ///
    /// - Parameters:
    ///   - l1: the factor of `Σ|w|`, non-negative; default `0`.
    ///   - l2: the factor of `Σw²`, non-negative; default `0`.
    public init(l1: Float = 0, l2: Float = 0) {
        require(l1 >= 0 && l2 >= 0, "L1L2: factors must be non-negative, got l1 \(l1), l2 \(l2)")
        self.l1 = l1
        self.l2 = l2
    }
    /// The penalty `l1 · Σ|w| + l2 · Σw²`.
    ///
    /// - Parameter value: the parameter's value, any shape.
    /// - Returns: the penalty, a scalar.
    public func callAsFunction(_ value: Tensor) -> Tensor {
        l1 * value.abs().sum() + l2 * value.square().sum()
    }
}
