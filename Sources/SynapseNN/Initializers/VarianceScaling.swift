/// Keras' `VarianceScaling`, the family behind Glorot, He and LeCun initialization:
/// samples with variance `scale / n`, where `n` is the fan-in, the fan-out or
/// their average.
public struct VarianceScaling: SeededInitializer {
    /// Which fan divides the scale.
    public enum Mode: String, Sendable { case fanIn, fanOut, fanAverage }
    /// The sampling distribution.
    public enum Distribution: String, Sendable { case truncatedNormal, untruncatedNormal, uniform }

    public var scale: Float
    public var mode: Mode
    public var distribution: Distribution
    public var seed: UInt64?

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
    public static func glorotUniform(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanAverage, distribution: .uniform, seed: seed)
    }
    /// Truncated normal with variance 2 / (fanIn + fanOut).
    public static func glorotNormal(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanAverage, distribution: .truncatedNormal, seed: seed)
    }
    /// Uniform in ±√(6 / fanIn), for ReLU networks.
    public static func heUniform(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 2, mode: .fanIn, distribution: .uniform, seed: seed)
    }
    /// Truncated normal with variance 2 / fanIn, for ReLU networks.
    public static func heNormal(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 2, mode: .fanIn, distribution: .truncatedNormal, seed: seed)
    }
    /// Uniform in ±√(3 / fanIn), for SELU networks.
    public static func lecunUniform(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanIn, distribution: .uniform, seed: seed)
    }
    /// Truncated normal with variance 1 / fanIn, for SELU networks.
    public static func lecunNormal(seed: UInt64? = nil) -> VarianceScaling {
        VarianceScaling(scale: 1, mode: .fanIn, distribution: .truncatedNormal, seed: seed)
    }
}
