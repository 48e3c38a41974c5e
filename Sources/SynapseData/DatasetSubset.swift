/// Some samples of another data set, by index (PyTorch's `Subset`): what
/// ``Dataset/split(validationFraction:seed:)`` returns, and a way to train on part of
/// a folder without copying it.
///
/// ```swift
/// let digits = try ImageFolder(URL(fileURLWithPath: "digits"), size: (28, 28), colorMode: .grayscale)
/// let (training, validation) = digits.split(validationFraction: 0.2, seed: 42)
/// model.fit(DataLoader(training, batchSize: 64, shuffle: true), epochs: 5,
///           validationData: DataLoader(validation, batchSize: 256))
/// ```
public struct DatasetSubset<Base: Dataset>: Dataset {
    /// The data set the samples come from.
    public let base: Base
    /// The samples of `base`, in this subset's order.
    public let indices: [Int]

    /// The samples `indices` of `base`.
    ///
    /// - Parameters:
    ///   - base: the whole data set.
    ///   - indices: sample numbers in `0..<base.count` (repeats allowed).
    public init(_ base: Base, indices: [Int]) {
        require(indices.allSatisfy { $0 >= 0 && $0 < base.count },
                "DatasetSubset: indices must lie in 0..<\(base.count) (the data set's samples)")
        (self.base, self.indices) = (base, indices)
    }

    /// The number of samples in the subset.
    public var count: Int { indices.count }

    /// The subset's samples at `indices`, gathered from ``base`` in one batch.
    ///
    /// - Parameter indices: positions in `0..<count`.
    /// - Returns: inputs and targets, as ``base`` gives them.
    public func batch(at indices: [Int]) -> (x: Tensor, y: Tensor) {
        base.batch(at: indices.map { self.indices[$0] })
    }
}

extension Dataset {
    /// Splits the samples at random into a training and a validation subset, the same
    /// way on every machine for the same seed (Keras' `validation_split` with `seed`
    /// in `image_dataset_from_directory`, PyTorch's `random_split`).
    ///
    /// - Parameters:
    ///   - validationFraction: the share held out for validation, in (0, 1), rounded up.
    ///   - seed: the shuffle's seed (default 42).
    /// - Returns: the two subsets; every sample is in exactly one.
    public func split(validationFraction: Double, seed: UInt64 = 42) -> (training: DatasetSubset<Self>, validation: DatasetSubset<Self>) {
        let (training, validation) = trainTestSplitIndices(count: count, testFraction: validationFraction, seed: seed)
        return (DatasetSubset(self, indices: training), DatasetSubset(self, indices: validation))
    }
}
