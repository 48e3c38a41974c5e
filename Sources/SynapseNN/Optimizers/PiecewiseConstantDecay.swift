/// A learning rate that is constant between step boundaries (Keras'
/// `PiecewiseConstantDecay`, PyTorch's `MultiStepLR` with explicit values).
///
/// `values[0]` applies while `step <= boundaries[0]`, `values[i]` while
/// `boundaries[i-1] < step <= boundaries[i]`, and the last value after the last
/// boundary (Keras' inclusive boundaries).
///
/// ```swift
/// // 0.1 for steps 0...100, 0.01 for 101...200, then 0.001.
/// let schedule = PiecewiseConstantDecay(boundaries: [100, 200], values: [0.1, 0.01, 0.001])
/// ```
public struct PiecewiseConstantDecay: LearningRateSchedule, Equatable {
    /// Strictly increasing step boundaries.
    public let boundaries: [Int]
    /// One more value than boundaries.
    public let values: [Float]

    /// - Parameters:
    ///   - boundaries: strictly increasing steps where the rate changes.
    ///   - values: `boundaries.count + 1` finite rates >= 0.
    public init(boundaries: [Int], values: [Float]) {
        require(values.count == boundaries.count + 1,
                "PiecewiseConstantDecay: values must have one more element than boundaries, got \(values.count) values for \(boundaries.count) boundaries")
        require(zip(boundaries, boundaries.dropFirst()).allSatisfy { $0 < $1 },
                "PiecewiseConstantDecay: boundaries must be strictly increasing, got \(boundaries)")
        require(values.allSatisfy { $0 >= 0 && $0.isFinite },
                "PiecewiseConstantDecay: values must be finite numbers >= 0, got \(values)")
        self.boundaries = boundaries
        self.values = values
    }

    /// The value of the interval that contains `step`.
    ///
    /// - Parameter step: the step index, 0 for the first step.
    /// - Returns: the learning rate for that step.
    public func callAsFunction(step: Int) -> Float {
        let index = boundaries.firstIndex { step <= $0 } ?? boundaries.count
        return values[index]
    }
}
