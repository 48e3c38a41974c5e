import Testing
@testable import SynapseCore

/// `Tensor.denseChain`: the fused one-row path against the same chain of ops, and
/// the composed path where it does not apply.
@Suite("Dense chain")
struct DenseChainTests {
    /// Layers of the given widths with ReLU between them and `last` at the end.
    private static func layers(_ widths: [Int], last: DenseChainActivation, bias: Bool = true, seed: UInt64 = 3)
        -> [DenseChainLayer] {
        var generator = RandomGenerator(seed: seed)
        return (0..<(widths.count - 1)).map { index in
            DenseChainLayer(kernel: Tensor.randomUniform([widths[index], widths[index + 1]], low: -0.3, high: 0.3,
                                                         generator: &generator),
                            bias: bias ? Tensor.randomUniform([widths[index + 1]], low: -0.5, high: 0.5,
                                                              generator: &generator) : nil,
                            activation: index == widths.count - 2 ? last : .relu)
        }
    }

    /// The chain as separate ops (`matmul(_:bias:)`, `relu()`, `softmax()`).
    private static func composed(_ x: Tensor, _ layers: [DenseChainLayer]) -> Tensor {
        layers.reduce(x) { x, layer in
            let product = layer.bias.map { x.matmul(layer.kernel, bias: $0) } ?? x.matmul(layer.kernel)
            switch layer.activation {
            case .linear: return product
            case .relu: return product.relu()
            case .softmax: return product.softmax()
            }
        }
    }

    @Test("one row: the fused pass gives the ops' result to the bit (W5's shape, tails, no bias, linear end)",
          arguments: [([784, 512, 256, 10], DenseChainActivation.softmax, true),
                      ([300, 17, 40], .linear, true), ([65, 300, 1], .relu, false), ([9, 3], .softmax, true)])
    func oneRow(widths: [Int], last: DenseChainActivation, bias: Bool) {
        var generator = RandomGenerator(seed: 11)
        let x = Tensor.randomUniform([1, widths[0]], low: -1, high: 1, generator: &generator)
        let layers = Self.layers(widths, last: last, bias: bias)
        let fused = withoutGradient { x.denseChain(layers) }
        #expect(fused.shape == [1, widths.last!])
        #expect(fused.scalars == withoutGradient { Self.composed(x, layers) }.scalars)
    }

    @Test("several rows take the composed path, with the same result")
    func severalRows() {
        var generator = RandomGenerator(seed: 12)
        let x = Tensor.randomUniform([5, 64], low: -1, high: 1, generator: &generator)
        let layers = Self.layers([64, 32, 6], last: .softmax)
        #expect(withoutGradient { x.denseChain(layers) }.scalars == withoutGradient { Self.composed(x, layers) }.scalars)
    }

    @Test("with gradients recorded the chain is differentiable: its gradients are the ops' gradients")
    func gradients() {
        var generator = RandomGenerator(seed: 13)
        let x = Tensor.randomUniform([1, 20], low: -1, high: 1, generator: &generator)
        let layers = Self.layers([20, 8, 3], last: .softmax).map {
            DenseChainLayer(kernel: $0.kernel.requiringGrad(), bias: $0.bias?.requiringGrad(), activation: $0.activation)
        }
        let weights = Tensor([[1, -2, 0.5]])
        (x.denseChain(layers) * weights).sum().backward()
        let chained = layers.map { $0.kernel.grad!.scalars }
        for layer in layers { layer.kernel.zeroGrad() }
        (Self.composed(x, layers) * weights).sum().backward()
        #expect(chained == layers.map { $0.kernel.grad!.scalars })
        #expect(chained[0].contains { $0 != 0 })
    }
}
