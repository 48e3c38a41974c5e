import Testing
@testable import SynapseCore

/// First- and second-order finite-difference checks in float64.
///
/// For `f` of float64 tensors and a fixed random projection `r`, let
/// `L(x) = Σ f(x) · r`.
/// - First order: autograd's `∇L` against the central difference
///   `(L(x + h eᵢ) − L(x − h eᵢ)) / 2h`, `h = 1e-6`, for every element.
/// - Second order: the Hessian-vector product `H v` from differentiating the
///   recorded gradient (`gradient(of: ∇L · v)`), against the central difference of
///   autograd's own first gradient along `v`: `(∇L(x + εv) − ∇L(x − εv)) / 2ε`,
///   `ε = 1e-4`, with `v` random over all inputs at once.
///
/// Tolerances: in float64 the rounding noise of a difference quotient is about
/// `1e-16 · |L| / h`: 1e-10 for the first order, 1e-12 for the second; the
/// truncation error is `h² / 6 · |L'''|` (1e-13) and `ε² / 6 · |∇L'''|` (2e-9 for
/// third derivatives of order 1). Both are far below `1e-7 + 1e-6 · |numeric|`,
/// while a rule wrong by 0.1 % misses it by three orders of magnitude on the O(1)
/// values used here.
enum SecondOrderCheck {
    static let absoluteTolerance = 1e-7
    static let relativeTolerance = 1e-6

    /// Expects first and second derivatives of `function` at `inputs` to match
    /// finite differences. Inputs are converted to float64.
    static func expectDerivativesMatch(at inputs: [Tensor], secondOrder: Bool = true, seed: UInt64 = 0x2D0,
                                       sourceLocation: SourceLocation = #_sourceLocation,
                                       _ function: @escaping ([Tensor]) -> Tensor) {
        let inputs = inputs.map { $0.detached().to(.float64) }
        let output = withoutGradient { function(inputs) }
        #expect(output.dtype == .float64, "the function must keep float64", sourceLocation: sourceLocation)
        let projection = random(output.shape, seed: seed)
        let loss = { (x: [Tensor]) in (function(x) * projection).sum() }

        // First order.
        let analytic = gradient(of: loss, at: inputs)
        for (position, input) in inputs.enumerated() {
            let values = input.doubleScalars
            var numeric: [Double] = []
            for index in values.indices {
                let h = 1e-6
                let plus = evaluate(loss, inputs, position, index, values, +h)
                let minus = evaluate(loss, inputs, position, index, values, -h)
                numeric.append((plus - minus) / (2 * h))
            }
            expectClose(analytic[position].doubleScalars, numeric, "first order, input \(position)", sourceLocation)
        }
        guard secondOrder else { return }

        // Second order: H·v.
        let directions = inputs.enumerated().map { random($0.element.shape, seed: seed + 1 + UInt64($0.offset)) }
        let hessianVector = gradient(of: { x in
            let firstGradients = gradient(of: loss, at: x, createGraph: true)
            return zip(firstGradients, directions).map { ($0 * $1).sum() }.reduce(Tensor(float64: [0], shape: [])) { $0 + $1 }
        }, at: inputs)
        // `x ± εv` built on the host in double precision (a Float scalar would round ε).
        let epsilon = 1e-4
        let plus = zip(inputs, directions).map { Tensor(float64: zip($0.doubleScalars, $1.doubleScalars).map { $0 + epsilon * $1 }, shape: $0.shape) }
        let minus = zip(inputs, directions).map { Tensor(float64: zip($0.doubleScalars, $1.doubleScalars).map { $0 - epsilon * $1 }, shape: $0.shape) }
        let gradientPlus = gradient(of: loss, at: plus)
        let gradientMinus = gradient(of: loss, at: minus)
        for position in inputs.indices {
            let numeric = zip(gradientPlus[position].doubleScalars, gradientMinus[position].doubleScalars)
                .map { ($0 - $1) / (2 * epsilon) }
            expectClose(hessianVector[position].doubleScalars, numeric, "second order (H·v), input \(position)", sourceLocation)
        }
    }

    private static func evaluate(_ loss: ([Tensor]) -> Tensor, _ inputs: [Tensor], _ position: Int, _ index: Int,
                                 _ values: [Double], _ step: Double) -> Double {
        var shifted = values
        shifted[index] += step
        var arguments = inputs
        arguments[position] = Tensor(float64: shifted, shape: inputs[position].shape)
        return withoutGradient { loss(arguments) }.doubleItem
    }

    /// Uniform values in [-1, 1) as float64.
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var generator = RandomGenerator(seed: seed)
        return Tensor.random(shape, .uniform(low: -1, high: 1), generator: &generator, dtype: .float64)
    }

    private static func expectClose(_ actual: [Double], _ expected: [Double], _ label: String,
                                    _ sourceLocation: SourceLocation) {
        #expect(actual.count == expected.count, "\(label): element count", sourceLocation: sourceLocation)
        let mismatches = zip(actual, expected).enumerated()
            .filter { Swift.abs($0.element.0 - $0.element.1) > absoluteTolerance + relativeTolerance * Swift.abs($0.element.1) }
            .prefix(4)
            .map { "[\($0.offset)] analytic \($0.element.0), numeric \($0.element.1)" }
        #expect(mismatches.isEmpty, "\(label): \(mismatches.joined(separator: "; "))", sourceLocation: sourceLocation)
    }
}
