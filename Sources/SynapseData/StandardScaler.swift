/// Standardises features to zero mean and unit variance, per column
/// (scikit-learn's `StandardScaler`): `z = (x − mean) / std`.
///
/// `std` is the population standard deviation (divisor N, as scikit-learn). A
/// feature with zero variance gets scale 1, so it is centred but not divided by
/// zero. Fit on the training set only, then transform both splits.
///
/// - Shapes: `x` is float32 `[samples, features]`.
///
/// ```swift
/// var scaler = StandardScaler()
/// let xTrain = scaler.fitTransform(split.xTrain)
/// let xTest = scaler.transform(split.xTest)
/// ```
public struct StandardScaler: Sendable, Codable, Equatable {
    /// Whether to subtract the mean (default true).
    public var withMean: Bool
    /// Whether to divide by the standard deviation (default true).
    public var withStd: Bool
    /// Per-feature means, set by ``fit(_:)`` (zeros when `withMean` is false).
    public private(set) var mean: [Double]?
    /// Per-feature divisors, set by ``fit(_:)``: the standard deviation, or 1 for
    /// constant features or when `withStd` is false.
    public private(set) var scale: [Double]?
    /// Per-feature population variances, set by ``fit(_:)``.
    public private(set) var variance: [Double]?

    /// An unfitted scaler.
    ///
    /// - Parameters:
    ///   - withMean: whether to subtract the mean; default `true`.
    ///   - withStd: whether to divide by the standard deviation; default `true`.
    public init(withMean: Bool = true, withStd: Bool = true) {
        self.withMean = withMean
        self.withStd = withStd
    }

    /// Whether ``fit(_:)`` has run.
    public var isFitted: Bool { scale != nil }

    /// Learns each feature's mean and standard deviation from `x`.
    ///
    /// - Parameter x: float32 training features `[samples, features]`.
    /// - Precondition: `x` is float32 `[samples, features]` with at least one sample.
    public mutating func fit(_ x: Tensor) {
        require(x.rank == 2 && x.shape[0] > 0, "StandardScaler.fit: expected [samples, features] with at least one sample, got shape \(x.shape)")
        let (mean, variance) = FeatureMatrix.meanAndVariance(x)
        self.mean = withMean ? mean : [Double](repeating: 0, count: mean.count)
        self.variance = variance
        // scikit-learn treats scales below 10·ε (relative to the mean) as zero.
        self.scale = zip(variance, mean).map { variance, mean in
            let std = variance.squareRoot()
            return !withStd || std < 10 * Double.ulpOfOne * max(abs(mean), 1) ? 1 : std
        }
    }

    /// `(x − mean) / scale`, per feature.
    ///
    /// - Parameter x: float32 features `[samples, features]`.
    /// - Returns: the standardised features, same shape.
    /// - Precondition: the scaler is fitted and `x` has as many features as the data it was fitted on.
    public func transform(_ x: Tensor) -> Tensor {
        let (mean, scale) = fitted("transform")
        return FeatureMatrix.affine(x, scale: scale.map { 1 / $0 }, shift: zip(mean, scale).map { -$0 / $1 },
                                    "StandardScaler.transform")
    }

    /// `x · scale + mean`: undoes ``transform(_:)``.
    ///
    /// - Parameter x: standardised float32 features `[samples, features]`.
    /// - Returns: the features in their original units, same shape.
    /// - Precondition: the scaler is fitted and `x` has as many features as the data it was fitted on.
    public func inverseTransform(_ x: Tensor) -> Tensor {
        let (mean, scale) = fitted("inverseTransform")
        return FeatureMatrix.affine(x, scale: scale, shift: mean, "StandardScaler.inverseTransform")
    }

    /// Fits on `x` and returns it transformed.
    ///
    /// - Parameter x: float32 training features `[samples, features]`, at least one sample.
    /// - Returns: the standardised features, same shape.
    public mutating func fitTransform(_ x: Tensor) -> Tensor {
        fit(x)
        return transform(x)
    }

    private func fitted(_ op: String) -> (mean: [Double], scale: [Double]) {
        guard let mean, let scale else { preconditionFailure("StandardScaler.\(op): call fit(_:) first") }
        return (mean, scale)
    }
}
