/// Scales each feature linearly to a range, `[0, 1]` by default
/// (scikit-learn's `MinMaxScaler`): `x' = (x − min) / (max − min) · (b − a) + a`.
///
/// A constant feature (max = min) gets range 1, so it maps to `a` instead of
/// dividing by zero. Values outside the fitted range map outside `[a, b]`.
///
/// - Shapes: `x` is float32 `[samples, features]`.
///
/// ```swift
/// var scaler = MinMaxScaler(featureRange: -1...1)
/// let scaled = scaler.fitTransform(x)
/// ```
public struct MinMaxScaler: Sendable, Codable, Equatable {
    /// The target range's lower bound `a`.
    public let lowerBound: Double
    /// The target range's upper bound `b`.
    public let upperBound: Double
    /// Per-feature minimums seen by ``fit(_:)``.
    public private(set) var dataMin: [Double]?
    /// Per-feature maximums seen by ``fit(_:)``.
    public private(set) var dataMax: [Double]?

    /// An unfitted scaler mapping to `featureRange`.
    ///
    /// - Parameter featureRange: the target range `a...b`; default `0...1`.
    /// - Precondition: the range is finite and not empty.
    public init(featureRange: ClosedRange<Double> = 0...1) {
        require(featureRange.lowerBound < featureRange.upperBound && featureRange.upperBound.isFinite
                     && featureRange.lowerBound.isFinite,
                     "MinMaxScaler: featureRange must be finite with lower < upper, got \(featureRange)")
        lowerBound = featureRange.lowerBound
        upperBound = featureRange.upperBound
    }

    /// The range features are mapped to.
    public var featureRange: ClosedRange<Double> { lowerBound...upperBound }

    /// Whether ``fit(_:)`` has run.
    public var isFitted: Bool { dataMin != nil }

    /// Learns each feature's minimum and maximum from `x`.
    ///
    /// - Parameter x: float32 training features `[samples, features]`.
    /// - Precondition: `x` is float32 `[samples, features]` with at least one sample.
    public mutating func fit(_ x: Tensor) {
        require(x.rank == 2 && x.shape[0] > 0, "MinMaxScaler.fit: expected [samples, features] with at least one sample, got shape \(x.shape)")
        let (low, high) = FeatureMatrix.minimumAndMaximum(x)
        dataMin = low
        dataMax = high
    }

    /// Maps `x` from the fitted ranges to ``featureRange``.
    ///
    /// - Parameter x: float32 features `[samples, features]`.
    /// - Returns: the scaled features, same shape.
    /// - Precondition: the scaler is fitted and `x` has as many features as the data it was fitted on.
    public func transform(_ x: Tensor) -> Tensor {
        let (scale, shift) = coefficients("transform")
        return FeatureMatrix.affine(x, scale: scale, shift: shift, "MinMaxScaler.transform")
    }

    /// Maps values in ``featureRange`` back to the original units: undoes ``transform(_:)``.
    ///
    /// - Parameter x: scaled float32 features `[samples, features]`.
    /// - Returns: the features in their original units, same shape.
    /// - Precondition: the scaler is fitted and `x` has as many features as the data it was fitted on.
    public func inverseTransform(_ x: Tensor) -> Tensor {
        let (scale, shift) = coefficients("inverseTransform")
        return FeatureMatrix.affine(x, scale: scale.map { 1 / $0 }, shift: zip(shift, scale).map { -$0 / $1 },
                                    "MinMaxScaler.inverseTransform")
    }

    /// Fits on `x` and returns it transformed.
    ///
    /// - Parameter x: float32 training features `[samples, features]`, at least one sample.
    /// - Returns: `x` scaled to ``featureRange``, same shape.
    public mutating func fitTransform(_ x: Tensor) -> Tensor {
        fit(x)
        return transform(x)
    }

    /// `x' = x · scale + shift` per feature.
    private func coefficients(_ op: String) -> (scale: [Double], shift: [Double]) {
        guard let dataMin, let dataMax else { preconditionFailure("MinMaxScaler.\(op): call fit(_:) first") }
        let scale = zip(dataMin, dataMax).map { low, high in
            let range = high - low
            return (upperBound - lowerBound) / (range > 0 && range.isFinite ? range : 1)
        }
        let shift = zip(dataMin, scale).map { lowerBound - $0 * $1 }
        return (scale, shift)
    }
}
