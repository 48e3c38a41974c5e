import Foundation
import Testing
@testable import Synapse

/// Attributions of small models against Captum's for the same weights and inputs
/// (`scripts/fixtures_attribution.py`, float64 references; Synapse computes in float32).
@Suite("Attribution against Captum")
struct CaptumFixtureTests {
    static func fixture(_ name: String) throws -> [String: Tensor] {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "npz", subdirectory: "Fixtures"),
                               "missing fixture \(name).npz: run scripts/fixtures_attribution.py")
        return try NumPy.loadArchive(url)
    }

    /// Dense(8, tanh) → Dense(3, softmax) with the fixture's weights.
    static func mlp() throws -> (model: Sequential, arrays: [String: Tensor]) {
        let arrays = try fixture("mlp")
        let model = Sequential {
            Input(shape: [6])
            Dense(8, activation: .tanh)
            Dense(3, activation: .softmax)
        }
        model.buildFromDeclaredInput()
        for (parameter, name) in zip(model.parameters, ["w1", "b1", "w2", "b2"]) { parameter.assign(arrays[name]!) }
        return (model, arrays)
    }

    /// Conv2D(4, 3, relu) → Conv2D(5, 3, relu) → Flatten → Dense(3) with the fixture's weights.
    static func cnn() throws -> (model: Sequential, arrays: [String: Tensor]) {
        let arrays = try fixture("cnn")
        let model = Sequential {
            Input(shape: [8, 8, 1])
            Conv2D(4, kernelSize: 3, activation: .relu)
            Conv2D(5, kernelSize: 3, activation: .relu, name: "features")
            Flatten()
            Dense(3)
        }
        model.buildFromDeclaredInput()
        for (parameter, name) in zip(model.parameters, ["k1", "c1", "k2", "c2", "w", "b"]) { parameter.assign(arrays[name]!) }
        return (model, arrays)
    }

    static func expectClose(_ actual: Tensor, _ expected: Tensor?, tolerance: Float = 1e-4, _ what: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else { Issue.record("no reference for \(what)", sourceLocation: sourceLocation); return }
        #expect(actual.shape == expected.shape, "\(what): shape \(actual.shape) vs Captum's \(expected.shape)", sourceLocation: sourceLocation)
        let scale = max(expected.scalars.map(abs).max() ?? 0, 1e-6)
        let worst = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= tolerance * scale, "\(what): largest difference \(worst) (largest value \(scale))", sourceLocation: sourceLocation)
    }

    @Test("MLP: saliency, gradient × input, integrated gradients (three rules, two baselines), occlusion")
    func mlpMethods() throws {
        let (model, arrays) = try Self.mlp()
        let x = arrays["x"]!
        let target = AttributionTarget.outputs(arrays["targets"]!.intScalars.map(Int.init))
        Self.expectClose(Attribution.saliency(model, inputs: x, target: target), arrays["saliency"], "saliency")
        Self.expectClose(Attribution.gradientTimesInput(model, inputs: x, target: target), arrays["input_x_gradient"], "input × gradient")
        Self.expectClose(Attribution.integratedGradients(model, inputs: x, target: target, steps: 50),
                         arrays["ig_gausslegendre_50"], "IG Gauss–Legendre 50")
        // Captum's trapezoid weights are 1/n (halved at the ends), summing to (n − 1)/n; the
        // trapezoid rule's are 1/(n − 1), so Synapse's integral is Captum's × n/(n − 1).
        Self.expectClose(Attribution.integratedGradients(model, inputs: x, target: target, steps: 20, rule: .riemannTrapezoid,
                                                         batchSize: 12) * (19.0 / 20),
                         arrays["ig_trapezoid_20"], "IG trapezoid 20, in chunks of 3 steps")
        Self.expectClose(Attribution.integratedGradients(model, inputs: x, target: target,
                                                         baseline: Tensor([Float](repeating: 0.5, count: 6), shape: [6]),
                                                         steps: 16, rule: .riemannLeft),
                         arrays["ig_baseline_left_16"], "IG left Riemann 16 from a baseline of 0.5")
        Self.expectClose(Attribution.occlusion(model, inputs: x, window: [2], target: target), arrays["occlusion_w2_s1"], "occlusion 2/1")
        Self.expectClose(Attribution.occlusion(model, inputs: x, window: [4], strides: [3], target: target, baseline: 0.25,
                                               batchSize: 5),
                         arrays["occlusion_w4_s3"], "occlusion 4/3 (a cut last window) from 0.25")
    }

    @Test("CNN: Grad-CAM at a named layer, saliency, integrated gradients, occlusion")
    func cnnMethods() throws {
        let (model, arrays) = try Self.cnn()
        let x = arrays["x"]!
        let target = AttributionTarget.outputs(arrays["targets"]!.intScalars.map(Int.init))
        Self.expectClose(try Attribution.gradCAM(model, inputs: x, layer: "features", target: target, resizeToInput: false),
                         arrays["gradcam"], "Grad-CAM")
        Self.expectClose(try Attribution.gradCAM(model, inputs: x, target: target, resizeToInput: false),
                         arrays["gradcam"], "Grad-CAM at the last 4-D layer by default")
        Self.expectClose(Attribution.saliency(model, inputs: x, target: target), arrays["saliency"], "saliency")
        Self.expectClose(Attribution.integratedGradients(model, inputs: x, target: target, steps: 32), arrays["ig_gausslegendre_32"],
                         "IG Gauss–Legendre 32")
        Self.expectClose(Attribution.occlusion(model, inputs: x, window: [3, 3, 1], strides: [2, 2, 1], target: target),
                         arrays["occlusion_3x3_s2"], "occlusion 3×3 stride 2")
    }

    @Test("Gauss–Legendre points and weights are NumPy's leggauss mapped to [0, 1]")
    func gaussLegendre() {
        // numpy.polynomial.legendre.leggauss(3): ±√(3/5), 0; weights 5/9, 8/9, 5/9.
        let (points, weights) = IntegrationRule.gaussLegendre.pointsAndWeights(steps: 3)
        let root = (3.0 / 5).squareRoot()
        for (point, expected) in zip(points, [(1 - root) / 2, 0.5, (1 + root) / 2]) { #expect(abs(point - expected) < 1e-14) }
        for (weight, expected) in zip(weights, [5.0 / 18, 8.0 / 18, 5.0 / 18]) { #expect(abs(weight - expected) < 1e-14) }
        for rule in IntegrationRule.allCases {
            let total = rule.pointsAndWeights(steps: 257).weights.reduce(0, +)
            #expect(abs(total - 1) < 1e-12, "\(rule) weights sum to \(total)")
        }
        // Exact for polynomials of degree ≤ 2n − 1: ∫₀¹ x⁹ dx = 1/10 with n = 5.
        let (p5, w5) = IntegrationRule.gaussLegendre.pointsAndWeights(steps: 5)
        #expect(abs(zip(p5, w5).map { pow($0, 9) * $1 }.reduce(0, +) - 0.1) < 1e-14)
    }
}
