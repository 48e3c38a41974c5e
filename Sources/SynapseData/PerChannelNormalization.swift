/// Standardises each channel (the last axis) to zero mean and unit variance:
/// `(x − mean) / max(√variance, ε)` (Keras' `Normalization` layer with `axis=-1`).
///
/// Learn the statistics from training data with ``adapt(_:)`` (Keras' name), or
/// give them; then call the normalization on any batch with the same number of
/// channels. Statistics are the population mean and variance over every axis but
/// the last, accumulated in double precision.
///
/// - Shapes: any float32 tensor whose last axis is the channel axis: NHWC images
///   `[batch, H, W, C]` or feature rows `[samples, features]`.
///
/// ```swift
/// var normalization = PerChannelNormalization()
/// normalization.adapt(trainImages)            // [N, 32, 32, 3]
/// let x = normalization(trainImages), xTest = normalization(testImages)
/// ```
public struct PerChannelNormalization: Sendable, Codable, Equatable {
    /// Keras' `backend.epsilon()`: the smallest standard deviation divided by.
    public static let epsilon: Float = 1e-7

    /// Per-channel means, once adapted or given.
    public private(set) var mean: [Float]?
    /// Per-channel population variances, once adapted or given.
    public private(set) var variance: [Float]?

    /// A normalization to be adapted to data.
    public init() {}

    /// A normalization with known statistics (e.g. ImageNet's channel means).
    ///
    /// - Parameters:
    ///   - mean: one mean per channel.
    ///   - variance: one population variance per channel, each ≥ 0.
    /// - Precondition: one non-negative variance per mean.
    public init(mean: [Float], variance: [Float]) {
        require(mean.count == variance.count && !mean.isEmpty,
                     "PerChannelNormalization: \(mean.count) means and \(variance.count) variances; expected one of each per channel")
        require(variance.allSatisfy { $0 >= 0 }, "PerChannelNormalization: variances must be non-negative, got \(variance)")
        self.mean = mean
        self.variance = variance
    }

    /// Whether the statistics are known.
    public var isAdapted: Bool { mean != nil }

    /// Learns each channel's mean and variance from `data` (every axis but the last).
    ///
    /// - Parameter data: float32 training data `[..., channels]`, e.g. `[N, H, W, C]`.
    /// - Precondition: `data` is float32 with at least one element per channel.
    public mutating func adapt(_ data: Tensor) {
        require(data.dtype == .float32 && data.rank >= 1 && data.scalarCount > 0,
                     "PerChannelNormalization.adapt: expected non-empty float32 data, got \(data.dtype) \(Shape.describe(data.shape))")
        let channels = data.shape[data.rank - 1]
        let rows = data.scalarCount / channels
        var sums = [Double](repeating: 0, count: channels)
        var squares = [Double](repeating: 0, count: channels)
        data.withUnsafePointer(as: Float.self) { values in
            for row in 0..<rows {
                let pixel = values + row * channels
                for c in 0..<channels { sums[c] += Double(pixel[c]) }
            }
            let means = sums.map { $0 / Double(rows) }
            // A second pass around the mean: no cancellation for large offsets.
            for row in 0..<rows {
                let pixel = values + row * channels
                for c in 0..<channels {
                    let deviation = Double(pixel[c]) - means[c]
                    squares[c] += deviation * deviation
                }
            }
        }
        mean = sums.map { Float($0 / Double(rows)) }
        variance = squares.map { Float($0 / Double(rows)) }
    }

    /// `(x − mean) / max(√variance, ε)` per channel.
    ///
    /// - Parameter x: float32 data `[..., channels]`.
    /// - Returns: the normalized data, same shape, on `x`'s device.
    /// - Precondition: adapted (or given statistics), and `x`'s last axis has as many channels.
    public func callAsFunction(_ x: Tensor) -> Tensor {
        let (mean, scale) = statistics("callAsFunction", x)
        return (x - Tensor(mean, device: x.device)) / Tensor(scale, device: x.device)
    }

    /// `x · max(√variance, ε) + mean`: undoes the normalization (Keras' `invert=True`).
    ///
    /// - Parameter x: normalized float32 data `[..., channels]`.
    /// - Returns: the data in its original units, same shape.
    /// - Precondition: adapted (or given statistics), and `x`'s last axis has as many channels.
    public func inverse(_ x: Tensor) -> Tensor {
        let (mean, scale) = statistics("inverse", x)
        return x * Tensor(scale, device: x.device) + Tensor(mean, device: x.device)
    }

    private func statistics(_ op: String, _ x: Tensor) -> (mean: [Float], scale: [Float]) {
        guard let mean, let variance else {
            preconditionFailure("PerChannelNormalization.\(op): call adapt(_:) first, or create it with init(mean:variance:)")
        }
        require(x.dtype == .float32 && x.rank >= 1 && x.shape[x.rank - 1] == mean.count,
                     "PerChannelNormalization.\(op): expected float32 data with \(mean.count) channels on the last axis, got \(x.dtype) \(Shape.describe(x.shape))")
        return (mean, variance.map { Swift.max($0.squareRoot(), Self.epsilon) })
    }
}
