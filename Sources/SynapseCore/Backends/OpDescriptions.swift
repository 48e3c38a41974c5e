// What an op asks a backend to compute: the elementwise functions, reductions and
// broadcast and reduction layouts that every Backend implements.

/// Elementwise functions of one float32 tensor.
///
/// Each case has a forward kernel and a gradient kernel that maps the upstream
/// gradient to the input gradient using the saved input and/or output.
public enum UnaryOp: Sendable, Hashable {
    /// `-x`.
    case negate
    /// `eˣ`.
    case exp
    /// The natural logarithm `ln x`.
    case log
    /// `ln(1 + x)`, accurate for small `x`.
    case log1p
    /// `√x`.
    case sqrt
    /// `1 / √x`.
    case rsqrt
    /// `|x|`.
    case abs
    /// `x²`.
    case square
    /// `1` for positive, `-1` for negative, `0` for zero.
    case sign
    /// `1 / x`.
    case reciprocal
    /// The sine of `x` (radians).
    case sin
    /// The cosine of `x` (radians).
    case cos
    /// The error function.
    case erf
    /// `x^exponent` for a constant exponent.
    case power(Float)
    /// `min(max(x, lower), upper)`.
    case clamp(lower: Float, upper: Float)
    /// `max(x, 0)`.
    case relu
    /// `x` for positive `x`, else `alpha · x`.
    case leakyRelu(alpha: Float)
    /// `x` for positive `x`, else `alpha · (eˣ − 1)`.
    case elu(alpha: Float)
    /// Scaled ELU: `scale · x` for positive `x`, else `scale · alpha · (eˣ − 1)`, with
    /// the fixed constants `alpha ≈ 1.6733` and `scale ≈ 1.0507`.
    case selu
    /// Exact GELU (`x·Φ(x)`) or its tanh approximation.
    case gelu(approximate: Bool)
    /// The logistic function `1 / (1 + e⁻ˣ)`.
    case sigmoid
    /// The hyperbolic tangent.
    case tanh
    /// `ln(1 + eˣ)`, computed stably.
    case softplus
    /// `x / (1 + |x|)`.
    case softsign
    /// `x · sigmoid(x)` (SiLU).
    case swish
}

/// Fused gradient kernels of the elementwise functions whose derivatives are on
/// every training path: `upstream · f′` from a saved input (the piecewise-linear
/// family) or a saved output (sigmoid, tanh), in one pass. The derivative
/// formulas of everything else are tensor ops above the backends.
public enum ElementwiseGradient: Sendable, Hashable {
    /// `g · [x > 0]` from the saved input.
    case relu
    /// `g · (x > 0 ? 1 : alpha)` from the saved input.
    case leakyRelu(alpha: Float)
    /// `g · [lower ≤ x ≤ upper]` from the saved input.
    case clamp(lower: Float, upper: Float)
    /// `g · y · (1 − y)` from the saved output.
    case sigmoid
    /// `g · (1 − y²)` from the saved output.
    case tanh

    /// The op's name in the autograd graph ("reluGradient", ...): literals, so that
    /// naming a node on the hot path costs no string formatting.
    public var nodeName: String {
        switch self {
        case .relu: "reluGradient"
        case .leakyRelu: "leakyReluGradient"
        case .clamp: "clampGradient"
        case .sigmoid: "sigmoidGradient"
        case .tanh: "tanhGradient"
        }
    }
}

/// The distributions the backends' Philox generators draw from.
public enum RandomDistribution: Sendable, Hashable {
    /// Uniform in `[low, high)`.
    case uniform(low: Float, high: Float)
    /// Normal with the given mean and standard deviation.
    case normal(mean: Float, standardDeviation: Float)
    /// Normal redrawn until within two standard deviations of the mean (Keras' `TruncatedNormal`).
    case truncatedNormal(mean: Float, standardDeviation: Float)
}

/// Elementwise functions of two floating-point tensors, with broadcasting.
public enum BinaryOp: Sendable, Hashable {
    /// `a + b`.
    case add
    /// `a − b`.
    case subtract
    /// `a · b`.
    case multiply
    /// `a / b`.
    case divide
    /// `a` raised to the power `b`.
    case power
    /// The smaller of `a` and `b` (NaN when either is NaN).
    case minimum
    /// The larger of `a` and `b` (NaN when either is NaN).
    case maximum
}

/// Elementwise comparisons; the result is a bool mask.
public enum ComparisonOp: Sendable, Hashable {
    /// `a == b`.
    case equal
    /// `a != b`.
    case notEqual
    /// `a < b`.
    case less
    /// `a <= b`.
    case lessEqual
    /// `a > b`.
    case greater
    /// `a >= b`.
    case greaterEqual
}

/// Reductions along one group of axes.
public enum ReductionOp: Sendable, Hashable {
    /// The sum of the reduced elements.
    case sum
    /// The largest of the reduced elements.
    case max
    /// The smallest of the reduced elements.
    case min
}

/// Index-of-extremum reductions; the result is int32.
public enum ArgReductionOp: Sendable, Hashable {
    /// The index of the largest element (the first one on ties).
    case argmax
    /// The index of the smallest element (the first one on ties).
    case argmin
}

/// How operands of an elementwise op are read to produce an output of `shape`:
/// per operand, strides in elements (0 along broadcast dimensions).
public struct BroadcastLayout: Sendable, Equatable {
    /// Output shape.
    public var shape: [Int]
    /// The operands' own shapes.
    public var operandShapes: [[Int]]
    /// Per operand, one stride per output dimension (computed on demand: the
    /// common same-shape and scalar cases never need them).
    public var strides: [[Int]] { operandShapes.map { Shape.broadcastStrides($0, to: shape) } }

    /// Layout that broadcasts operands of the given shapes to `shape`.
    ///
    /// - Parameters:
    ///   - shape: the output shape, which every operand shape broadcasts to.
    ///   - operandShapes: the operands' own shapes, in argument order.
    public init(shape: [Int], operandShapes: [[Int]]) {
        self.shape = shape
        self.operandShapes = operandShapes
    }
}

/// A reduction seen as `[outer, extent, inner]`: the reduced axes are contiguous
/// (`extent` elements apart by `inner`), `outer` and `inner` are kept.
public struct ReductionGeometry: Sendable, Equatable {
    /// Product of the dimensions before the reduced ones.
    public var outer: Int
    /// Product of the reduced dimensions.
    public var extent: Int
    /// Product of the dimensions after the reduced ones.
    public var inner: Int
    /// - Parameters:
    ///   - outer: product of the leading kept dimensions.
    ///   - extent: product of the reduced dimensions.
    ///   - inner: product of the trailing kept dimensions.
    public init(outer: Int, extent: Int, inner: Int) {
        self.outer = outer
        self.extent = extent
        self.inner = inner
    }
}
