/// Reshaping and reordering dimensions: reshape, squeeze, unsqueeze, flatten,
/// transpose, permute and broadcast.
extension Tensor {
    /// The same elements with a new shape; one dimension may be `-1` (inferred).
    /// Shares storage with `self` (no copy).
    ///
    /// - Parameter newShape: the new dimensions, with the same element count; at most
    ///   one may be `-1`, and no other may be negative.
    /// - Returns: a tensor of `newShape` (the `-1` resolved), or `self` when the shape is unchanged.
    public func reshaped(to newShape: [Int]) -> Tensor {
        var resolved = newShape
        let inferred = newShape.indices.filter { newShape[$0] == -1 }
        require(inferred.count <= 1 && newShape.allSatisfy({ $0 >= -1 }),
                "reshape: invalid target shape \(Shape.describe(newShape)) (at most one -1, no other negatives)")
        if let axis = inferred.first {
            let known = newShape.enumerated().filter { $0.offset != axis }.reduce(1) { $0 * $1.element }
            require(known > 0 && scalarCount % known == 0,
                    "reshape: cannot reshape \(Shape.describe(shape)) to \(Shape.describe(newShape))")
            resolved[axis] = scalarCount / known
        }
        require(Shape.elementCount(resolved) == scalarCount,
                "reshape: cannot reshape \(Shape.describe(shape)) (\(scalarCount) elements) to \(Shape.describe(newShape))")
        if resolved == shape { return self }
        let result = Tensor(storage: storage, shape: resolved, dtype: dtype)
        let inputShape = shape
        return Tensor.record(result, op: "reshape", input: self) { gradient in
            [gradient.reshaped(to: inputShape)]
        }
    }

    /// Reshape with the dimensions as variadic arguments: `x.reshaped(2, -1)`.
    ///
    /// - Parameter dimensions: the new dimensions, as for ``reshaped(to:)``.
    /// - Returns: a tensor of the new shape, sharing storage with `self`.
    public func reshaped(_ dimensions: Int...) -> Tensor { reshaped(to: dimensions) }

    /// Removes size-1 dimensions: all of them, or only `axis`.
    ///
    /// - Parameter axis: the dimension to remove, which must have size 1 (negative
    ///   counts from the end); `nil` (the default) removes every size-1 dimension.
    /// - Returns: the same elements with the dimension(s) removed.
    public func squeezed(axis: Int? = nil) -> Tensor {
        if let axis {
            let axis = Shape.normalizeAxis(axis, rank: rank, op: "squeeze")
            require(shape[axis] == 1, "squeeze: dimension \(axis) of \(Shape.describe(shape)) has size \(shape[axis]), not 1")
            var newShape = shape
            newShape.remove(at: axis)
            return reshaped(to: newShape)
        }
        return reshaped(to: shape.filter { $0 != 1 })
    }

    /// Inserts a size-1 dimension at `axis` (which may equal the rank, or be negative).
    ///
    /// - Parameter axis: the new dimension's position in the result, in `-(rank + 1)...rank`
    ///   (`-1` appends).
    /// - Returns: the same elements with rank one higher.
    public func unsqueezed(axis: Int) -> Tensor {
        let position = axis < 0 ? axis + rank + 1 : axis
        require(position >= 0 && position <= rank, "unsqueeze: axis \(axis) is out of range for rank \(rank)")
        var newShape = shape
        newShape.insert(1, at: position)
        return reshaped(to: newShape)
    }

    /// Flattens dimensions `startAxis...` into one (Keras' `Flatten` keeps axis 0).
    ///
    /// - Parameter startAxis: the first dimension to merge (negative counts from the
    ///   end); default 0, which flattens everything.
    /// - Returns: `shape[..<startAxis] + [product of the rest]` (`[1]` for a scalar).
    public func flattened(startAxis: Int = 0) -> Tensor {
        let start = Shape.normalizeAxis(startAxis, rank: Swift.max(rank, 1), op: "flatten")
        if rank == 0 { return reshaped(to: [1]) }
        return reshaped(to: Array(shape[..<start]) + [shape[start...].reduce(1, *)])
    }

    /// Reorders dimensions: result dimension `i` is input dimension `permutation[i]`.
    ///
    /// - Parameter permutation: each of `0..<rank` exactly once.
    /// - Returns: a copy whose dimension `i` is `shape[permutation[i]]`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        require(permutation.count == rank && Set(permutation) == Set(0..<rank),
                "permute: \(permutation) is not a permutation of the \(rank) axes of \(Shape.describe(shape))")
        if permutation == Array(0..<rank) { return self }
        let strides = Shape.contiguousStrides(shape)
        let newShape = permutation.map { shape[$0] }
        let storage = backend.stridedRead(self.storage, dtype: dtype, offset: 0,
                                          strides: permutation.map { strides[$0] }, shape: newShape)
        let result = Tensor(storage: storage, shape: newShape, dtype: dtype)
        // A constant for the backward closure (a captured `var` costs an exclusivity check).
        let inverse = permutation.enumerated().sorted { $0.element < $1.element }.map(\.offset)
        return Tensor.record(result, op: "permute", input: self) { gradient in
            [gradient.permuted(inverse)]
        }
    }

    /// Reorders dimensions: `x.permuted(0, 2, 1)`.
    ///
    /// - Parameter permutation: each of `0..<rank` exactly once, as for the array form.
    /// - Returns: a copy whose dimension `i` is `shape[permutation[i]]`.
    public func permuted(_ permutation: Int...) -> Tensor { permuted(permutation) }

    /// Swaps two dimensions (by default the last two: the matrix transpose).
    ///
    /// - Parameters:
    ///   - first: one dimension to swap (negative counts from the end); default -2.
    ///   - second: the other dimension; default -1.
    /// - Returns: a copy with the two dimensions swapped; a rank-1 tensor with the
    ///   defaults is returned unchanged.
    public func transposed(_ first: Int = -2, _ second: Int = -1) -> Tensor {
        require(rank >= 2 || (rank == 1 && first == -2 && second == -1), "transpose: needs rank ≥ 2, got \(Shape.describe(shape))")
        if rank < 2 { return self }
        let a = Shape.normalizeAxis(first, rank: rank, op: "transpose")
        let b = Shape.normalizeAxis(second, rank: rank, op: "transpose")
        var permutation = Array(0..<rank)
        permutation.swapAt(a, b)
        return permuted(permutation)
    }

    /// The matrix transpose of a rank-2 tensor.
    public var T: Tensor { transposed() }

    /// Repeats size-1 dimensions (and prepends dimensions) to reach `target`, as NumPy
    /// broadcasting would. The gradient is summed back.
    ///
    /// - Parameter target: a shape this tensor's shape broadcasts to.
    /// - Returns: a copy of shape `target`.
    public func broadcast(to target: [Int]) -> Tensor {
        guard let shapeAfter = Shape.broadcast(shape, target), shapeAfter == target else {
            fatalError("broadcast: cannot broadcast \(Shape.describe(shape)) to \(Shape.describe(target))")
        }
        if shape == target { return self }
        let strides = Shape.broadcastStrides(shape, to: target)
        let storage = backend.stridedRead(self.storage, dtype: dtype, offset: 0, strides: strides, shape: target)
        let result = Tensor(storage: storage, shape: target, dtype: dtype)
        let inputShape = shape
        return Tensor.record(result, op: "broadcast", input: self) { gradient in
            [gradient.sumToShape(inputShape)]
        }
    }
}
