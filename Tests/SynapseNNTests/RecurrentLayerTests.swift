import Foundation
import Testing
@testable import SynapseCore
@testable import SynapseNN

/// SimpleRNN, LSTM and GRU layers against PyTorch (`Fixtures/recurrent.json`,
/// written by `scripts/fixtures_recurrent.py`), Keras defaults and layouts, masks.
@Suite("Recurrent layers")
struct RecurrentLayerTests {
    struct Case: Decodable {
        let name, cell: String
        let go_backwards: Bool
        let batch, time, features, units: Int
        let x, kernel, recurrent_kernel, bias, h0, c0, weight, outputs: [Float]
        let bias_shape: [Int]
        let states: [[Float]]
        let grad_x, grad_kernel, grad_recurrent_kernel, grad_bias, grad_h0, grad_c0: [Float]
    }

    static func cases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/recurrent.json")
        struct File: Decodable { let cases: [Case] }
        return try JSONDecoder().decode(File.self, from: Data(contentsOf: url)).cases
    }

    /// References are float64 torch results rounded to float32; Synapse runs ≤ 5
    /// float32 steps with ~1e-7 relative SIMD transcendentals. A wrong gate order,
    /// transposed weight or missing bias is off by 1e-2 or more.
    @Test("outputs, final states and gradients match PyTorch", arguments: try cases())
    func matchesPyTorch(_ fixture: Case) throws {
        let (b, t, f, u) = (fixture.batch, fixture.time, fixture.features, fixture.units)
        let layer: RecurrentLayer = switch fixture.cell {
        case "lstm": LSTM(u, returnSequences: true, goBackwards: fixture.go_backwards)
        case "gru": GRU(u, returnSequences: true, goBackwards: fixture.go_backwards)
        case "gru_reset_before": GRU(u, returnSequences: true, goBackwards: fixture.go_backwards, resetAfter: false)
        default: SimpleRNN(u, returnSequences: true, goBackwards: fixture.go_backwards)
        }
        layer.buildIfNeeded(inputShape: [t, f])
        layer.kernel.assign(Tensor(fixture.kernel, shape: layer.kernel.shape))
        layer.recurrentKernel.assign(Tensor(fixture.recurrent_kernel, shape: layer.recurrentKernel.shape))
        let bias = try #require(layer.bias)
        #expect(bias.shape == fixture.bias_shape)
        bias.assign(Tensor(fixture.bias, shape: fixture.bias_shape))
        let x = Tensor(fixture.x, shape: [b, t, f]).requiringGrad()
        var initial = [Tensor(fixture.h0, shape: [b, u]).requiringGrad()]
        if fixture.cell == "lstm" { initial.append(Tensor(fixture.c0, shape: [b, u]).requiringGrad()) }
        let (output, states) = layer(x, initialState: initial)
        NNCheck.expectClose(output, fixture.outputs, shape: [b, t, u], absolute: 2e-6, relative: 1e-5, "\(fixture.name) outputs")
        for (state, expected) in zip(states, fixture.states) {
            NNCheck.expectClose(state, expected, shape: [b, u], absolute: 2e-6, relative: 1e-5, "\(fixture.name) state")
        }
        output.backward(Tensor(fixture.weight, shape: [b, t, u]))
        let tolerance = (absolute: 1e-5, relative: 1e-4)
        NNCheck.expectClose(x.grad ?? .zeros([1]), fixture.grad_x, shape: [b, t, f], absolute: tolerance.absolute, relative: tolerance.relative, "∂x")
        NNCheck.expectClose(layer.kernel.grad ?? .zeros([1]), fixture.grad_kernel, shape: layer.kernel.shape, absolute: tolerance.absolute, relative: tolerance.relative, "∂kernel")
        NNCheck.expectClose(layer.recurrentKernel.grad ?? .zeros([1]), fixture.grad_recurrent_kernel, shape: layer.recurrentKernel.shape, absolute: tolerance.absolute, relative: tolerance.relative, "∂recurrent_kernel")
        NNCheck.expectClose(bias.grad ?? .zeros([1]), fixture.grad_bias, shape: fixture.bias_shape, absolute: tolerance.absolute, relative: tolerance.relative, "∂bias")
        NNCheck.expectClose(initial[0].grad ?? .zeros([1]), fixture.grad_h0, shape: [b, u], absolute: tolerance.absolute, relative: tolerance.relative, "∂h0")
        if fixture.cell == "lstm" {
            NNCheck.expectClose(initial[1].grad ?? .zeros([1]), fixture.grad_c0, shape: [b, u], absolute: tolerance.absolute, relative: tolerance.relative, "∂c0")
        }
    }

    @Test("Keras layouts and defaults: LSTM bias starts with the forget block at 1, GRU bias is [2, 3u]")
    func kerasLayouts() {
        let lstm = LSTM(3)
        lstm.buildIfNeeded(inputShape: [7, 5])
        #expect(lstm.kernel.shape == [5, 12])
        #expect(lstm.recurrentKernel.shape == [3, 12])
        #expect(lstm.bias?.value.scalars == [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
        // Orthogonal recurrent kernel blocks: Rᵀ·R of the [3, 12] matrix's rows are orthonormal.
        let gram = lstm.recurrentKernel.value.matmul(lstm.recurrentKernel.value, transposeB: true)
        #expect((gram - Tensor.eye(3)).abs().max().item < 1e-4)
        let gru = GRU(4)
        gru.buildIfNeeded(inputShape: [2, 3])
        #expect(gru.bias?.shape == [2, 12])
        let resetBefore = GRU(4, resetAfter: false)
        resetBefore.buildIfNeeded(inputShape: [2, 3])
        #expect(resetBefore.bias?.shape == [12])
        #expect(LSTM(2).name == "lstm" && SimpleRNN(2).name == "simple_rnn")
    }

    @Test("a layer's gradients match finite differences through a mask and goBackwards")
    func layerGradients() {
        for layer in [LSTM(3, returnSequences: true, goBackwards: true) as RecurrentLayer, GRU(3), SimpleRNN(3, returnSequences: true),
                      GRU(3, returnSequences: true, goBackwards: true, resetAfter: false)] {
            var generator = RandomGenerator(seed: 4)
            let x = Tensor.randomNormal([2, 4, 2], generator: &generator)
            let mask = Tensor(bool: [true, false, true, true, true, true, false, false], shape: [2, 4])
            _ = withoutGradient { layer(x, mask: mask) }
            LayerGradientCheck.expectGradientsMatch(MaskedLayer(layer, mask: mask), at: x)
        }
    }
}

/// Runs a layer with a fixed mask (for the gradient checker, which calls layers
/// without one).
final class MaskedLayer: Layer {
    let inner: Layer
    let mask: Tensor
    init(_ inner: Layer, mask: Tensor) {
        (self.inner, self.mask) = (inner, mask)
        super.init(name: "masked")
    }
    override var ownParameters: [Parameter] { [] }
    override var sublayers: [Layer] { [inner] }
    override func forward(_ input: Tensor, training: Bool) -> Tensor { inner(input, mask: mask, training: training) }
}
