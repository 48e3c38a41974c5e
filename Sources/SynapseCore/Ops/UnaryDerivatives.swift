/// The derivatives of the elementwise functions, written once, above the backends,
/// in differentiable tensor ops: a backend implements forward kernels only, and the
/// backward pass of a backward pass (second derivatives) comes for free.
///
/// Where a derivative would cost several passes over large tensors on the training
/// path (ReLU, sigmoid, tanh, and the piecewise-linear family), it is one fused
/// elementwise primitive instead, ``ElementwiseGradient``, with a vector-Jacobian
/// product of its own (as PyTorch's `threshold_backward`, `sigmoid_backward` and
/// `tanh_backward`).
extension UnaryOp {
    /// Whether the derivative is written in terms of the output `y = f(x)`.
    var derivativeReadsOutput: Bool {
        switch self {
        case .exp, .sqrt, .rsqrt, .reciprocal, .elu, .selu, .sigmoid, .tanh: true
        default: false
        }
    }

    /// `g · f′(x)`, the gradient of the input from the gradient `g` of the output.
    ///
    /// - Parameters:
    ///   - x: the op's input (attached to the graph).
    ///   - y: the op's output, when ``derivativeReadsOutput``.
    ///   - gradient: the upstream gradient, of `x`'s shape.
    func vectorJacobianProduct(x: Tensor, y: Tensor?, gradient g: Tensor) -> Tensor {
        func output() -> Tensor {
            guard let y else { fatalError("vectorJacobianProduct: \(self) needs its output") }
            return y
        }
        switch self {
        case .negate: return -g
        case .exp: return g * output()
        case .log: return g / x
        case .log1p: return g / (x + 1)
        case .sqrt: return g * 0.5 / output()
        case .rsqrt: return g * output().pow(3) * -0.5
        case .abs: return g * x.sign()
        case .square: return g * x * 2
        case .sign: return g.zeros(g.shape)
        case .reciprocal: let y = output(); return -g * y * y
        case .sin: return g * x.cos()
        case .cos: return -g * x.sin()
        case .erf: return g * (x.square() * -1).exp() * x.scalar(2 / Double.pi.squareRoot())
        case .power(let exponent):
            return exponent == 0 ? g.zeros(g.shape) : g * x.pow(exponent - 1) * exponent
        case .clamp(let lower, let upper): return Tensor.elementwiseGradient(.clamp(lower: lower, upper: upper), saved: x, upstream: g)
        case .relu: return Tensor.elementwiseGradient(.relu, saved: x, upstream: g)
        case .leakyRelu(let alpha): return Tensor.elementwiseGradient(.leakyRelu(alpha: alpha), saved: x, upstream: g)
        case .elu(let alpha): return Tensor.where(x .> 0, g, g * (output() + alpha))
        case .selu: return Tensor.where(x .> 0, g * Selu.scale, g * (output() + Selu.scale * Selu.alpha))
        case .gelu(let approximate):
            if approximate {
                // Constants in the input's precision, so float64 derivatives match float64 forwards.
                let (c, k) = (x.scalar(Gelu.sqrt2OverPi64), x.scalar(0.044715))
                let inner = (x + x.pow(3) * k) * c
                let t = inner.tanh()
                let innerDerivative = (x.square() * k * 3 + 1) * c
                return g * ((t + 1) * 0.5 + x * (1 - t.square()) * innerDerivative * 0.5)
            }
            let cdf = ((x * x.scalar(Gelu.inverseSqrt2_64)).erf() + 1) * 0.5
            let pdf = (x.square() * -0.5).exp() * x.scalar(Gelu.inverseSqrt2Pi64)
            return g * (cdf + x * pdf)
        case .sigmoid: return Tensor.elementwiseGradient(.sigmoid, saved: output(), upstream: g)
        case .tanh: return Tensor.elementwiseGradient(.tanh, saved: output(), upstream: g)
        case .softplus: return g * x.sigmoid()
        case .softsign: return g / (x.abs() + 1).square()
        case .swish:
            let s = x.sigmoid()
            return g * s * (x * (1 - s) + 1)
        }
    }
}

extension Tensor {
    /// The fused gradient primitive `op(saved, upstream)` (see ``ElementwiseGradient``),
    /// recorded with its own vector-Jacobian product:
    /// - linear in `upstream`, so its gradient there is the same primitive of the
    ///   incoming gradient;
    /// - for the piecewise-linear ops the derivative in `saved` is zero almost
    ///   everywhere; for sigmoid and tanh (saved output `y`) it is
    ///   `g·(1 − 2y)` and `−2g·y` times the incoming gradient.
    static func elementwiseGradient(_ op: ElementwiseGradient, saved: Tensor, upstream: Tensor) -> Tensor {
        requireSameDTypeAndDevice(op.nodeName, upstream, saved)
        let storage = upstream.backend.elementwiseGradient(op, saved: saved.storage, upstream: upstream.storage,
                                                           dtype: upstream.dtype, count: upstream.scalarCount)
        let result = Tensor(storage: storage, shape: upstream.shape, dtype: upstream.dtype)
        guard needsRecording(saved, upstream) else { return result }
        return record(result, op: op.nodeName, inputs: saved, upstream) { incoming in
            let viaUpstream = elementwiseGradient(op, saved: saved, upstream: incoming)
            switch op {
            case .relu, .leakyRelu, .clamp:
                return [nil, viaUpstream]
            case .sigmoid:
                return [incoming * upstream * (1 - saved * 2), viaUpstream]
            case .tanh:
                return [incoming * upstream * saved * -2, viaUpstream]
            }
        }
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
    static let sqrt2OverPi64 = (2 / Double.pi).squareRoot()
    static let inverseSqrt2_64 = 1 / 2.0.squareRoot()
    static let inverseSqrt2Pi64 = 1 / (2 * Double.pi).squareRoot()
}
