/// Samples that a ``DataLoader`` batches: paired inputs and targets indexed along
/// their first axis (PyTorch's map-style `Dataset`).
///
/// ``TensorDataset`` holds tensors in memory; ``MappedDataset`` reads `.npy` files
/// mapped from disk, batch by batch, for data larger than memory. Conform a type
/// of your own to load samples any other way (decode files, generate them).
public protocol Dataset: Sendable {
    /// The number of samples.
    var count: Int { get }

    /// The samples at `indices`, in that order, stacked along a new first axis.
    ///
    /// - Parameter indices: sample numbers in `0..<count` (repeats allowed).
    /// - Returns: inputs `[indices.count, …]` and targets `[indices.count, …]`.
    func batch(at indices: [Int]) -> (x: Tensor, y: Tensor)

    /// The samples in `range`, in order (a loader without shuffling asks for these;
    /// the default gathers `batch(at: Array(range))`).
    ///
    /// - Parameter range: a range within `0..<count`.
    func batch(in range: Range<Int>) -> (x: Tensor, y: Tensor)
}

extension Dataset {
    public func batch(in range: Range<Int>) -> (x: Tensor, y: Tensor) { batch(at: Array(range)) }
}
