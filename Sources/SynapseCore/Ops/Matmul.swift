/// Matrix products, 2-D and batched, through the backend's GEMM.
///
/// Transposed operands are passed to the GEMM as transpose flags rather than
/// copied, in the forward pass and in both backward products.
extension Tensor {
    /// The matrix product `op(self) · op(other)`, where `op` transposes the last two
    /// dimensions when the matching flag is set.
    ///
    /// - Shapes: `[..., m, k] · [..., k, n] → [..., m, n]`; batch dimensions
    ///   broadcast. A rank-1 operand is treated as a row (left) or column (right)
    ///   vector and its dimension is dropped from the result, as in NumPy.
    ///
    /// ```swift
    /// let y = x.matmul(w)                         // [batch, in] · [in, out]
    /// let g = x.matmul(x, transposeA: true)       // xᵀx without copying xᵀ
    /// ```
    ///
    /// - Parameters:
    ///   - other: the right operand, of this tensor's floating-point dtype and device.
    ///   - transposeA: transpose the last two dimensions of `self`; default `false`.
    ///   - transposeB: transpose the last two dimensions of `other`; default `false`.
    /// - Returns: `[..., m, n]` with the broadcast batch dimensions (a scalar for two vectors).
    public func matmul(_ other: Tensor, transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
        requireFloatingPoint("matmul")
        Tensor.requireSameDTypeAndDevice("matmul", self, other)
        require(rank >= 1 && other.rank >= 1, "matmul: cannot multiply \(Shape.describe(shape)) by \(Shape.describe(other.shape))")
        if rank == 1 && other.rank == 1 {
            // Vector · vector is the dot product, a scalar.
            return unsqueezed(axis: 0).matmul(other.unsqueezed(axis: 1)).reshaped(to: [])
        }
        if rank == 1 {
            return unsqueezed(axis: 0).matmul(other, transposeA: false, transposeB: transposeB).squeezed(axis: -2)
        }
        if other.rank == 1 {
            return matmul(other.unsqueezed(axis: 1), transposeA: transposeA, transposeB: false).squeezed(axis: -1)
        }
        let (m, kLeft) = transposeA ? (shape[rank - 1], shape[rank - 2]) : (shape[rank - 2], shape[rank - 1])
        let (kRight, n) = transposeB ? (other.shape[other.rank - 1], other.shape[other.rank - 2])
                                     : (other.shape[other.rank - 2], other.shape[other.rank - 1])
        guard kLeft == kRight else {
            fatalError("matmul: cannot multiply \(Shape.describe(shape))\(transposeA ? "ᵀ" : "") by \(Shape.describe(other.shape))\(transposeB ? "ᵀ" : "")")
        }
        let leftBatch = Array(shape.dropLast(2))
        let rightBatch = Array(other.shape.dropLast(2))
        // [..., m, k] · [k, n]: one GEMM over all rows.
        if other.rank == 2 && rank > 2 && !transposeA {
            return reshaped(to: [-1, kLeft]).matmul(other, transposeB: transposeB).reshaped(to: leftBatch + [m, n])
        }
        guard let batchShape = Shape.broadcast(leftBatch, rightBatch) else {
            fatalError("matmul: batch dimensions of \(Shape.describe(shape)) and \(Shape.describe(other.shape)) cannot be broadcast together")
        }
        let batch = Shape.elementCount(batchShape)
        let left = leftBatch == batchShape || Shape.elementCount(leftBatch) == 1 ? self
            : broadcast(to: batchShape + Array(shape.suffix(2)))
        let right = rightBatch == batchShape || Shape.elementCount(rightBatch) == 1 ? other
            : other.broadcast(to: batchShape + Array(other.shape.suffix(2)))
        let strideA = Shape.elementCount(leftBatch) == 1 ? 0 : m * kLeft
        let strideB = Shape.elementCount(rightBatch) == 1 ? 0 : kLeft * n
        let storage = backend.matmul(left.storage, right.storage, bias: nil, dtype: dtype, batch: batch, m: m, n: n, k: kLeft,
                                     transposeA: transposeA, transposeB: transposeB,
                                     batchStrideA: strideA, batchStrideB: strideB)
        let result = Tensor(storage: storage, shape: batchShape + [m, n], dtype: dtype)
        guard Tensor.needsRecording(left, right) else { return result }
        let (a, b) = (left, right)
        let (needsA, needsB) = (left.node != nil, right.node != nil)
        return Tensor.record(result, op: "matmul", inputs: left, right) { g in
            // y = op(A)·op(B): each gradient is one more GEMM with flags, never a transpose copy.
            var gradientA: Tensor?
            var gradientB: Tensor?
            if needsA {
                gradientA = transposeA ? b.matmul(g, transposeA: transposeB, transposeB: true)
                                       : g.matmul(b, transposeB: !transposeB)
                gradientA = gradientA?.sumToShape(a.shape)
            }
            if needsB {
                gradientB = transposeB ? g.matmul(a, transposeA: true, transposeB: transposeA)
                                       : a.matmul(g, transposeA: !transposeA)
                gradientB = gradientB?.sumToShape(b.shape)
            }
            return [gradientA, gradientB]
        }
    }

    /// The affine map `self · weight + bias` as one fused kernel (PyTorch's `addmm`):
    /// the product accumulates onto the bias, so there is no separate pass and no
    /// temporary for the addition. This is what `Dense` layers (in `SynapseNN`) compute.
    ///
    /// - Shapes: `[..., k] · [k, n] + [n] → [..., n]`.
    ///
    /// ```swift
    /// let y = x.matmul(kernel, bias: bias)    // [batch, 784] · [784, 512] + [512]
    /// ```
    ///
    /// - Parameters:
    ///   - weight: `[k, n]`, where `k` is this tensor's last dimension.
    ///   - bias: `[n]`, added to every row.
    /// - Returns: `[..., n]`, this tensor's shape with the last dimension replaced by `n`.
    public func matmul(_ weight: Tensor, bias: Tensor) -> Tensor {
        requireFloatingPoint("matmul")
        Tensor.requireSameDTypeAndDevice("matmul", self, weight, bias)
        require(rank >= 1 && weight.rank == 2 && bias.rank == 1,
                "matmul(_:bias:): expected input [..., k], weight [k, n] and bias [n], got \(Shape.describe(shape)), \(Shape.describe(weight.shape)) and \(Shape.describe(bias.shape))")
        let (k, n) = (weight.shape[0], weight.shape[1])
        guard shape[rank - 1] == k, bias.shape[0] == n else {
            fatalError("matmul(_:bias:): cannot compute \(Shape.describe(shape)) · \(Shape.describe(weight.shape)) + \(Shape.describe(bias.shape))")
        }
        if rank != 2 {
            let rows = reshaped(to: [-1, k]).matmul(weight, bias: bias)
            return rows.reshaped(to: Array(shape.dropLast()) + [n])
        }
        let m = shape[0]
        let storage = backend.matmul(self.storage, weight.storage, bias: bias.storage, dtype: dtype, batch: 1, m: m, n: n, k: k,
                                     transposeA: false, transposeB: false, batchStrideA: 0, batchStrideB: 0)
        let result = Tensor(storage: storage, shape: [m, n], dtype: dtype)
        guard Tensor.needsRecording(self, weight, bias) else { return result }
        let (x, w) = (self, weight)
        let (needsX, needsW, needsBias) = (node != nil, weight.node != nil, bias.node != nil)
        return Tensor.record(result, op: "matmul_bias", inputs: [self, weight, bias]) { g in
            [needsX ? g.matmul(w, transposeB: true) : nil,
             needsW ? x.matmul(g, transposeA: true) : nil,
             needsBias ? g.sum(alongAxis: 0) : nil]
        }
    }
}
