/// Indexing: slicing with ranges and strides, integer indexing, gather by an index
/// tensor, and one-hot encoding.

/// One entry of a subscript: an integer (drops the axis), a range (keeps it), a
/// strided range, the whole axis, a new axis, or an ellipsis.
///
/// ```swift
/// x[0]                 // first row, rank drops by one
/// x[1..<3, .all]       // rows 1 and 2
/// x[.ellipsis, 0]      // first element of the last axis
/// x[.stride(0, 10, by: 2)]
/// ```
public enum TensorIndex: Sendable, Hashable {
    /// One position; negative counts from the end. The axis is removed.
    case index(Int)
    /// Positions `start, start + step, …` below `end` (`nil` bounds mean the axis ends).
    case range(start: Int?, end: Int?, step: Int)
    /// The whole axis (written `.all` in a subscript).
    case wholeAxis
    /// A new axis of size 1 (written `.newAxis`).
    case insertedAxis
    /// As many whole axes as needed to cover the rest (written `.ellipsis`).
    case remainingAxes
}

/// Types usable inside a tensor subscript: `Int`, the range types and ``TensorIndex``.
public protocol TensorIndexExpression {
    /// The index this expression stands for.
    var tensorIndex: TensorIndex { get }
}

extension TensorIndex: TensorIndexExpression {
    /// The index itself.
    public var tensorIndex: TensorIndex { self }
}
/// An integer in a tensor subscript picks one position and removes the axis;
/// negative counts from the end.
extension Int: TensorIndexExpression {
    /// `.index(self)`.
    public var tensorIndex: TensorIndex { .index(self) }
}
/// A half-open range `a..<b` in a tensor subscript keeps positions `a` up to `b − 1`
/// of the axis; negative bounds count from the end.
extension Range<Int>: TensorIndexExpression {
    /// The range as a step-1 ``TensorIndex/range(start:end:step:)``.
    public var tensorIndex: TensorIndex { .range(start: lowerBound, end: upperBound, step: 1) }
}
/// A closed range `a...b` in a tensor subscript keeps positions `a` through `b`
/// of the axis.
extension ClosedRange<Int>: TensorIndexExpression {
    /// The range as a step-1 ``TensorIndex/range(start:end:step:)``.
    public var tensorIndex: TensorIndex { .range(start: lowerBound, end: upperBound + 1, step: 1) }
}
/// A range `a...` in a tensor subscript keeps the axis from position `a` to its end.
extension PartialRangeFrom<Int>: TensorIndexExpression {
    /// The range as a step-1 ``TensorIndex/range(start:end:step:)``.
    public var tensorIndex: TensorIndex { .range(start: lowerBound, end: nil, step: 1) }
}
/// A range `..<b` in a tensor subscript keeps the axis's positions below `b`.
extension PartialRangeUpTo<Int>: TensorIndexExpression {
    /// The range as a step-1 ``TensorIndex/range(start:end:step:)``.
    public var tensorIndex: TensorIndex { .range(start: nil, end: upperBound, step: 1) }
}
/// A range `...b` in a tensor subscript keeps the axis's positions up to and including `b`.
extension PartialRangeThrough<Int>: TensorIndexExpression {
    /// The range as a step-1 ``TensorIndex/range(start:end:step:)``.
    public var tensorIndex: TensorIndex { .range(start: nil, end: upperBound + 1, step: 1) }
}

extension TensorIndexExpression where Self == TensorIndex {
    /// The whole axis.
    public static var all: TensorIndex { .wholeAxis }
    /// A new axis of size 1.
    public static var newAxis: TensorIndex { .insertedAxis }
    /// The remaining axes.
    public static var ellipsis: TensorIndex { .remainingAxes }
    /// Every `step`-th position from `start` below `end`.
    ///
    /// - Parameters:
    ///   - start: the first position (negative counts from the end); `nil` for 0.
    ///   - end: the position to stop before (negative counts from the end); `nil` for
    ///     the axis's size.
    ///   - step: the distance between positions; must be positive.
    /// - Returns: a ``TensorIndex/range(start:end:step:)`` index.
    public static func stride(_ start: Int?, _ end: Int?, by step: Int) -> TensorIndex {
        .range(start: start, end: end, step: step)
    }
}

extension Tensor {
    /// Slices with integers, ranges, strided ranges, `.all`,
    /// `.newAxis` and `.ellipsis`. The result is a copy;
    /// the gradient is scattered back into the sliced positions.
    ///
    /// - Parameter indices: one entry per axis (integers, ranges, ``TensorIndex``
    ///   values); axes not named are kept whole, and `.ellipsis` may appear once.
    /// - Returns: the selected elements, with integer-indexed axes removed and
    ///   `.newAxis` dimensions of size 1 inserted.
    public subscript(_ indices: any TensorIndexExpression...) -> Tensor {
        slice(indices.map(\.tensorIndex))
    }

    /// Slicing with an array of indices (see the variadic subscript).
    ///
    /// - Parameter indices: one entry per axis; axes not named are kept whole, and
    ///   ``TensorIndex/remainingAxes`` may appear once.
    /// - Returns: a copy of the selected elements, with integer-indexed axes removed
    ///   and inserted axes of size 1 added.
    public func slice(_ indices: [TensorIndex]) -> Tensor {
        let explicitAxes = indices.filter { if case .insertedAxis = $0 { return false }; if case .remainingAxes = $0 { return false }; return true }.count
        require(indices.filter({ $0 == .remainingAxes }).count <= 1, "subscript: at most one ellipsis")
        require(explicitAxes <= rank, "subscript: \(explicitAxes) indices for a tensor of shape \(Shape.describe(shape))")
        var expanded: [TensorIndex] = []
        for index in indices {
            if index == .remainingAxes {
                expanded += Array(repeating: .wholeAxis, count: rank - explicitAxes)
            } else {
                expanded.append(index)
            }
        }
        while expanded.filter({ $0 != .insertedAxis }).count < rank { expanded.append(.wholeAxis) }

        let inputStrides = Shape.contiguousStrides(shape)
        var offset = 0
        var readShape: [Int] = []     // dimensions read (integer-indexed axes excluded)
        var readStrides: [Int] = []
        var resultShape: [Int] = []   // with new axes
        var axis = 0
        for index in expanded {
            switch index {
            case .insertedAxis:
                resultShape.append(1)
            case .index(let position):
                let size = shape[axis]
                let resolved = position < 0 ? position + size : position
                require(resolved >= 0 && resolved < size,
                        "subscript: index \(position) is out of range for axis \(axis) of size \(size) in \(Shape.describe(shape))")
                offset += resolved * inputStrides[axis]
                axis += 1
            case .wholeAxis:
                readShape.append(shape[axis]); readStrides.append(inputStrides[axis]); resultShape.append(shape[axis])
                axis += 1
            case .range(let start, let end, let step):
                let size = shape[axis]
                require(step > 0, "subscript: step must be positive, got \(step)")
                let lower = start.map { $0 < 0 ? $0 + size : $0 } ?? 0
                let upper = end.map { $0 < 0 ? $0 + size : $0 } ?? size
                require(lower >= 0 && upper <= size && lower <= upper,
                        "subscript: range \(lower)..<\(upper) is out of bounds for axis \(axis) of size \(size) in \(Shape.describe(shape))")
                let count = (upper - lower + step - 1) / step
                offset += lower * inputStrides[axis]
                readShape.append(count); readStrides.append(inputStrides[axis] * step); resultShape.append(count)
                axis += 1
            case .remainingAxes:
                break
            }
        }
        return stridedView(offset: offset, strides: readStrides, readShape: readShape, resultShape: resultShape)
    }

    /// Reads the elements at `offset + Σ index·strides` over `readShape` into a new
    /// tensor of `resultShape` (same element count). Its adjoint is
    /// ``stridedEmbedding(into:offset:strides:readShape:)``, and each is the other's
    /// vector-Jacobian product, so slicing is differentiable any number of times.
    func stridedView(offset: Int, strides: [Int], readShape: [Int], resultShape: [Int]) -> Tensor {
        let storage = backend.stridedRead(self.storage, dtype: dtype, offset: offset, strides: strides, shape: readShape)
        let result = Tensor(storage: storage, shape: resultShape, dtype: dtype)
        guard Tensor.needsRecording(self) else { return result }
        let inputShape = shape
        return Tensor.record(result, op: "slice", input: self) { gradient in
            [gradient.stridedEmbedding(into: inputShape, offset: offset, strides: strides, readShape: readShape)]
        }
    }

    /// Zeros of `shape` with this tensor's elements written at `offset + Σ index·strides`
    /// over `readShape` (the adjoint of ``stridedView(offset:strides:readShape:resultShape:)``).
    func stridedEmbedding(into shape: [Int], offset: Int, strides: [Int], readShape: [Int]) -> Tensor {
        let full = zeros(shape)
        full.backend.stridedWrite(storage, into: full.storage, dtype: dtype, offset: offset,
                                  strides: strides, shape: readShape, accumulate: false)
        guard Tensor.needsRecording(self) else { return full }
        let valueShape = self.shape
        return Tensor.record(full, op: "sliceBackward", input: self) { gradient in
            [gradient.stridedView(offset: offset, strides: strides, readShape: readShape, resultShape: valueShape)]
        }
    }

    /// Picks slices along `axis` by an int32 index tensor of any shape (TensorFlow's
    /// `gather`, PyTorch's `index_select` for 1-D indices; embeddings use it on axis 0).
    ///
    /// - Shapes: `self [d₀ … dₐ … dₙ]`, `indices [i…]` → `[d₀ … i… … dₙ]`.
    /// - The gradient adds each picked slice back at its index (repeated indices accumulate).
    ///
    /// - Parameters:
    ///   - indices: an int32 tensor of any shape on this tensor's device, holding
    ///     positions in `0..<shape[axis]`.
    ///   - axis: the axis to pick along; negative counts from the end. Default 0.
    /// - Returns: `shape[..<axis] + indices.shape + shape[(axis + 1)...]`, of this tensor's dtype.
    public func gather(_ indices: Tensor, axis: Int = 0) -> Tensor {
        indices.requireDType(.int32, "gather (indices)")
        require(indices.device == device, "gather: the indices are on \(indices.device), the values on \(device); move one with .to(.\(device))")
        let axis = Shape.normalizeAxis(axis, rank: rank, op: "gather")
        let geometry = ReductionGeometry(outer: shape[..<axis].reduce(1, *), extent: shape[axis],
                                         inner: shape[(axis + 1)...].reduce(1, *))
        let storage = backend.indexSelect(self.storage, dtype: dtype, indices: indices.storage,
                                          indexCount: indices.scalarCount, geometry: geometry)
        let resultShape = Array(shape[..<axis]) + indices.shape + Array(shape[(axis + 1)...])
        let result = Tensor(storage: storage, shape: resultShape, dtype: dtype)
        guard Tensor.needsRecording(self) else { return result }
        let inputShape = shape
        return Tensor.record(result, op: "gather", input: self) { gradient in
            [gradient.scatterAdding(indices, axis: axis, into: inputShape)]
        }
    }

    /// The adjoint of ``gather(_:axis:)``: zeros of `shape` with each slice of this
    /// tensor added at its index along `axis` (repeated indices accumulate). Its own
    /// vector-Jacobian product is a gather.
    func scatterAdding(_ indices: Tensor, axis: Int, into shape: [Int]) -> Tensor {
        let geometry = ReductionGeometry(outer: shape[..<axis].reduce(1, *), extent: shape[axis],
                                         inner: shape[(axis + 1)...].reduce(1, *))
        let storage = backend.indexAdd(self.storage, dtype: dtype, indices: indices.storage,
                                       indexCount: indices.scalarCount, geometry: geometry)
        let result = Tensor(storage: storage, shape: shape, dtype: dtype)
        guard Tensor.needsRecording(self) else { return result }
        return Tensor.record(result, op: "scatterAdd", input: self) { gradient in
            [gradient.gather(indices, axis: axis)]
        }
    }

    /// One-hot encoding of an int32 tensor: a float32 tensor with a new last axis of
    /// size `depth`. Indices outside `0..<depth` give all-zero rows (as Keras).
    ///
    /// - Parameter depth: the number of classes; must be positive.
    /// - Returns: a float32 tensor of shape `shape + [depth]`.
    public func oneHot(depth: Int) -> Tensor {
        requireDType(.int32, "oneHot")
        require(depth > 0, "oneHot: depth must be positive, got \(depth)")
        let classes = Tensor.arange(0, Float(depth), dtype: .int32, device: device)
        return (unsqueezed(axis: -1) .== classes).to(.float32)
    }
}
