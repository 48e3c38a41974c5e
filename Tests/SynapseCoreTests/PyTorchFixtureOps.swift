@testable import SynapseCore

/// Runs one op on a fixture case's inputs with its parameters, returning its outputs.
typealias FixtureOp = @Sendable (_ inputs: [Tensor], _ parameters: FixtureParameters) throws -> [Tensor]

/// The Swift side of `Fixtures/ops.json`: fixture op name → the Synapse call.
///
/// Parameters a case leaves out are left out of the call too, so the defaults
/// (Keras' leakyRelu slope, population variance, softmax on the last axis…) are
/// what the fixture checks.
enum FixtureOps {
    static let table: [String: FixtureOp] = arithmetic
        .merging(unaryMath) { _, _ in fatalError("duplicate op") }
        .merging(activations) { _, _ in fatalError("duplicate op") }
        .merging(reductions) { _, _ in fatalError("duplicate op") }
        .merging(shapes) { _, _ in fatalError("duplicate op") }
        .merging(indexingAndJoining) { _, _ in fatalError("duplicate op") }
        .merging(comparisons) { _, _ in fatalError("duplicate op") }

    private static func unary(_ body: @escaping @Sendable (Tensor) -> Tensor) -> FixtureOp {
        { inputs, _ in [body(inputs[0])] }
    }

    private static func binary(_ body: @escaping @Sendable (Tensor, Tensor) -> Tensor) -> FixtureOp {
        { inputs, _ in [body(inputs[0], inputs[1])] }
    }

    private static let arithmetic: [String: FixtureOp] = [
        "add": binary { $0 + $1 },
        "subtract": binary { $0 - $1 },
        "multiply": binary { $0 * $1 },
        "divide": binary { $0 / $1 },
        "pow": binary { $0.pow($1) },
        "minimum": binary { Tensor.minimum($0, $1) },
        "maximum": binary { Tensor.maximum($0, $1) },
        "powScalar": { inputs, p in [inputs[0].pow(try p.required("exponent", p.float))] },
        "scalarArithmetic": { inputs, p in
            let (x, scalar) = (inputs[0], try p.required("scalar", p.float))
            let onLeft = try p.required("scalarOnLeft", p.bool)
            switch try p.required("operator", p.string) {
            case "+": return [onLeft ? scalar + x : x + scalar]
            case "-": return [onLeft ? scalar - x : x - scalar]
            case "*": return [onLeft ? scalar * x : x * scalar]
            case "/": return [onLeft ? scalar / x : x / scalar]
            case let other: throw FixtureParameters.ParameterError.invalid("operator", other)
            }
        },
    ]

    private static let unaryMath: [String: FixtureOp] = [
        "negate": unary { -$0 },
        "exp": unary { $0.exp() },
        "log": unary { $0.log() },
        "log1p": unary { $0.log1p() },
        "sqrt": unary { $0.sqrt() },
        "rsqrt": unary { $0.rsqrt() },
        "abs": unary { $0.abs() },
        "square": unary { $0.square() },
        "sign": unary { $0.sign() },
        "reciprocal": unary { $0.reciprocal() },
        "sin": unary { $0.sin() },
        "cos": unary { $0.cos() },
        "clamped": { inputs, p in
            switch (try p.float("min"), try p.float("max")) {
            case let (lower?, upper?): [inputs[0].clamped(min: lower, max: upper)]
            case let (lower?, nil): [inputs[0].clamped(min: lower)]
            case let (nil, upper?): [inputs[0].clamped(max: upper)]
            case (nil, nil): [inputs[0].clamped()]
            }
        },
    ]

    private static let activations: [String: FixtureOp] = [
        "relu": unary { $0.relu() },
        "leakyRelu": { inputs, p in [try p.float("alpha").map { inputs[0].leakyRelu(alpha: $0) } ?? inputs[0].leakyRelu()] },
        "elu": { inputs, p in [try p.float("alpha").map { inputs[0].elu(alpha: $0) } ?? inputs[0].elu()] },
        "selu": unary { $0.selu() },
        "gelu": { inputs, p in [try p.bool("approximate").map { inputs[0].gelu(approximate: $0) } ?? inputs[0].gelu()] },
        "sigmoid": unary { $0.sigmoid() },
        "tanh": unary { $0.tanh() },
        "softplus": unary { $0.softplus() },
        "softsign": unary { $0.softsign() },
        "swish": unary { $0.swish() },
        "softmax": { inputs, p in [try p.int("axis").map { inputs[0].softmax(axis: $0) } ?? inputs[0].softmax()] },
        "logSoftmax": { inputs, p in [try p.int("axis").map { inputs[0].logSoftmax(axis: $0) } ?? inputs[0].logSoftmax()] },
    ]

    /// A reduction with an `alongAxes:keepDims:` form and an all-elements form.
    private static func reduction(_ along: @escaping @Sendable (Tensor, [Int], Bool) -> Tensor,
                                  all: @escaping @Sendable (Tensor) -> Tensor) -> FixtureOp {
        { inputs, p in
            guard let axes = try p.ints("axes") else { return [all(inputs[0])] }
            return [along(inputs[0], axes, try p.required("keepDims", p.bool))]
        }
    }

    /// variance / standardDeviation: optional axes, optional correction.
    private static func spread(_ along: @escaping @Sendable (Tensor, [Int], Bool, Int?) -> Tensor,
                               all: @escaping @Sendable (Tensor, Int?) -> Tensor) -> FixtureOp {
        { inputs, p in
            let correction = try p.int("correction")
            guard let axes = try p.ints("axes") else { return [all(inputs[0], correction)] }
            return [along(inputs[0], axes, try p.required("keepDims", p.bool), correction)]
        }
    }

    /// argmax / argmin: optional axis (default: the last) and keepDims.
    private static func argument(_ along: @escaping @Sendable (Tensor, Int, Bool) -> Tensor,
                                 byDefault: @escaping @Sendable (Tensor) -> Tensor) -> FixtureOp {
        { inputs, p in
            guard let axis = try p.int("axis") else { return [byDefault(inputs[0])] }
            return [along(inputs[0], axis, try p.bool("keepDims") ?? false)]
        }
    }

    private static let reductions: [String: FixtureOp] = [
        "sum": reduction({ $0.sum(alongAxes: $1, keepDims: $2) }, all: { $0.sum() }),
        "mean": reduction({ $0.mean(alongAxes: $1, keepDims: $2) }, all: { $0.mean() }),
        "max": reduction({ $0.max(alongAxes: $1, keepDims: $2) }, all: { $0.max() }),
        "min": reduction({ $0.min(alongAxes: $1, keepDims: $2) }, all: { $0.min() }),
        "logSumExp": reduction({ $0.logSumExp(alongAxes: $1, keepDims: $2) },
                               all: { $0.logSumExp(alongAxes: Array(0..<$0.rank)) }),
        "variance": spread({ x, axes, keep, correction in
            correction.map { x.variance(alongAxes: axes, keepDims: keep, correction: $0) }
                ?? x.variance(alongAxes: axes, keepDims: keep)
        }, all: { x, correction in correction.map { x.variance(correction: $0) } ?? x.variance() }),
        "standardDeviation": spread({ x, axes, keep, correction in
            correction.map { x.standardDeviation(alongAxes: axes, keepDims: keep, correction: $0) }
                ?? x.standardDeviation(alongAxes: axes, keepDims: keep)
        }, all: { x, correction in correction.map { x.standardDeviation(correction: $0) } ?? x.standardDeviation() }),
        "argmax": argument({ $0.argmax(alongAxis: $1, keepDims: $2) }, byDefault: { $0.argmax() }),
        "argmin": argument({ $0.argmin(alongAxis: $1, keepDims: $2) }, byDefault: { $0.argmin() }),
        "matmul": { inputs, p in
            [inputs[0].matmul(inputs[1], transposeA: try p.bool("transposeA") ?? false,
                              transposeB: try p.bool("transposeB") ?? false)]
        },
    ]

    private static let shapes: [String: FixtureOp] = [
        "reshaped": { inputs, p in [inputs[0].reshaped(to: try p.required("shape", p.ints))] },
        "permuted": { inputs, p in [inputs[0].permuted(try p.required("permutation", p.ints))] },
        "transposed": { inputs, p in
            guard let axes = try p.ints("axes") else { return [inputs[0].transposed()] }
            return [inputs[0].transposed(axes[0], axes[1])]
        },
        "T": unary { $0.T },
        "squeezed": { inputs, p in [try p.int("axis").map { inputs[0].squeezed(axis: $0) } ?? inputs[0].squeezed()] },
        "unsqueezed": { inputs, p in [inputs[0].unsqueezed(axis: try p.required("axis", p.int))] },
        "flattened": { inputs, p in [try p.int("startAxis").map { inputs[0].flattened(startAxis: $0) } ?? inputs[0].flattened()] },
        "broadcast": { inputs, p in [inputs[0].broadcast(to: try p.required("shape", p.ints))] },
    ]

    /// A slice entry of the fixture (`{"kind": "range", "start": 1, "step": 2}`) as a ``TensorIndex``.
    private static func tensorIndex(_ value: FixtureValue) throws -> TensorIndex {
        guard case .object(let fields) = value, case .string(let kind)? = fields["kind"] else {
            throw FixtureParameters.ParameterError.invalid("indices", "\(value)")
        }
        switch kind {
        case "index": return .index(fields["value"]?.int ?? 0)
        case "range": return .range(start: fields["start"]?.int, end: fields["end"]?.int, step: fields["step"]?.int ?? 1)
        case "all": return .all
        case "newAxis": return .newAxis
        case "ellipsis": return .ellipsis
        default: throw FixtureParameters.ParameterError.invalid("indices", kind)
        }
    }

    private static let indexingAndJoining: [String: FixtureOp] = [
        "slice": { inputs, p in [inputs[0].slice(try p.required("indices", p.array).map(tensorIndex))] },
        "gather": { inputs, p in [try p.int("axis").map { inputs[0].gather(inputs[1], axis: $0) } ?? inputs[0].gather(inputs[1])] },
        "oneHot": { inputs, p in [inputs[0].oneHot(depth: try p.required("depth", p.int))] },
        "concatenate": { inputs, p in [try p.int("axis").map { Tensor.concatenate(inputs, axis: $0) } ?? Tensor.concatenate(inputs)] },
        "stack": { inputs, p in [try p.int("axis").map { Tensor.stack(inputs, axis: $0) } ?? Tensor.stack(inputs)] },
        "split": { inputs, p in
            let axis = try p.int("axis")
            if let sizes = try p.ints("sizes") {
                return axis.map { inputs[0].split(sizes: sizes, axis: $0) } ?? inputs[0].split(sizes: sizes)
            }
            let count = try p.required("count", p.int)
            return axis.map { inputs[0].split(count: count, axis: $0) } ?? inputs[0].split(count: count)
        },
        "narrowed": { inputs, p in
            [inputs[0].narrowed(axis: try p.required("axis", p.int), start: try p.required("start", p.int),
                                length: try p.required("length", p.int))]
        },
    ]

    private static func compare(_ op: String, _ lhs: Tensor, _ rhs: Float) throws -> Tensor {
        switch op {
        case ".==": lhs .== rhs
        case ".!=": lhs .!= rhs
        case ".<": lhs .< rhs
        case ".<=": lhs .<= rhs
        case ".>": lhs .> rhs
        case ".>=": lhs .>= rhs
        default: throw FixtureParameters.ParameterError.invalid("operator", op)
        }
    }

    private static let comparisons: [String: FixtureOp] = [
        ".==": binary { $0 .== $1 },
        ".!=": binary { $0 .!= $1 },
        ".<": binary { $0 .< $1 },
        ".<=": binary { $0 .<= $1 },
        ".>": binary { $0 .> $1 },
        ".>=": binary { $0 .>= $1 },
        "compareScalar": { inputs, p in
            [try compare(try p.required("operator", p.string), inputs[0], try p.required("scalar", p.float))]
        },
        "isFinite": unary { $0.isFinite() },
        "isNaN": unary { $0.isNaN() },
        "where": { inputs, _ in [Tensor.where(inputs[0], inputs[1], inputs[2])] },
        "to": { inputs, p in
            let name = try p.required("dtype", p.string)
            guard let dtype = DType(rawValue: name) else { throw FixtureParameters.ParameterError.invalid("dtype", name) }
            return [inputs[0].to(dtype)]
        },
    ]
}
