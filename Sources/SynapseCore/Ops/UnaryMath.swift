/// Elementwise math on float32 tensors: negation, exp, log, roots, abs, sign,
/// powers and clamping.
extension Tensor {
    /// Runs a unary kernel and records its vector-Jacobian product, written in
    /// differentiable tensor ops (``UnaryOp/vectorJacobianProduct(x:y:gradient:)``),
    /// so the backward pass can itself be differentiated.
    func unary(_ op: UnaryOp, name: String) -> Tensor {
        requireFloatingPoint(name)
        let storage = backend.unary(op, self.storage, dtype: dtype, count: scalarCount)
        let result = Tensor(storage: storage, shape: shape, dtype: dtype)
        // Inference: return before capturing anything for a backward rule.
        guard Tensor.needsRecording(self) else { return result }
        let input = self
        if op.derivativeReadsOutput {
            return Tensor.record(result, op: name, inputs: [self], savingOutput: true) { gradient, output in
                [op.vectorJacobianProduct(x: input, y: output, gradient: gradient)]
            }
        }
        return Tensor.record(result, op: name, input: self) { gradient in
            [op.vectorJacobianProduct(x: input, y: nil, gradient: gradient)]
        }
    }

    /// Elementwise negation.
    public static prefix func - (operand: Tensor) -> Tensor { operand.unary(.negate, name: "negate") }

    /// `eˣ`.
    public func exp() -> Tensor { unary(.exp, name: "exp") }
    /// Natural logarithm.
    public func log() -> Tensor { unary(.log, name: "log") }
    /// `log(1 + x)`, accurate for small x.
    public func log1p() -> Tensor { unary(.log1p, name: "log1p") }
    /// Square root.
    public func sqrt() -> Tensor { unary(.sqrt, name: "sqrt") }
    /// `1 / √x`.
    public func rsqrt() -> Tensor { unary(.rsqrt, name: "rsqrt") }
    /// Absolute value (gradient 0 at 0, as PyTorch).
    public func abs() -> Tensor { unary(.abs, name: "abs") }
    /// `x²`.
    public func square() -> Tensor { unary(.square, name: "square") }
    /// −1, 0 or 1 (gradient 0).
    public func sign() -> Tensor { unary(.sign, name: "sign") }
    /// `1 / x`.
    public func reciprocal() -> Tensor { unary(.reciprocal, name: "reciprocal") }
    /// Sine.
    public func sin() -> Tensor { unary(.sin, name: "sin") }
    /// Cosine.
    public func cos() -> Tensor { unary(.cos, name: "cos") }

    /// `x ^ exponent` for a constant exponent.
    ///
    /// - Parameter exponent: the power every element is raised to.
    /// - Returns: a tensor of this tensor's shape and dtype.
    public func pow(_ exponent: Float) -> Tensor { unary(.power(exponent), name: "pow") }

    /// Limits every element to `[lower, upper]`; the gradient is 1 inside the
    /// interval (bounds included, as TensorFlow's `clip_by_value`; PyTorch's
    /// `clamp` gives 0 at the bounds) and 0 outside.
    ///
    /// - Parameters:
    ///   - lower: the smallest value kept; default `-.infinity` (no lower bound).
    ///   - upper: the largest value kept, at least `lower`; default `.infinity` (no upper bound).
    /// - Returns: a tensor of this tensor's shape and dtype.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        require(lower <= upper, "clamp: lower bound \(lower) is above upper bound \(upper)")
        return unary(.clamp(lower: lower, upper: upper), name: "clamp")
    }

    /// The error function `erf(x) = 2/√π ∫₀ˣ e^(−t²) dt`.
    public func erf() -> Tensor { unary(.erf, name: "erf") }
}
