/// Reductions over any set of axes: sum, mean, max, min, variance, standard
/// deviation, log-sum-exp, and argmax / argmin along one axis.
///
/// `axes` may be negative (counted from the end); `keepDims` keeps the reduced
/// dimensions with size 1 so the result broadcasts against the input.
extension Tensor {
    /// How a set of reduced axes maps onto the backend's `[outer, extent, inner]`
    /// kernels: the input to reduce (permuted when the axes are not adjacent), its
    /// geometry, and the result's shape with and without the kept dimensions.
    struct ReductionPlan {
        var input: Tensor
        var geometry: ReductionGeometry
        var shape: [Int]
        var keptShape: [Int]
    }

    func reductionPlan(axes: [Int], op: String) -> ReductionPlan {
        var resolved: [Int] = []
        for axis in axes.map({ Shape.normalizeAxis($0, rank: rank, op: op) }).sorted() where resolved.last != axis {
            resolved.append(axis)
        }
        var keptShape = shape
        for axis in resolved { keptShape[axis] = 1 }
        let shape = self.shape.enumerated().filter { !resolved.contains($0.offset) }.map(\.element)
        let extent = resolved.reduce(1) { $0 * self.shape[$1] }
        require(extent > 0 || op == "sum" || op == "mean", "\(op): cannot reduce an empty axis of shape \(Shape.describe(self.shape))")
        if resolved.isEmpty {
            return ReductionPlan(input: self, geometry: ReductionGeometry(outer: scalarCount, extent: 1, inner: 1),
                                 shape: shape, keptShape: keptShape)
        }
        if let first = resolved.first, let last = resolved.last, last - first + 1 == resolved.count {
            let outer = self.shape[..<first].reduce(1, *)
            let inner = self.shape[(last + 1)...].reduce(1, *)
            return ReductionPlan(input: self, geometry: ReductionGeometry(outer: outer, extent: extent, inner: inner),
                                 shape: shape, keptShape: keptShape)
        }
        // Not adjacent: move the reduced axes last.
        let kept = (0..<rank).filter { !resolved.contains($0) }
        let reordered = withoutGradient { self.permuted(kept + resolved) }
        return ReductionPlan(input: reordered,
                             geometry: ReductionGeometry(outer: Shape.elementCount(shape), extent: extent, inner: 1),
                             shape: shape, keptShape: keptShape)
    }

    private func reduction(_ op: ReductionOp, axes: [Int], keepDims: Bool, name: String) -> Tensor {
        requireFloatingPoint(name)
        let plan = reductionPlan(axes: axes, op: name)
        let resultShape = keepDims ? plan.keptShape : plan.shape
        if plan.geometry.extent == 0 {
            return zeros(resultShape)   // the sum of nothing
        }
        let storage = backend.reduce(op, plan.input.storage, dtype: dtype, geometry: plan.geometry)
        let result = Tensor(storage: storage, shape: resultShape, dtype: dtype)
        guard Tensor.needsRecording(self) else { return result }
        let (input, keptShape) = (self, plan.keptShape)
        if op == .sum {
            return Tensor.record(result, op: name, input: self) { gradient in
                [gradient.reshaped(to: keptShape).broadcast(to: input.shape)]
            }
        }
        return Tensor.record(result, op: name, inputs: [self], savingOutput: true) { gradient, output in
            // Ties share the gradient equally, as PyTorch's amax/amin.
            let spread = gradient.reshaped(to: keptShape).broadcast(to: input.shape)
            let isExtremum = (input .== output.reshaped(to: keptShape)).to(input.dtype)
            let count = isExtremum.sum(alongAxes: axes, keepDims: true)
            return [spread * isExtremum / count]
        }
    }

    /// Sum of the elements along `axes`.
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func sum(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        reduction(.sum, axes: axes, keepDims: keepDims, name: "sum")
    }

    /// Sum along one axis.
    ///
    /// - Parameters:
    ///   - axis: the axis to reduce; negative counts from the end.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axis (size 1 when `keepDims`), of its dtype.
    public func sum(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        sum(alongAxes: [axis], keepDims: keepDims)
    }

    /// Sum of all elements (a scalar).
    public func sum() -> Tensor { sum(alongAxes: Array(0..<rank)) }

    /// Arithmetic mean along `axes`.
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func mean(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        let plan = reductionPlan(axes: axes, op: "mean")
        return sum(alongAxes: axes, keepDims: keepDims) / Float(plan.geometry.extent)
    }

    /// Mean along one axis.
    ///
    /// - Parameters:
    ///   - axis: the axis to reduce; negative counts from the end.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axis (size 1 when `keepDims`), of its dtype.
    public func mean(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        mean(alongAxes: [axis], keepDims: keepDims)
    }

    /// Mean of all elements (a scalar).
    public func mean() -> Tensor { mean(alongAxes: Array(0..<rank)) }

    /// Maximum along `axes`.
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func max(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        reduction(.max, axes: axes, keepDims: keepDims, name: "max")
    }

    /// Maximum along one axis.
    ///
    /// - Parameters:
    ///   - axis: the axis to reduce; negative counts from the end.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axis (size 1 when `keepDims`), of its dtype.
    public func max(alongAxis axis: Int, keepDims: Bool = false) -> Tensor { max(alongAxes: [axis], keepDims: keepDims) }

    /// Maximum of all elements (a scalar).
    public func max() -> Tensor { max(alongAxes: Array(0..<rank)) }

    /// Minimum along `axes`.
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func min(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        reduction(.min, axes: axes, keepDims: keepDims, name: "min")
    }

    /// Minimum along one axis.
    ///
    /// - Parameters:
    ///   - axis: the axis to reduce; negative counts from the end.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axis (size 1 when `keepDims`), of its dtype.
    public func min(alongAxis axis: Int, keepDims: Bool = false) -> Tensor { min(alongAxes: [axis], keepDims: keepDims) }

    /// Minimum of all elements (a scalar).
    public func min() -> Tensor { min(alongAxes: Array(0..<rank)) }

    /// Variance along `axes`. Population variance by default (divides by N, as
    /// Keras' `ops.var`); `correction: 1` gives the unbiased estimate (PyTorch's default).
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    ///   - correction: subtracted from the element count in the divisor (`N − correction`);
    ///     default 0, 1 for the unbiased estimate.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func variance(alongAxes axes: [Int], keepDims: Bool = false, correction: Int = 0) -> Tensor {
        let count = reductionPlan(axes: axes, op: "variance").geometry.extent
        let centered = self - mean(alongAxes: axes, keepDims: true)
        return centered.square().sum(alongAxes: axes, keepDims: keepDims) / Float(Swift.max(count - correction, 0))
    }

    /// Variance of all elements.
    ///
    /// - Parameter correction: subtracted from the element count in the divisor (`N − correction`);
    ///     default 0, 1 for the unbiased estimate.
    /// - Returns: a scalar of this tensor's dtype.
    public func variance(correction: Int = 0) -> Tensor { variance(alongAxes: Array(0..<rank), correction: correction) }

    /// Standard deviation along `axes` (the square root of ``variance(alongAxes:keepDims:correction:)``).
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    ///   - correction: subtracted from the element count in the divisor (`N − correction`);
    ///     default 0, 1 for the unbiased estimate.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func standardDeviation(alongAxes axes: [Int], keepDims: Bool = false, correction: Int = 0) -> Tensor {
        variance(alongAxes: axes, keepDims: keepDims, correction: correction).sqrt()
    }

    /// Standard deviation of all elements.
    ///
    /// - Parameter correction: subtracted from the element count in the divisor (`N − correction`);
    ///     default 0, 1 for the unbiased estimate.
    /// - Returns: a scalar of this tensor's dtype.
    public func standardDeviation(correction: Int = 0) -> Tensor {
        standardDeviation(alongAxes: Array(0..<rank), correction: correction)
    }

    /// `log Σ exp(x)` along `axes`, stable for large inputs (the maximum is factored out).
    ///
    /// - Parameters:
    ///   - axes: the axes to reduce; negative counts from the end, repeats are ignored.
    ///   - keepDims: keep the reduced axes with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axes (size 1 when `keepDims`), of its dtype.
    public func logSumExp(alongAxes axes: [Int], keepDims: Bool = false) -> Tensor {
        let shift = withoutGradient { max(alongAxes: axes, keepDims: true) }
        // Rows that are all -inf would give inf - inf; shift them by 0 instead.
        let safeShift = withoutGradient { Tensor.where(shift.isFinite(), shift, Tensor.zeros(like: shift)) }
        let summed = (self - safeShift).exp().sum(alongAxes: axes, keepDims: true).log() + safeShift
        return keepDims ? summed : summed.reshaped(to: reductionPlan(axes: axes, op: "logSumExp").shape)
    }

    /// `log Σ exp(x)` along one axis.
    ///
    /// - Parameters:
    ///   - axis: the axis to reduce; negative counts from the end.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: this tensor's shape without the reduced axis (size 1 when `keepDims`), of its dtype.
    public func logSumExp(alongAxis axis: Int, keepDims: Bool = false) -> Tensor {
        logSumExp(alongAxes: [axis], keepDims: keepDims)
    }

    /// Index of the largest element along `axis` (the first on ties); int32, no gradient.
    ///
    /// - Parameters:
    ///   - axis: the axis to search; negative counts from the end. Default -1.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: int32 indices in `0..<shape[axis]`, of this tensor's shape without `axis`
    ///   (size 1 when `keepDims`).
    public func argmax(alongAxis axis: Int = -1, keepDims: Bool = false) -> Tensor {
        argReduction(.argmax, axis: axis, keepDims: keepDims, name: "argmax")
    }

    /// Index of the smallest element along `axis` (the first on ties); int32, no gradient.
    ///
    /// - Parameters:
    ///   - axis: the axis to search; negative counts from the end. Default -1.
    ///   - keepDims: keep the reduced axis with size 1, so the result broadcasts
    ///     against this tensor; default `false`.
    /// - Returns: int32 indices in `0..<shape[axis]`, of this tensor's shape without `axis`
    ///   (size 1 when `keepDims`).
    public func argmin(alongAxis axis: Int = -1, keepDims: Bool = false) -> Tensor {
        argReduction(.argmin, axis: axis, keepDims: keepDims, name: "argmin")
    }

    private func argReduction(_ op: ArgReductionOp, axis: Int, keepDims: Bool, name: String) -> Tensor {
        requireFloatingPoint(name)
        let plan = reductionPlan(axes: [axis], op: name)
        let storage = backend.argReduce(op, plan.input.storage, dtype: dtype, geometry: plan.geometry)
        return Tensor(storage: storage, shape: keepDims ? plan.keptShape : plan.shape, dtype: .int32)
    }
}
