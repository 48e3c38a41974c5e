#if canImport(Glibc)
import Glibc
#endif

/// Unary elementwise kernels and their gradients, split across threads above
/// ``Parallel/forRanges(_:minimumParallelCount:_:)``'s threshold.
extension CPUBackend {
    func unary(_ op: UnaryOp, _ x: TensorStorage, dtype: DType, count: Int) -> TensorStorage {
        if dtype == .float64 { return float64Unary(op, x, count: count) }
        let result = allocate(byteCount: count * 4)
        let input = UnsafePointer(x.kernelPointer(as: Float.self))
        let output = result.kernelPointer(as: Float.self)
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
            case .erf: map { erff($0) }
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

    func elementwiseGradient(_ op: ElementwiseGradient, saved: TensorStorage, upstream: TensorStorage,
                             dtype: DType, count: Int) -> TensorStorage {
        if dtype == .float64 { return float64ElementwiseGradient(op, saved: saved, upstream: upstream, count: count) }
        let result = allocate(byteCount: count * 4)
        let savedValues = UnsafePointer(saved.kernelPointer(as: Float.self))
        let gradient = UnsafePointer(upstream.kernelPointer(as: Float.self))
        let inputGradient = result.kernelPointer(as: Float.self)
        // As in `unary`: the switch runs inside the per-range closure.
        Parallel.forRanges(count) { range in
            @inline(__always) func map(_ f: (Float, Float) -> Float) {
                for index in range { inputGradient[index] = f(savedValues[index], gradient[index]) }
            }
            switch op {
            case .relu: map { x, g in x > 0 ? g : 0 }
            case .leakyRelu(let alpha): map { x, g in x > 0 ? g : alpha * g }
            case .clamp(let lower, let upper): map { x, g in x >= lower && x <= upper ? g : 0 }
            case .sigmoid: map { y, g in g * y * (1 - y) }
            case .tanh: map { y, g in g * (1 - y * y) }
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

