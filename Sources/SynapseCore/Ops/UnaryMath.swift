/// Elementwise math on float32 tensors: negation, exp, log, roots, abs, sign,
/// powers and clamping.
extension Tensor {
    /// Runs a unary kernel and records its gradient kernel, which sees the input,
    /// the output and the upstream gradient.
    func unary(_ op: UnaryOp, name: String) -> Tensor {
        requireDType(.float32, name)
        let storage = backend.unary(op, self.storage, count: scalarCount)
        let result = Tensor(storage: storage, shape: shape, dtype: .float32)
        // Inference: return before capturing anything for a backward rule.
        guard node != nil, GradientMode.recording else { return result }
        let (input, output) = (detached(), result.detached())
        return Tensor.record(result, op: name, input: self) { gradient in
            let storage = input.backend.unaryGradient(op, input: input.storage, output: output.storage,
                                                      upstream: gradient.contiguousStorage, count: input.scalarCount)
            return [Tensor(storage: storage, shape: input.shape, dtype: .float32)]
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
    public func pow(_ exponent: Float) -> Tensor { unary(.power(exponent), name: "pow") }

    /// Limits every element to `[lower, upper]`; the gradient is 1 inside the
    /// interval (bounds included, as TensorFlow's `clip_by_value`; PyTorch's
    /// `clamp` gives 0 at the bounds) and 0 outside.
    public func clamped(min lower: Float = -.infinity, max upper: Float = .infinity) -> Tensor {
        require(lower <= upper, "clamp: lower bound \(lower) is above upper bound \(upper)")
        return unary(.clamp(lower: lower, upper: upper), name: "clamp")
    }

    /// Contiguous storage of exactly this tensor's elements.
    var contiguousStorage: TensorStorage { storage }
}
