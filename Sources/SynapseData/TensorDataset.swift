/// An in-memory data set of paired input and target tensors, indexed along their
/// first axis (PyTorch's `TensorDataset`).
///
/// - Shapes: `x [samples, …]` and `y [samples, …]`; `y` may be float32 (values,
///   one-hot or binary targets) or int32 (class indices).
///
/// ```swift
/// let dataset = TensorDataset(x: features, y: labels)
/// let (x0, y0) = dataset[0]                 // one sample, first axis dropped
/// let batch = dataset.batch(at: [4, 1, 7])  // x [3, …], y [3, …]
/// ```
public struct TensorDataset: Dataset {
    /// All inputs.
    public let x: Tensor
    /// All targets.
    public let y: Tensor

    /// Pairs `x` and `y`.
    ///
    /// - Parameters:
    ///   - x: inputs `[samples, …]`.
    ///   - y: targets `[samples, …]`, float32 or int32.
    /// - Precondition: both have at least one axis and the same number of rows.
    public init(x: Tensor, y: Tensor) {
        require(x.rank >= 1 && y.rank >= 1, "TensorDataset: x and y need a samples axis, got shapes \(x.shape) and \(y.shape)")
        require(x.shape[0] == y.shape[0],
                     "TensorDataset: x and y must have the same number of samples, got shapes \(x.shape) and \(y.shape)")
        self.x = x
        self.y = y
    }

    /// The number of samples.
    public var count: Int { x.shape[0] }

    /// Sample `index`: `x[index]` and `y[index]` with the samples axis removed.
    ///
    /// - Parameter index: the 0-based sample number.
    /// - Returns: the sample's input `[…]` and target `[…]`.
    /// - Precondition: `0 <= index < count`.
    public subscript(index: Int) -> (x: Tensor, y: Tensor) {
        require(index >= 0 && index < count, "TensorDataset: index \(index) is out of range for \(count) samples")
        let selector = Tensor(int32: [Int32(index)], shape: [], device: x.device)
        return (x.gather(selector, axis: 0), y.gather(selector, axis: 0))
    }

    /// The samples at `indices`, in that order, stacked along a new first axis.
    ///
    /// - Parameter indices: 0-based sample numbers; repeats are allowed.
    /// - Returns: inputs `[indices.count, …]` and targets `[indices.count, …]` (copies).
    /// - Precondition: every index lies in `0..<count`.
    public func batch(at indices: [Int]) -> (x: Tensor, y: Tensor) {
        for index in indices where index < 0 || index >= count {
            preconditionFailure("TensorDataset.batch: index \(index) is out of range for \(count) samples")
        }
        let selector = Tensor(int32: indices, shape: [indices.count], device: x.device)
        return (x.gather(selector, axis: 0), y.gather(selector, axis: 0))
    }

    /// The samples in `range`, in order: views of `x` and `y`, no copy.
    ///
    /// - Parameter range: consecutive 0-based sample numbers.
    /// - Returns: inputs `[range.count, …]` and targets `[range.count, …]`.
    /// - Precondition: `range` lies in `0..<count`.
    public func batch(in range: Range<Int>) -> (x: Tensor, y: Tensor) {
        require(range.lowerBound >= 0 && range.upperBound <= count,
                "TensorDataset.batch: range \(range) is out of range for \(count) samples")
        return (x.narrowed(axis: 0, start: range.lowerBound, length: range.count),
                y.narrowed(axis: 0, start: range.lowerBound, length: range.count))
    }
}
