/// The four tensors of a train/test split, in scikit-learn's order.
public struct TrainTestSplit: Sendable {
    /// Training inputs.
    public let xTrain: Tensor
    /// Test inputs.
    public let xTest: Tensor
    /// Training targets.
    public let yTrain: Tensor
    /// Test targets.
    public let yTest: Tensor
}

/// The row indices of a random split of `count` samples.
///
/// The test set gets `ceil(testFraction · count)` samples and the training set the
/// rest, as scikit-learn's `train_test_split` counts them. With `shuffle` the rows
/// are a random permutation drawn from `RandomGenerator(seed:)`; without it the
/// last rows form the test set.
///
/// - Parameters:
///   - count: the number of samples.
///   - testFraction: the share of samples held out, rounded up (default 0.25).
///   - shuffle: whether to permute the rows first (default `true`).
///   - seed: the seed of the permutation (unused without `shuffle`).
/// - Returns: the training and test row indices; together they hold each of `0..<count` once.
/// - Precondition: `0 < testFraction < 1` and both parts get at least one sample.
public func trainTestSplitIndices(count: Int, testFraction: Double = 0.25, shuffle: Bool = true,
                                  seed: UInt64) -> (train: [Int], test: [Int]) {
    require(testFraction > 0 && testFraction < 1, "trainTestSplit: testFraction must lie in (0, 1), got \(testFraction)")
    let testCount = Int((testFraction * Double(count)).rounded(.up))
    require(testCount >= 1 && testCount < count,
                 "trainTestSplit: \(count) samples with testFraction \(testFraction) leave an empty train or test set")
    var order = Array(0..<count)
    if shuffle {
        var generator = RandomGenerator(seed: seed)
        order = generator.permutation(count)
    }
    let trainCount = count - testCount
    return (Array(order[..<trainCount]), Array(order[trainCount...]))
}

/// Splits inputs and targets into random train and test subsets
/// (scikit-learn's `train_test_split`).
///
/// Rows of `x` and `y` stay paired. The same seed gives the same split on every
/// machine (the shuffle uses the Philox generator).
///
/// - Parameters:
///   - x: inputs `[samples, …]`, any dtype.
///   - y: targets `[samples, …]`, any dtype (float32 values or int32 classes).
///   - testFraction: the share of samples held out, rounded up (default 0.25).
///   - shuffle: shuffle before splitting (default true); otherwise the last rows are the test set.
///   - seed: the shuffle's seed; `nil` draws one from the global generator (see `Random.seed`).
/// - Precondition: `x` and `y` have the same number of rows, and both subsets are non-empty.
///
/// ```swift
/// let split = trainTestSplit(x, y, testFraction: 0.2, seed: 42)
/// model.fit(x: split.xTrain, y: split.yTrain, epochs: 100)
/// ```
public func trainTestSplit(_ x: Tensor, _ y: Tensor, testFraction: Double = 0.25, shuffle: Bool = true,
                           seed: UInt64? = nil) -> TrainTestSplit {
    require(x.rank >= 1 && y.rank >= 1 && x.shape[0] == y.shape[0],
                 "trainTestSplit: x and y must have the same number of rows, got shapes \(x.shape) and \(y.shape)")
    let seed = seed ?? Random.withGenerator { UInt64($0.nextUInt32()) << 32 | UInt64($0.nextUInt32()) }
    let (train, test) = trainTestSplitIndices(count: x.shape[0], testFraction: testFraction, shuffle: shuffle, seed: seed)
    let (trainIndices, testIndices) = (Tensor(int32: train, shape: [train.count], device: x.device), Tensor(int32: test, shape: [test.count], device: x.device))
    return TrainTestSplit(xTrain: x.gather(trainIndices, axis: 0), xTest: x.gather(testIndices, axis: 0),
                          yTrain: y.gather(trainIndices, axis: 0), yTest: y.gather(testIndices, axis: 0))
}
