/// Joining and splitting: concatenate, stack, split.
extension Tensor {
    /// Joins tensors along an existing axis. All other dimensions must match.
    ///
    /// ```swift
    /// Tensor.concatenate([a, b], axis: 1)   // [2, 3] and [2, 4] → [2, 7]
    /// ```
    ///
    /// - Parameters:
    ///   - tensors: at least one tensor, all of one dtype, rank and device, with equal
    ///     dimensions except along `axis`.
    ///   - axis: the axis to join along; negative counts from the end. Default 0.
    /// - Returns: a tensor whose `axis` dimension is the sum of the inputs'.
    public static func concatenate(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "concatenate: needs at least one tensor")
        let first = tensors[0]
        let axis = Shape.normalizeAxis(axis, rank: first.rank, op: "concatenate")
        for tensor in tensors {
            var expected = first.shape, actual = tensor.shape
            if actual.count == expected.count { expected[axis] = 0; actual[axis] = 0 }
            require(expected == actual && tensor.dtype == first.dtype,
                    "concatenate: cannot join \(Shape.describe(first.shape)) \(first.dtype) and \(Shape.describe(tensor.shape)) \(tensor.dtype) along axis \(axis)")
            require(tensor.device == first.device,
                    "concatenate: tensors are on different devices (\(first.device) and \(tensor.device)); move them with .to(.\(first.device))")
        }
        var resultShape = first.shape
        resultShape[axis] = tensors.reduce(0) { $0 + $1.shape[axis] }
        let result = Tensor(uninitializedShape: resultShape, dtype: first.dtype, device: first.device)
        let strides = Shape.contiguousStrides(resultShape)
        var position = 0
        var starts: [Int] = []
        for tensor in tensors {
            starts.append(position)
            result.backend.stridedWrite(tensor.storage, into: result.storage, dtype: first.dtype,
                                        offset: position * strides[axis], strides: strides,
                                        shape: tensor.shape, accumulate: false)
            position += tensor.shape[axis]
        }
        let sizes = tensors.map { $0.shape[axis] }
        return record(result, op: "concatenate", inputs: tensors) { gradient in
            zip(starts, sizes).map { start, size in gradient.narrowed(axis: axis, start: start, length: size) }
        }
    }

    /// Joins tensors of equal shape along a new axis.
    ///
    /// - Parameters:
    ///   - tensors: at least one tensor, all of the same shape, dtype and device.
    ///   - axis: where the new axis goes in the result; negative counts from the end.
    ///     Default 0.
    /// - Returns: a tensor of rank one higher, with `tensors.count` at `axis`.
    public static func stack(_ tensors: [Tensor], axis: Int = 0) -> Tensor {
        require(!tensors.isEmpty, "stack: needs at least one tensor")
        require(tensors.allSatisfy { $0.shape == tensors[0].shape },
                "stack: shapes differ: \(tensors.map { Shape.describe($0.shape) }.joined(separator: ", "))")
        return concatenate(tensors.map { $0.unsqueezed(axis: axis) }, axis: axis)
    }

    /// Splits along `axis` into pieces of the given sizes (which must add up to the
    /// axis' size).
    ///
    /// - Parameters:
    ///   - sizes: the non-negative length of each piece along `axis`.
    ///   - axis: the axis to split; negative counts from the end. Default 0.
    /// - Returns: one tensor per size, in order.
    public func split(sizes: [Int], axis: Int = 0) -> [Tensor] {
        let axis = Shape.normalizeAxis(axis, rank: rank, op: "split")
        require(sizes.reduce(0, +) == shape[axis] && sizes.allSatisfy { $0 >= 0 },
                "split: sizes \(sizes) do not add up to \(shape[axis]), the size of axis \(axis) in \(Shape.describe(shape))")
        var start = 0
        return sizes.map { size in
            defer { start += size }
            return narrowed(axis: axis, start: start, length: size)
        }
    }

    /// Splits along `axis` into `count` equal pieces.
    ///
    /// - Parameters:
    ///   - count: the number of pieces; must divide the axis' size.
    ///   - axis: the axis to split; negative counts from the end. Default 0.
    /// - Returns: `count` tensors, each `shape[axis] / count` long along `axis`.
    public func split(count: Int, axis: Int = 0) -> [Tensor] {
        let resolved = Shape.normalizeAxis(axis, rank: rank, op: "split")
        require(count > 0 && shape[resolved] % count == 0,
                "split: axis \(resolved) of \(Shape.describe(shape)) does not divide into \(count) equal pieces")
        return split(sizes: Array(repeating: shape[resolved] / count, count: count), axis: resolved)
    }

    /// The positions `start..<start + length` along `axis`.
    ///
    /// - Parameters:
    ///   - axis: the axis to cut; negative counts from the end.
    ///   - start: the first position kept.
    ///   - length: how many positions to keep.
    /// - Returns: a copy with `length` positions along `axis`; differentiable.
    public func narrowed(axis: Int, start: Int, length: Int) -> Tensor {
        let axis = Shape.normalizeAxis(axis, rank: rank, op: "narrow")
        var indices = [TensorIndex](repeating: .wholeAxis, count: rank)
        indices[axis] = .range(start: start, end: start + length, step: 1)
        return slice(indices)
    }
}
