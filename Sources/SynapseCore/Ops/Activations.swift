/// Activation functions, elementwise, and softmax / log-softmax along an axis.
///
/// Each elementwise activation is one fused kernel with a hand-written gradient
/// kernel; softmax and log-softmax are row kernels, numerically stable (the row
/// maximum is subtracted before exponentiating).
extension Tensor {
    /// `max(x, 0)`.
    public func relu() -> Tensor { unary(.relu, name: "relu") }

    /// `x` for positive inputs, `alpha · x` otherwise. Keras' default slope is 0.3
    /// (PyTorch's 0.01).
    ///
    /// - Parameter alpha: the slope for negative inputs; default 0.3.
    /// - Returns: a tensor of this tensor's shape and dtype.
    public func leakyRelu(alpha: Float = 0.3) -> Tensor { unary(.leakyRelu(alpha: alpha), name: "leakyRelu") }

    /// `x` for positive inputs, `alpha · (eˣ − 1)` otherwise.
    ///
    /// - Parameter alpha: the scale of the negative part; default 1.
    /// - Returns: a tensor of this tensor's shape and dtype.
    public func elu(alpha: Float = 1) -> Tensor { unary(.elu(alpha: alpha), name: "elu") }

    /// Scaled ELU with the self-normalising constants of Klambauer et al.
    public func selu() -> Tensor { unary(.selu, name: "selu") }

    /// Gaussian error linear unit, `x · Φ(x)`; `approximate` uses the tanh form.
    ///
    /// - Parameter approximate: use `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`
    ///   instead of the exact erf form; default `false`.
    /// - Returns: a tensor of this tensor's shape and dtype.
    public func gelu(approximate: Bool = false) -> Tensor { unary(.gelu(approximate: approximate), name: "gelu") }

    /// Logistic sigmoid `1 / (1 + e⁻ˣ)`.
    public func sigmoid() -> Tensor { unary(.sigmoid, name: "sigmoid") }

    /// Hyperbolic tangent.
    public func tanh() -> Tensor { unary(.tanh, name: "tanh") }

    /// `log(1 + eˣ)`, computed stably.
    public func softplus() -> Tensor { unary(.softplus, name: "softplus") }

    /// `x / (1 + |x|)`.
    public func softsign() -> Tensor { unary(.softsign, name: "softsign") }

    /// `x · sigmoid(x)` (also called SiLU).
    public func swish() -> Tensor { unary(.swish, name: "swish") }

    /// Softmax along `axis` (default: the last): non-negative values summing to 1.
    ///
    /// - Parameter axis: the axis to normalise over; negative counts from the end.
    ///   Default -1.
    /// - Returns: a floating-point tensor of this tensor's shape.
    public func softmax(axis: Int = -1) -> Tensor { rowSoftmax(axis: axis, logarithmic: false) }

    /// Log-softmax along `axis` (default: the last): `x − logsumexp(x)`, stable for
    /// large inputs.
    ///
    /// - Parameter axis: the axis to normalise over; negative counts from the end.
    ///   Default -1.
    /// - Returns: a floating-point tensor of this tensor's shape.
    public func logSoftmax(axis: Int = -1) -> Tensor { rowSoftmax(axis: axis, logarithmic: true) }

    private func rowSoftmax(axis: Int, logarithmic: Bool) -> Tensor {
        let name = logarithmic ? "logSoftmax" : "softmax"
        requireFloatingPoint(name)
        require(rank >= 1, "\(name): needs a tensor of rank ≥ 1, got a scalar")
        let axis = Shape.normalizeAxis(axis, rank: rank, op: name)
        if axis != rank - 1 {
            // Move the axis last, apply, move it back (the permutations are differentiable).
            return transposed(axis, rank - 1).rowSoftmax(axis: -1, logarithmic: logarithmic).transposed(axis, rank - 1)
        }
        let columns = shape[rank - 1]
        let rows = columns == 0 ? 0 : scalarCount / columns
        let storage = backend.softmax(self.storage, dtype: dtype, rows: rows, columns: columns, logarithmic: logarithmic)
        let result = Tensor(storage: storage, shape: shape, dtype: dtype)
        guard Tensor.needsRecording(self) else { return result }
        return Tensor.record(result, op: name, inputs: [self], savingOutput: true) { g, y in
            // softmax: dx = y · (g − Σ g·y); log-softmax: dx = g − softmax(x) · Σ g. One
            // fused pass, except in a recorded backward, where the same formula is
            // written with differentiable ops.
            if !GradientMode.recording {
                let storage = g.backend.softmaxBackward(y.storage, gradient: g.storage, dtype: y.dtype, rows: rows,
                                                        columns: columns, logarithmic: logarithmic)
                return [Tensor(storage: storage, shape: y.shape, dtype: y.dtype)]
            }
            if logarithmic {
                return [g - y.exp() * g.sum(alongAxis: -1, keepDims: true)]
            }
            return [y * (g - (g * y).sum(alongAxis: -1, keepDims: true))]
        }
    }
}
