import Testing
@testable import SynapseCore

/// Gradients of gradients: `backward(createGraph:)`, nested `valueAndGradient`,
/// `gradient(of:at:createGraph:)`, a Hessian-vector product and a gradient penalty.
@Suite("Higher-order gradients")
struct HigherOrderGradientTests {
    @Test("backward(createGraph: true) leaves a gradient that can be differentiated again")
    func backwardCreateGraph() {
        let x = Tensor(float64: [1, 2, -3]).requiringGrad()
        (x * x * x).sum().backward(createGraph: true)
        let first = x.grad!
        #expect(first.requiresGrad)
        #expect(first.doubleScalars == [3, 12, 27])
        x.zeroGrad()
        first.sum().backward()
        #expect(x.grad!.doubleScalars == [6, 12, -18])
    }

    @Test("nested valueAndGradient gives the exact outer gradient")
    func nested() {
        // d/dx [ d/dx (x³ + sin x) ] = 6x − sin x.
        let x = Tensor(float64: [0.5, -1.25, 2])
        let (_, outer) = valueAndGradient(at: x) { x in
            let (_, inner) = valueAndGradient(at: x) { ($0.pow(3) + $0.sin()).sum() }
            return inner.sum()
        }
        let expected = x.doubleScalars.map { 6 * $0 - Foundation.sin($0) }
        #expect(zip(outer.doubleScalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    }

    @Test("an inner gradient used inside an outer computation stays connected to it")
    func nestedKeepsOuterInputsConnected() {
        // f(w) = Σ ∂/∂x (w·x²)|ₓ₌₁ = Σ 2w: the outer gradient is 2 everywhere.
        let w = Tensor(float64: [0.3, -0.7])
        let (value, outer) = valueAndGradient(at: w) { w in
            gradient(of: { x in (w * x.square()).sum() }, at: Tensor(float64: [1, 1])).sum()
        }
        #expect(Swift.abs(value.doubleItem - 2 * (0.3 - 0.7)) < 1e-12)
        #expect(outer.doubleScalars == [2, 2])
    }

    @Test("a Hessian-vector product matches the explicit Hessian of a quadratic form")
    func hessianVectorProduct() {
        // f(x) = ½ xᵀAx + Σ sin x with A symmetric: H = A − diag(sin x).
        let a: [[Double]] = [[2, 1, 0], [1, 3, -1], [0, -1, 4]]
        let matrix = Tensor(float64: a.flatMap { $0 }, shape: [3, 3])
        let x = Tensor(float64: [0.2, -0.4, 1.1])
        let v = Tensor(float64: [1, -2, 0.5])
        let hv = gradient(of: { x in
            let g = gradient(of: { x in (x.matmul(matrix.matmul(x)) * 0.5 + x.sin().sum()) }, at: x, createGraph: true)
            return (g * v).sum()
        }, at: x)
        let xs = x.doubleScalars, vs = v.doubleScalars
        let expected = (0..<3).map { i in (0..<3).reduce(0.0) { $0 + a[i][$1] * vs[$1] } - Foundation.sin(xs[i]) * vs[i] }
        #expect(zip(hv.doubleScalars, expected).allSatisfy { Swift.abs($0 - $1) < 1e-12 })
    }

    @Test("a gradient penalty (WGAN-GP) reaches the critic's weights")
    func gradientPenalty() {
        // Critic D(x) = tanh(x·w)·u; penalty = (‖∇ₓD‖ − 1)², differentiated w.r.t. w.
        let x = Tensor(float64: [0.4, -0.2, 0.9, 0.1, -0.5, 0.3], shape: [2, 3])
        let u = Tensor(float64: [0.7, -1.2], shape: [2, 1])
        func penalty(_ w: Tensor) -> Tensor {
            let gradientOfCritic = gradient(of: { x in x.matmul(w).tanh().matmul(u).sum() }, at: x, createGraph: true)
            let norms = gradientOfCritic.square().sum(alongAxis: 1).sqrt()
            return (norms - 1).square().mean()
        }
        let w = Tensor(float64: [0.5, -0.3, 0.8, 0.2, -0.6, 0.4], shape: [3, 2])
        let (_, analytic) = valueAndGradient(at: w) { penalty($0) }
        // Central differences in float64.
        let values = w.doubleScalars
        for index in values.indices {
            var plus = values, minus = values
            plus[index] += 1e-6
            minus[index] -= 1e-6
            let numeric = (penalty(Tensor(float64: plus, shape: [3, 2])).doubleItem
                - penalty(Tensor(float64: minus, shape: [3, 2])).doubleItem) / 2e-6
            #expect(Swift.abs(analytic.doubleScalars[index] - numeric) < 1e-7 + 1e-6 * Swift.abs(numeric))
        }
        #expect(analytic.doubleScalars.contains { $0 != 0 })
    }

    @Test("gradients(of:withRespectTo:) accepts intermediate results")
    func intermediate() {
        let x = Tensor([1, 2, 3]).requiringGrad()
        let hidden = x * 2
        let output = (hidden * hidden).sum()
        let gradient = gradients(of: output, withRespectTo: [hidden])[0]
        #expect(gradient.scalars == [4, 8, 12])
    }

    /// Convolution and pooling have float32 kernels only, so their second order is
    /// checked in float32: the Hessian-vector product against the difference of
    /// first gradients along v with ε = 1e-2. Noise: first gradients carry ~1e-6
    /// relative rounding, divided by 2ε that is ~5e-5; truncation ε²/6·|∇L'''| ~2e-5
    /// for the tanh-bounded values here. Tolerance 2e-3 + 1e-2·|numeric|, as the
    /// first-order float32 checker's.
    @Test("convolution and pooling, second order in float32", arguments: ["conv", "maxPool", "averagePool", "transpose"])
    func windows(kind: String) {
        var generator = RandomGenerator(seed: 77)
        let x = Tensor.randomUniform([1, 5, 5, 2], low: -1, high: 1, generator: &generator)
        let kernel = Tensor.randomUniform([3, 3, 2, 2], low: -0.5, high: 0.5, generator: &generator)
        let v = Tensor.randomUniform([1, 5, 5, 2], low: -1, high: 1, generator: &generator)
        let f: (Tensor) -> Tensor = { x in
            switch kind {
            case "conv": return x.conv2D(kernel, padding: .same).tanh().square().sum()
            case "maxPool": return (x.tanh() * x).maxPool2D(poolSize: (2, 2)).square().sum()
            case "averagePool": return (x.sin() * x).averagePool2D(poolSize: (2, 2), strides: (1, 1)).square().sum()
            default: return x.conv2DTranspose(kernel, strides: (2, 2)).tanh().square().sum()
            }
        }
        let hv = gradient(of: { x in (gradient(of: f, at: x, createGraph: true) * v).sum() }, at: x)
        let epsilon: Float = 1e-2
        let numeric = (gradient(of: f, at: x + v * epsilon) - gradient(of: f, at: x - v * epsilon)) / (2 * epsilon)
        let mismatches = zip(hv.scalars, numeric.scalars).filter { Swift.abs($0 - $1) > 2e-3 + 1e-2 * Swift.abs($1) }
        #expect(mismatches.isEmpty, "\(kind): \(mismatches.prefix(4))")
    }

    /// The convolution family's three primitives (convolution, its input gradient,
    /// its kernel gradient) differentiate each other: the Hessian-vector product with
    /// respect to the image and the kernel together, which runs every VJP of the
    /// family, against differences of first gradients. The tolerance is the one
    /// above; ε is halved (5e-3), as the transposed case sums more terms per output and
    /// its truncation error at 1e-2 reached 1.4 % on one element.
    @Test("convolution, second order in the image and the kernel together",
          arguments: ["strided", "dilated", "pointwise", "transpose", "biased"])
    func convolutionImageAndKernel(kind: String) {
        var generator = RandomGenerator(seed: 78)
        let x = Tensor.randomUniform([2, 6, 6, 2], low: -1, high: 1, generator: &generator)
        let window = kind == "pointwise" ? 1 : 3
        let kernel = Tensor.randomUniform([window, window, 2, 3], low: -0.5, high: 0.5, generator: &generator)
        let transposeInput = Tensor.randomUniform([2, 3, 3, 3], low: -1, high: 1, generator: &generator)
        let bias = Tensor.randomUniform([3], low: -0.5, high: 0.5, generator: &generator)
        let inputs = kind == "transpose" ? [transposeInput, kernel] : kind == "biased" ? [x, kernel, bias] : [x, kernel]
        let directions = inputs.map { Tensor.randomUniform($0.shape, low: -1, high: 1, generator: &generator) }
        let f: ([Tensor]) -> Tensor = { t in
            let y = switch kind {
            case "strided": t[0].conv2D(t[1], strides: (2, 2), padding: .same)
            case "dilated": t[0].conv2D(t[1], dilation: (2, 2))
            case "pointwise": t[0].conv2D(t[1])
            case "biased": t[0].conv2D(t[1], bias: t[2], padding: .same)
            default: t[0].conv2DTranspose(t[1], strides: (2, 2), padding: .same)
            }
            return y.tanh().square().sum()
        }
        Self.expectHessianVectorProductMatches(f, at: inputs, along: directions, label: kind)
    }

    /// Expects the Hessian-vector product of `f` at `inputs` along `directions`
    /// (differentiating the recorded gradient) to match the central difference of
    /// first gradients along them, in float32 with ε = 5e-3 and the tolerance
    /// 2e-3 + 1e-2·|numeric| (see ``windows(kind:)``), and not to vanish.
    static func expectHessianVectorProductMatches(_ f: @escaping ([Tensor]) -> Tensor, at inputs: [Tensor],
                                                  along directions: [Tensor], label: String,
                                                  sourceLocation: SourceLocation = #_sourceLocation) {
        let hv = gradient(of: { t in
            zip(gradient(of: f, at: t, createGraph: true), directions).map { ($0 * $1).sum() }.reduce(Tensor(0)) { $0 + $1 }
        }, at: inputs)
        let epsilon: Float = 5e-3
        let plus = gradient(of: f, at: zip(inputs, directions).map { $0 + $1 * epsilon })
        let minus = gradient(of: f, at: zip(inputs, directions).map { $0 - $1 * epsilon })
        for index in inputs.indices {
            let numeric = (plus[index] - minus[index]) / (2 * epsilon)
            let mismatches = zip(hv[index].scalars, numeric.scalars).filter { Swift.abs($0 - $1) > 2e-3 + 1e-2 * Swift.abs($1) }
            #expect(mismatches.isEmpty, "\(label), input \(index): \(mismatches.prefix(4))", sourceLocation: sourceLocation)
            #expect(hv[index].abs().max().item > 1e-3, "\(label), input \(index): the product is zero",
                    sourceLocation: sourceLocation)
        }
    }
}

import Foundation
