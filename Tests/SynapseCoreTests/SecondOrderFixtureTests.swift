import Foundation
import Testing
@testable import SynapseCore

/// Gradients of gradients against PyTorch's `torch.autograd.grad(create_graph=True)`,
/// in float64 (`scripts/fixtures_second_order.py` writes `Fixtures/second_order.json`).
@Suite("Second-order gradients against PyTorch")
struct SecondOrderFixtureTests {
    struct Array64: Decodable, Sendable {
        var shape: [Int]
        var values: [Double]
        var tensor: Tensor { Tensor(float64: values, shape: shape) }
    }
    struct Elementwise: Decodable, Sendable { var name: String; var x, first, second: Array64 }
    struct HVP: Decodable, Sendable {
        var x, w1, b1, w2, v, gradient, hvp: Array64
        var labels: [Int]
        var loss: Double
    }
    struct Penalty: Decodable, Sendable {
        var x, a, c, u: Array64
        var penalty: Double
        var gradient_a, gradient_u: Array64
    }
    struct File: Decodable, Sendable {
        var torch: String
        var elementwise: [Elementwise]
        var hvp: HVP
        var gradient_penalty: Penalty
    }

    static let file: File? = try? FixtureLoader.load("second_order")

    static func expectClose(_ actual: Tensor, _ expected: Array64, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.shape == expected.shape, "\(label): shape", sourceLocation: sourceLocation)
        let mismatches = zip(actual.doubleScalars, expected.values).enumerated()
            .filter { Swift.abs($0.element.0 - $0.element.1) > 1e-9 + 1e-7 * Swift.abs($0.element.1) }
        #expect(mismatches.isEmpty, "\(label): \(mismatches.prefix(3))", sourceLocation: sourceLocation)
    }

    static let functions: [String: @Sendable (Tensor) -> Tensor] = [
        "tanh": { $0.tanh() }, "sigmoid": { $0.sigmoid() }, "softplus": { $0.softplus() }, "swish": { $0.swish() },
        "gelu": { $0.gelu() }, "gelu_tanh": { $0.gelu(approximate: true) }, "elu": { $0.elu(alpha: 0.7) },
        "exp": { $0.exp() }, "log": { $0.log() }, "sqrt": { $0.sqrt() }, "erf": { $0.erf() }, "softsign": { $0.softsign() },
    ]

    @Test("second derivatives of the activation functions")
    func elementwise() throws {
        let file = try #require(Self.file, "Fixtures/second_order.json is missing; run scripts/fixtures_second_order.py")
        #expect(file.elementwise.count == Self.functions.count)
        for entry in file.elementwise {
            let function = try #require(Self.functions[entry.name], "no Synapse function for \(entry.name)")
            let x = entry.x.tensor
            let first = gradient(of: { function($0).sum() }, at: x, createGraph: true)
            Self.expectClose(first, entry.first, "\(entry.name)′")
            let second = gradient(of: { gradient(of: { function($0).sum() }, at: $0).sum() }, at: x)
            Self.expectClose(second, entry.second, "\(entry.name)″")
        }
    }

    @Test("a Hessian-vector product of an MLP's cross-entropy loss")
    func hessianVectorProduct() throws {
        let hvp = try #require(Self.file).hvp
        let (x, b1, w2, v) = (hvp.x.tensor, hvp.b1.tensor, hvp.w2.tensor, hvp.v.tensor)
        let labels = Tensor(int32: hvp.labels)
        let loss = { (w1: Tensor) -> Tensor in
            let logits = x.matmul(w1, bias: b1).tanh().matmul(w2)
            // The mean over the batch of −log p(label), as F.cross_entropy.
            return -(logits.logSoftmax() * labels.oneHot(depth: 3).to(.float64)).sum(alongAxis: 1).mean()
        }
        let (value, g) = valueAndGradient(at: hvp.w1.tensor) { loss($0) }
        #expect(Swift.abs(value.doubleItem - hvp.loss) < 1e-12)
        Self.expectClose(g, hvp.gradient, "gradient")
        let product = gradient(of: { (gradient(of: loss, at: $0, createGraph: true) * v).sum() }, at: hvp.w1.tensor)
        Self.expectClose(product, hvp.hvp, "H·v")
    }

    @Test("the WGAN-GP gradient penalty and its gradient with respect to the critic")
    func gradientPenalty() throws {
        let fixture = try #require(Self.file).gradient_penalty
        let (x, c) = (fixture.x.tensor, fixture.c.tensor)
        let (value, gradients) = valueAndGradient(at: [fixture.a.tensor, fixture.u.tensor]) { weights in
            let critic = { (x: Tensor) in x.matmul(weights[0], bias: c).tanh().matmul(weights[1]).sum() }
            let gradientOfCritic = gradient(of: critic, at: x, createGraph: true)
            let norms = gradientOfCritic.square().sum(alongAxis: 1).sqrt()
            return (norms - 1).square().mean()
        }
        #expect(Swift.abs(value.doubleItem - fixture.penalty) < 1e-12)
        Self.expectClose(gradients[0], fixture.gradient_a, "∂penalty/∂A")
        Self.expectClose(gradients[1], fixture.gradient_u, "∂penalty/∂u")
    }
}
