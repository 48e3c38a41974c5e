/// Creates a parameter's initial value from its shape, as Keras' initializers.
///
/// Random initializers draw from the generator they are handed; layers pass the
/// process-wide default generator (``/SynapseCore/Random``) unless the initializer has its own
/// seed, so `Random.seed(42)` makes a whole model reproducible.
///
/// ```swift
/// Dense(64, kernelInitializer: .heNormal())
/// Dense(64, kernelInitializer: .glorotUniform(seed: 1))
/// ```
public protocol Initializer: Sendable {
    /// A float32 tensor of `shape`.
    ///
    /// - Parameters:
    ///   - shape: The shape of the parameter to create, e.g. `[in, out]` for a dense kernel.
    ///   - generator: The generator random initializers draw from; deterministic ones ignore it.
    /// - Returns: A new float32 tensor of shape `shape`.
    func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor
}

extension Initializer {
    /// Draws from the initializer's own seed if it has one, else from ``/SynapseCore/Random``.
    ///
    /// - Parameter shape: The shape of the parameter to create, e.g. `[in, out]` for a dense kernel.
    /// - Returns: A new float32 tensor of shape `shape`.
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
///
/// A scalar shape `[]` gives `(1, 1)`, and a one-dimensional shape `[n]` gives `(n, n)`.
///
/// - Parameter shape: The parameter's shape; the last two dimensions are taken as
///   inputs and outputs, the ones before them as the receptive field.
/// - Returns: The fan-in and fan-out, as floats.
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
    /// Creates an all-zeros initializer.
    public init() {}
    /// A tensor of zeros.
    ///
    /// - Parameters:
    ///   - shape: The shape of the tensor to create.
    ///   - generator: Unused; zeros draw nothing.
    /// - Returns: A float32 tensor of shape `shape`, all zeros.
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor { .zeros(shape) }
}

/// All ones.
public struct Ones: Initializer {
    /// Creates an all-ones initializer.
    public init() {}
    /// A tensor of ones.
    ///
    /// - Parameters:
    ///   - shape: The shape of the tensor to create.
    ///   - generator: Unused; ones draw nothing.
    /// - Returns: A float32 tensor of shape `shape`, all ones.
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor { .ones(shape) }
}

/// Every element equal to `value`.
public struct Constant: Initializer {
    /// The value every element is set to.
    public var value: Float
    /// Creates an initializer that fills tensors with `value`.
    ///
    /// - Parameter value: The value every element is set to.
    public init(_ value: Float) { self.value = value }
    /// A tensor filled with ``value``.
    ///
    /// - Parameters:
    ///   - shape: The shape of the tensor to create.
    ///   - generator: Unused; a constant draws nothing.
    /// - Returns: A float32 tensor of shape `shape`, every element equal to ``value``.
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor { .full(shape, value: value) }
}

/// Normal samples (Keras defaults: mean 0, standard deviation 0.05).
public struct RandomNormal: SeededInitializer {
    /// The mean of the distribution (`mean`), its standard deviation
    /// (`standardDeviation`), and the initializer's own seed (`seed`; `nil` draws
    /// from the generator it is handed).
    public var mean: Float, standardDeviation: Float, seed: UInt64?
    /// Creates a normal initializer.
    ///
    /// Stops with a message when `standardDeviation` is negative.
    ///
    /// - Parameters:
    ///   - mean: The mean of the distribution; default `0`.
    ///   - standardDeviation: The standard deviation, non-negative; default `0.05`.
    ///   - seed: When set, every call restarts the stream at this seed; default `nil`
    ///     (draw from the generator handed in, usually ``/SynapseCore/Random``).
    public init(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) {
        require(standardDeviation >= 0, "RandomNormal: standardDeviation must be non-negative, got \(standardDeviation)")
        (self.mean, self.standardDeviation, self.seed) = (mean, standardDeviation, seed)
    }
    /// A tensor of normal samples.
    ///
    /// - Parameters:
    ///   - shape: The shape of the tensor to create.
    ///   - generator: The generator to draw from.
    /// - Returns: A float32 tensor of shape `shape`.
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        .randomNormal(shape, mean: mean, standardDeviation: standardDeviation, generator: &generator)
    }
}

/// Uniform samples (Keras defaults: [-0.05, 0.05)).
public struct RandomUniform: SeededInitializer {
    /// The lower bound (`minimum`, inclusive), the upper bound (`maximum`, exclusive),
    /// and the initializer's own seed (`seed`; `nil` draws from the generator it is handed).
    public var minimum: Float, maximum: Float, seed: UInt64?
    /// Creates a uniform initializer over `[minimum, maximum)`.
    ///
    /// Stops with a message when `minimum` is above `maximum`.
    ///
    /// - Parameters:
    ///   - minimum: The inclusive lower bound; default `-0.05`.
    ///   - maximum: The exclusive upper bound; default `0.05`.
    ///   - seed: When set, every call restarts the stream at this seed; default `nil`
    ///     (draw from the generator handed in, usually ``/SynapseCore/Random``).
    public init(minimum: Float = -0.05, maximum: Float = 0.05, seed: UInt64? = nil) {
        require(minimum <= maximum, "RandomUniform: minimum \(minimum) is above maximum \(maximum)")
        (self.minimum, self.maximum, self.seed) = (minimum, maximum, seed)
    }
    /// A tensor of uniform samples in `[minimum, maximum)`.
    ///
    /// - Parameters:
    ///   - shape: The shape of the tensor to create.
    ///   - generator: The generator to draw from.
    /// - Returns: A float32 tensor of shape `shape`.
    public func callAsFunction(_ shape: [Int], generator: inout RandomGenerator) -> Tensor {
        .randomUniform(shape, low: minimum, high: maximum, generator: &generator)
    }
}

/// Normal samples redrawn beyond two standard deviations (Keras defaults: mean 0,
/// standard deviation 0.05).
public struct TruncatedNormal: SeededInitializer {
    /// The mean of the distribution before truncation (`mean`), its standard deviation
    /// (`standardDeviation`), and the initializer's own seed (`seed`; `nil` draws
    /// from the generator it is handed).
    public var mean: Float, standardDeviation: Float, seed: UInt64?
    /// Creates a truncated normal initializer.
    ///
    /// Stops with a message when `standardDeviation` is negative.
    ///
    /// - Parameters:
    ///   - mean: The mean of the distribution; default `0`.
    ///   - standardDeviation: The standard deviation before truncation, non-negative; default `0.05`.
    ///   - seed: When set, every call restarts the stream at this seed; default `nil`
    ///     (draw from the generator handed in, usually ``/SynapseCore/Random``).
    public init(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) {
        require(standardDeviation >= 0, "TruncatedNormal: standardDeviation must be non-negative, got \(standardDeviation)")
        (self.mean, self.standardDeviation, self.seed) = (mean, standardDeviation, seed)
    }
    /// A tensor of normal samples, each redrawn while beyond two standard deviations.
    ///
    /// - Parameters:
    ///   - shape: The shape of the tensor to create.
    ///   - generator: The generator to draw from.
    /// - Returns: A float32 tensor of shape `shape`.
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
    ///
    /// - Parameter value: The value every element is set to.
    /// - Returns: A ``Constant`` initializer.
    public static func constant(_ value: Float) -> Constant { Constant(value) }
}
extension Initializer where Self == RandomNormal {
    /// Normal samples (mean 0, standard deviation 0.05 by default).
    ///
    /// - Parameters:
    ///   - mean: The mean of the distribution; default `0`.
    ///   - standardDeviation: The standard deviation, non-negative; default `0.05`.
    ///   - seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``RandomNormal`` initializer.
    public static func randomNormal(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) -> RandomNormal {
        RandomNormal(mean: mean, standardDeviation: standardDeviation, seed: seed)
    }
}
extension Initializer where Self == RandomUniform {
    /// Uniform samples in [-0.05, 0.05) by default.
    ///
    /// - Parameters:
    ///   - minimum: The inclusive lower bound; default `-0.05`.
    ///   - maximum: The exclusive upper bound; default `0.05`.
    ///   - seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``RandomUniform`` initializer.
    public static func randomUniform(minimum: Float = -0.05, maximum: Float = 0.05, seed: UInt64? = nil) -> RandomUniform {
        RandomUniform(minimum: minimum, maximum: maximum, seed: seed)
    }
}
extension Initializer where Self == TruncatedNormal {
    /// Truncated normal samples (mean 0, standard deviation 0.05 by default).
    ///
    /// - Parameters:
    ///   - mean: The mean of the distribution; default `0`.
    ///   - standardDeviation: The standard deviation before truncation, non-negative; default `0.05`.
    ///   - seed: The initializer's own seed; default `nil` (draw from ``/SynapseCore/Random``).
    /// - Returns: A ``TruncatedNormal`` initializer.
    public static func truncatedNormal(mean: Float = 0, standardDeviation: Float = 0.05, seed: UInt64? = nil) -> TruncatedNormal {
        TruncatedNormal(mean: mean, standardDeviation: standardDeviation, seed: seed)
    }
}
