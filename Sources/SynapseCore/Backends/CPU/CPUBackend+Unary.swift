#if canImport(Glibc)
import Glibc
#endif

/// Unary elementwise kernels and their gradients, split across threads above
/// ``Parallel/forRanges(_:minimumParallelCount:_:)``'s threshold.
extension CPUBackend {
    func unary(_ op: UnaryOp, _ x: TensorStorage, count: Int) -> TensorStorage {
        let result = TensorStorage(byteCount: count * 4)
        let input = UnsafePointer(x.pointer(as: Float.self))
        let output = result.pointer(as: Float.self)
        // The switch runs inside the per-range closure, so each case's function is
        // inlined into the loop the worker threads run; a function captured from
        // outside would reach them as an opaque closure called per element.
        Parallel.forRanges(count) { range in
            @inline(__always) func map(_ f: (Float) -> Float) {
                for index in range { output[index] = f(input[index]) }
            }
            switch op {
            case .negate: map { -$0 }
            case .exp: map { expf($0) }
            case .log: map { logf($0) }
            case .log1p: map { log1pf($0) }
            case .sqrt: map { $0.squareRoot() }
            case .rsqrt: map { 1 / $0.squareRoot() }
            case .abs: map { Swift.abs($0) }
            case .square: map { $0 * $0 }
            case .sign: map { $0 > 0 ? 1 : ($0 < 0 ? -1 : 0) }
            case .reciprocal: map { 1 / $0 }
            case .sin: map { sinf($0) }
            case .cos: map { cosf($0) }
            case .power(let exponent): map { powf($0, exponent) }
            case .clamp(let lower, let upper): map { Swift.min(Swift.max($0, lower), upper) }
            case .relu: map { Swift.max($0, 0) }
            case .leakyRelu(let alpha): map { $0 > 0 ? $0 : alpha * $0 }
            case .elu(let alpha): map { $0 > 0 ? $0 : alpha * expm1f($0) }
            case .selu: map { $0 > 0 ? Selu.scale * $0 : Selu.scale * Selu.alpha * expm1f($0) }
            case .gelu(let approximate):
                if approximate {
                    map { 0.5 * $0 * (1 + tanhf(Gelu.sqrt2OverPi * ($0 + 0.044715 * $0 * $0 * $0))) }
                } else {
                    map { 0.5 * $0 * (1 + erff($0 * Gelu.inverseSqrt2)) }
                }
            case .sigmoid: map(Self.sigmoid)
            case .tanh: map { tanhf($0) }
            case .softplus: map { Swift.max($0, 0) + log1pf(expf(-Swift.abs($0))) }
            case .softsign: map { $0 / (1 + Swift.abs($0)) }
            case .swish: map { $0 * Self.sigmoid($0) }
            }
        }
        return result
    }

    func unaryGradient(_ op: UnaryOp, input x: TensorStorage, output y: TensorStorage,
                       upstream: TensorStorage, count: Int) -> TensorStorage {
        let result = TensorStorage(byteCount: count * 4)
        let input = UnsafePointer(x.pointer(as: Float.self))
        let output = UnsafePointer(y.pointer(as: Float.self))
        let gradient = UnsafePointer(upstream.pointer(as: Float.self))
        let inputGradient = result.pointer(as: Float.self)
        // f(x, y, g) -> dL/dx, with y = op(x) and g = dL/dy.
        // As in `unary`: the switch runs inside the per-range closure.
        Parallel.forRanges(count) { range in
            @inline(__always) func map(_ f: (Float, Float, Float) -> Float) {
                for index in range { inputGradient[index] = f(input[index], output[index], gradient[index]) }
            }
            switch op {
            case .negate: map { _, _, g in -g }
            case .exp: map { _, y, g in g * y }
            case .log: map { x, _, g in g / x }
            case .log1p: map { x, _, g in g / (1 + x) }
            case .sqrt: map { _, y, g in g * 0.5 / y }
            case .rsqrt: map { _, y, g in g * -0.5 * y * y * y }
            case .abs: map { x, _, g in x > 0 ? g : (x < 0 ? -g : 0) }
            case .square: map { x, _, g in g * 2 * x }
            case .sign: map { _, _, _ in 0 }
            case .reciprocal: map { _, y, g in -g * y * y }
            case .sin: map { x, _, g in g * cosf(x) }
            case .cos: map { x, _, g in -g * sinf(x) }
            case .power(let exponent):
                map { x, _, g in exponent == 0 ? 0 : g * exponent * powf(x, exponent - 1) }
            case .clamp(let lower, let upper): map { x, _, g in x >= lower && x <= upper ? g : 0 }
            case .relu: map { x, _, g in x > 0 ? g : 0 }
            case .leakyRelu(let alpha): map { x, _, g in x > 0 ? g : alpha * g }
            case .elu(let alpha): map { x, y, g in x > 0 ? g : g * (y + alpha) }
            case .selu: map { x, y, g in x > 0 ? g * Selu.scale : g * (y + Selu.scale * Selu.alpha) }
            case .gelu(let approximate):
                if approximate {
                    map { x, _, g in
                        let inner = Gelu.sqrt2OverPi * (x + 0.044715 * x * x * x)
                        let t = tanhf(inner)
                        let innerDerivative = Gelu.sqrt2OverPi * (1 + 3 * 0.044715 * x * x)
                        return g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * innerDerivative)
                    }
                } else {
                    map { x, _, g in
                        let cdf = 0.5 * (1 + erff(x * Gelu.inverseSqrt2))
                        let pdf = expf(-0.5 * x * x) * Gelu.inverseSqrt2Pi
                        return g * (cdf + x * pdf)
                    }
                }
            case .sigmoid: map { _, y, g in g * y * (1 - y) }
            case .tanh: map { _, y, g in g * (1 - y * y) }
            case .softplus: map { x, _, g in g * Self.sigmoid(x) }
            case .softsign: map { x, _, g in
                let denominator = 1 + Swift.abs(x)
                return g / (denominator * denominator)
            }
            case .swish: map { x, _, g in
                let s = Self.sigmoid(x)
                return g * s * (1 + x * (1 - s))
            }
            }
        }
        return result
    }

    /// Logistic function, stable for large |x|.
    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        if x >= 0 {
            return 1 / (1 + expf(-x))
        }
        let e = expf(x)
        return e / (1 + e)
    }
}

/// Constants of SELU (Klambauer et al. 2017), as Keras and PyTorch use them.
enum Selu {
    static let alpha: Float = 1.6732632423543772848170429916717
    static let scale: Float = 1.0507009873554804934193349852946
}

/// Constants of GELU.
enum Gelu {
    static let sqrt2OverPi: Float = 0.7978845608028654
    static let inverseSqrt2: Float = 0.7071067811865476
    static let inverseSqrt2Pi: Float = 0.3989422804014327
}
