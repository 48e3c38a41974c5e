/// Keras' `VarianceScaling`, the family behind Glorot, He and LeCun initialization:
/// samples with variance `scale / n`, where `n` is the fan-in, the fan-out or
/// their average.
public struct VarianceScaling: SeededInitializer {
    /// Which fan divides the scale.
    public enum Mode: String, Sendable {
        /// Divide by the fan-in (the number of inputs each output sees).
        case fanIn
        /// Divide by the fan-out.
        case fanOut
        /// Divide by the average of fan-in and fan-out.
        case fanAverage
    }
    /// The sampling distribution.
    public enum Distribution: String, Sendable {
        /// A normal redrawn beyond two standard deviations, widened so the variance
        /// after truncation is still `scale / n`.
        case truncatedNormal
        /// A plain normal with variance `scale / n`.
        case untruncatedNormal
        /// Uniform in `±√(3 · scale / n)`.
        case uniform
    }

    /// The variance numerator; the variance is `scale / n`.
    public var scale: Float
    /// Which fan `n` is.
    public var mode: Mode
    /// The distribution samples are drawn from.
    public var distribution: Distribution
    public var seed: UInt64?

    /// Creates a variance-scaling initializer.
    ///
    /// `n` is clamped to at least 1. Stops with a message when `scale` is not positive.
    ///
    /// - Parameters:
    ///   - scale: The variance numerator, positive; default `1`.
    ///   - mode: Which fan divides the scale; default ``Mode/fanIn``.
    ///   - distribution: The distribution to sample; default ``Distribution/truncatedNormal``.
    ///   - seed: When set, every call restarts the stream at this seed; default `nil`
    ///     (draw from the generator handed in, usually ``/SynapseCore/Random``).
    public init(scale: Float = 1, mode: Mode = .fanIn, distribution: Distribution = .truncatedNormal, seed: UInt64? = nil) {
        require(scale > 0, "VarianceScaling: scale must be positive, got \(scale)")
        (self.scale, self.mode, self.distribution, self.seed) = (scale, mode, distribution, seed)
    }

    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        let (fanIn, fanOut) = fans(shape)
        let n: Float = switch mode {
        case .fanIn: fanIn
        case .fanOut: fanOut
        case .fanAverage: (fanIn + fanOut) / 2
        }
        let variance = scale / Swift.max(1, n)
        switch distribution {
        case .truncatedNormal:
            // Standard deviation of a unit normal truncated to [-2, 2]; dividing by it
            // keeps the requested variance after truncation (as Keras).
            let standardDeviation = variance.squareRoot() / 0.879_625_661_034_239_78
            return .truncatedNormal(shape, standardDeviation: standardDeviation, generator: &generator)
        case .untruncatedNormal:
            return .randomNormal(shape, standardDeviation: variance.squareRoot(), generator: &generator)
        case .uniform:
            let limit = (3 * variance).squareRoot()
            return .randomUniform(shape, low: -limit, high: limit, generator: &generator)
        }
    }
}

extension Initializer where Self == VarianceScaling {
    /// Uniform in ±√(6 / (fanIn + fanOut)) — Keras' default kernel initializer.
    ///
    /// - Parameter seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``VarianceScaling`` with scale 1, mode ``VarianceScaling/Mode/fanAverage``, uniform.
    public static func glorotUniform(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanAverage, distribution: .uniform, seed: seed)
    }
    /// Truncated normal with variance 2 / (fanIn + fanOut).
    ///
    /// - Parameter seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``VarianceScaling`` with scale 1, mode ``VarianceScaling/Mode/fanAverage``, truncated normal.
    public static func glorotNormal(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanAverage, distribution: .truncatedNormal, seed: seed)
    }
    /// Uniform in ±√(6 / fanIn), for ReLU networks.
    ///
    /// - Parameter seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``VarianceScaling`` with scale 2, mode ``VarianceScaling/Mode/fanIn``, uniform.
    public static func heUniform(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 2, mode: .fanIn, distribution: .uniform, seed: seed)
    }
    /// Truncated normal with variance 2 / fanIn, for ReLU networks.
    ///
    /// - Parameter seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``VarianceScaling`` with scale 2, mode ``VarianceScaling/Mode/fanIn``, truncated normal.
    public static func heNormal(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 2, mode: .fanIn, distribution: .truncatedNormal, seed: seed)
    }
    /// Uniform in ±√(3 / fanIn), for SELU networks.
    ///
    /// - Parameter seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``VarianceScaling`` with scale 1, mode ``VarianceScaling/Mode/fanIn``, uniform.
    public static func lecunUniform(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanIn, distribution: .uniform, seed: seed)
    }
    /// Truncated normal with variance 1 / fanIn, for SELU networks.
    ///
    /// - Parameter seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``VarianceScaling`` with scale 1, mode ``VarianceScaling/Mode/fanIn``, truncated normal.
    public static func lecunNormal(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanIn, distribution: .truncatedNormal, seed: seed)
    }
}
