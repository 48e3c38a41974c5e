/// Creates a parameter's initial value from its shape, as Keras' initializers.
///
/// Random initializers draw from the generator they are handed; layers pass the
/// process-wide default generator (``Random``) unless the initializer has its own
/// seed, so `Random.seed(42)` makes a whole model reproducible.
///
/// ```swift
/// Dense(64, kernelInitializer: .heNormal())
/// Dense(64, kernelInitializer: .glorotUniform(seed: 1))
/// ```
public protocol Initializer: Sendable {
    /// A float32 tensor of `shape`.
    func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor
}

extension Initializer {
    /// Draws from the initializer's own seed if it has one, else from ``Random``.
    public func callAsFunction(_ shape: [Int]) -> Tensor {
        if let seeded = self as? any SeededInitializer, let seed = seeded.seed {
            var generator = RandomGenerator(seed: seed)
            return self(shape, generator: &generator)
        }
        return Random.withGenerator { self(shape, generator: &$0) }
    }
}

/// An initializer that may carry its own seed.
public protocol SeededInitializer: Initializer {
    /// When set, every call restarts the stream at this seed (as Keras' `seed=`).
    var seed: UInt64? { get }
}

/// Fan-in and fan-out as Keras computes them: for a dense kernel `[in, out]`,
/// `in` and `out`; for a convolution kernel `[kh, kw, in, out]`, each times the
/// receptive field `kh · kw`.
public func fans(_ shape: [Int]) -> (fanIn: Float, fanOut: Float) {
    switch shape.count {
    case 0: return (1, 1)
    case 1: return (Float(shape[0]), Float(shape[0]))
    case 2: return (Float(shape[0]), Float(shape[1]))
    default:
        let receptive = Float(shape.dropLast(2).reduce(1, *))
        return (Float(shape[shape.count - 2]) * receptive, Float(shape[shape.count - 1]) * receptive)
    }
}

/// All zeros (Keras' default bias initializer).
public struct Zeros: Initializer {
    public init() {}
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor { .zeros(shape) }
}

/// All ones.
public struct Ones: Initializer {
    public init() {}
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor { .ones(shape) }
}

/// Every element equal to `value`.
public struct Constant: Initializer {
    public var value: Float
    public init(_ value: Float) { self.value = value }
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor { .full(shape, value: value) }
}

/// Normal samples (Keras defaults: mean 0, standard deviation 0.05).
public struct RandomNormal: SeededInitializer {
    public var mean: Float, standardDeviation: Float, seed: UInt64?
    public init(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) {
        require(standardDeviation >= 0, "RandomNormal: standardDeviation must be non-negative, got \(standardDeviation)")
        (self.mean, self.standardDeviation, self.seed) = (mean, standardDeviation, seed)
    }
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        .randomNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &generator)
    }
}

/// Uniform samples (Keras defaults: [-0.05, 0.05)).
public struct RandomUniform: SeededInitializer {
    public var minimum: Float, maximum: Float, seed: UInt64?
    public init(minimum: Float = -0.05, maximum: Float = 0.05, seed: UInt64? = nil) {
        require(minimum <= maximum, "RandomUniform: minimum \(minimum) is above maximum \(maximum)")
        (self.minimum, self.maximum, self.seed) = (minimum, maximum, seed)
    }
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        .randomUniform(shape, low: minimum, high: maximum, generator: &generator)
    }
}

/// Normal samples redrawn beyond two standard deviations (Keras defaults: mean 0,
/// standard deviation 0.05).
public struct TruncatedNormal: SeededInitializer {
    public var mean: Float, standardDeviation: Float, seed: UInt64?
    public init(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) {
        require(standardDeviation >= 0, "TruncatedNormal: standardDeviation must be non-negative, got \(standardDeviation)")
        (self.mean, self.standardDeviation, self.seed) = (mean, standardDeviation, seed)
    }
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        .truncatedNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &generator)
    }
}

extension Initializer where Self == Zeros {
    /// All zeros.
    public static var zeros: Zeros { Zeros() }
}
extension Initializer where Self == Ones {
    /// All ones.
    public static var ones: Ones { Ones() }
}
extension Initializer where Self == Constant {
    /// Every element equal to `value`.
    public static func constant(_ value: Float) -> Constant { Constant(value) }
}
extension Initializer where Self == RandomNormal {
    /// Normal samples (mean 0, standard deviation 0.05 by default).
    public static func randomNormal(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) -> RandomNormal {
        RandomNormal(mean: mean, standardDeviation: standardDeviation, seed: seed)
    }
}
extension Initializer where Self == RandomUniform {
    /// Uniform samples in [-0.05, 0.05) by default.
    public static func randomUniform(minimum: Float = -0.05, maximum: Float = 0.05, seed: UInt64? = nil) -> RandomUniform {
        RandomUniform(minimum: minimum, maximum: maximum, seed: seed)
    }
}
extension Initializer where Self == TruncatedNormal {
    /// Truncated normal samples (mean 0, standard deviation 0.05 by default).
    public static func truncatedNormal(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) -> TruncatedNormal {
        TruncatedNormal(mean: mean, standardDeviation: standardDeviation, seed: seed)
    }
}
