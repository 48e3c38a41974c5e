import Foundation
@testable import SynapseCore

/// The definitions the backend conformance suite checks kernels against, in
/// double precision where the kernels work in float32. The switches are
/// exhaustive, so a new op case does not compile until it has a reference here.
enum ReferenceMath {
    static let seluAlpha = 1.6732632423543772848170429916717
    static let seluScale = 1.0507009873554804934193349852946

    static func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    /// The tanh approximation of GELU: `0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))`.
    static func geluTanhInner(_ x: Double) -> Double { (2 / Double.pi).squareRoot() * (x + 0.044715 * x * x * x) }

    static func value(_ op: UnaryOp, _ x: Double) -> Double {
        switch op {
        case .negate: return -x
        case .exp: return exp(x)
        case .log: return log(x)
        case .log1p: return log1p(x)
        case .sqrt: return x.squareRoot()
        case .rsqrt: return 1 / x.squareRoot()
        case .abs: return Swift.abs(x)
        case .square: return x * x
        case .sign: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .reciprocal: return 1 / x
        case .sin: return sin(x)
        case .cos: return cos(x)
        case .erf: return erf(x)
        case .power(let p): return pow(x, Double(p))
        case .clamp(let lower, let upper): return Swift.min(Swift.max(x, Double(lower)), Double(upper))
        case .relu: return Swift.max(x, 0)
        case .leakyRelu(let alpha): return x > 0 ? x : Double(alpha) * x
        case .elu(let alpha): return x > 0 ? x : Double(alpha) * (exp(x) - 1)
        case .selu: return seluScale * (x > 0 ? x : seluAlpha * (exp(x) - 1))
        case .gelu(let approximate):
            return approximate ? 0.5 * x * (1 + tanh(geluTanhInner(x))) : 0.5 * x * (1 + erf(x / 2.0.squareRoot()))
        case .sigmoid: return sigmoid(x)
        case .tanh: return tanh(x)
        case .softplus: return log1p(exp(x))
        case .softsign: return x / (1 + Swift.abs(x))
        case .swish: return x * sigmoid(x)
        }
    }

    /// `d op(x) / dx` away from kinks.
    static func derivative(_ op: UnaryOp, _ x: Double) -> Double {
        switch op {
        case .negate: return -1
        case .exp: return exp(x)
        case .log: return 1 / x
        case .log1p: return 1 / (1 + x)
        case .sqrt: return 0.5 / x.squareRoot()
        case .rsqrt: return -0.5 * pow(x, -1.5)
        case .abs: return x > 0 ? 1 : (x < 0 ? -1 : 0)
        case .square: return 2 * x
        case .sign: return 0
        case .reciprocal: return -1 / (x * x)
        case .sin: return cos(x)
        case .cos: return -sin(x)
        case .erf: return 2 / Double.pi.squareRoot() * exp(-x * x)
        case .power(let p): return p == 0 ? 0 : Double(p) * pow(x, Double(p) - 1)
        case .clamp(let lower, let upper): return x >= Double(lower) && x <= Double(upper) ? 1 : 0
        case .relu: return x > 0 ? 1 : 0
        case .leakyRelu(let alpha): return x > 0 ? 1 : Double(alpha)
        case .elu(let alpha): return x > 0 ? 1 : Double(alpha) * exp(x)
        case .selu: return seluScale * (x > 0 ? 1 : seluAlpha * exp(x))
        case .gelu(let approximate):
            if approximate {
                let t = tanh(geluTanhInner(x))
                let innerDerivative = (2 / Double.pi).squareRoot() * (1 + 3 * 0.044715 * x * x)
                return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * innerDerivative
            }
            let cdf = 0.5 * (1 + erf(x / 2.0.squareRoot()))
            let pdf = exp(-0.5 * x * x) / (2 * Double.pi).squareRoot()
            return cdf + x * pdf
        case .sigmoid: return sigmoid(x) * (1 - sigmoid(x))
        case .tanh: return 1 - tanh(x) * tanh(x)
        case .softplus: return sigmoid(x)
        case .softsign: return 1 / ((1 + Swift.abs(x)) * (1 + Swift.abs(x)))
        case .swish: return sigmoid(x) + x * sigmoid(x) * (1 - sigmoid(x))
        }
    }

    /// Binary ops in float32, as the kernels compute them (one rounding each).
    static func binary(_ op: BinaryOp, _ a: Float, _ b: Float) -> Float {
        switch op {
        case .add: return a + b
        case .subtract: return a - b
        case .multiply: return a * b
        case .divide: return a / b
        case .power: return Float(pow(Double(a), Double(b)))
        case .minimum: return a.isNaN || b.isNaN ? .nan : Swift.min(a, b)
        case .maximum: return a.isNaN || b.isNaN ? .nan : Swift.max(a, b)
        }
    }

    static func compare<T: Comparable>(_ op: ComparisonOp, _ a: T, _ b: T) -> Bool {
        switch op {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessEqual: return a <= b
        case .greater: return a > b
        case .greaterEqual: return a >= b
        }
    }

    static func reduce(_ op: ReductionOp, _ values: [Float]) -> Float {
        switch op {
        case .sum: return Float(values.reduce(0.0) { $0 + Double($1) })
        case .max: return values.max()!
        case .min: return values.min()!
        }
    }

    /// Index of the first extremum.
    static func argReduce(_ op: ArgReductionOp, _ values: [Float]) -> Int32 {
        switch op {
        case .argmax: return Int32(values.firstIndex(of: values.max()!)!)
        case .argmin: return Int32(values.firstIndex(of: values.min()!)!)
        }
    }
}
